"""What a password and an account's e-mail address must be. Pure rules: hashing is services.accounts'.

Length is what makes a password strong (NIST SP 800-63B): at least 12 characters, any characters, no
composition rules, and never one of the passwords every guesser tries first or the account's own name.
"""

from __future__ import annotations

import re

from i18n import _

MIN_PASSWORD_CHARS = 12
# argon2 hashes whatever it is given, but a megabyte "password" is an attack on the server's time.
MAX_PASSWORD_CHARS = 200
# The passwords guessers try first (the start of every breach list), and this product's own words.
_COMMON = {
    "123456789012", "1234567890123", "qwertyuiopas", "password1234", "passwordpassword",
    "administrator", "adminadmin12", "letmeinletmein", "iloveyou1234", "welcome12345",
    "qwerty123456", "111111111111", "000000000000", "abcdefghijkl", "sharingsharing",
    "sharingmonitor", "interregeurope", "changemechangeme",
}  # fmt: skip
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


class PasswordRuleError(ValueError):
    """The password or address is refused; the message is one sentence saying what is expected."""


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise PasswordRuleError unless ``password`` is acceptable for the account ``email`` / ``name``."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRuleError(
            _("The password is too short: use at least {count} characters.").format(
                count=MIN_PASSWORD_CHARS
            )
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordRuleError(
            _("The password is too long: use at most {count} characters.").format(
                count=MAX_PASSWORD_CHARS
            )
        )
    folded = password.casefold()
    if folded in _COMMON or len(set(folded)) <= 2:
        raise PasswordRuleError(
            _("This password is one of the first that guessers try; choose another.")
        )
    personal = {email.casefold(), email.split("@")[0].casefold(), name.casefold()} - {""}
    if any(len(word) >= 4 and word in folded for word in personal):
        raise PasswordRuleError(
            _("The password must not contain the account's name or e-mail address.")
        )


def normalise_email(raw: str) -> str:
    """The address as accounts store it (trimmed, lower-cased), or PasswordRuleError."""
    email = (raw or "").strip().casefold()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise PasswordRuleError(
            _("'{email}' is not an e-mail address; write it as name@example.org.").format(
                email=email[:80]
            )
        )
    return email
