"""Accounts: adding, changing and disabling users, passwords and the one-time links that set them,
signing in (with the database counting failures, so every worker slows the same guesser), and the
read-only share links for meetings.

Every change checks the actor's rights (dashboard.access) and records an audit event in the same
transaction. Raises AccountError (one sentence saying what is wrong and what to do) or AccessDenied; the
caller owns the transaction.

Passwords are hashed with argon2id (argon2-cffi, the Password Hashing Competition's winner, with its
library's defaults: 64 MiB, 3 passes), never stored or logged in clear. Tokens (set-password links,
share links) are 256-bit random values, stored as SHA-256 digests and signed with the application's key
when put in a link, so a copy of the database does not hand out working links and a forged link is
refused before any lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, Signer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.access import ANONYMOUS, Actor, Permission, require
from i18n import _
from models import (
    USER_ROLES,
    OneTimeToken,
    Partner,
    ReportingPeriod,
    ShareLink,
    SignInAttempt,
    User,
    utcnow,
)
from rules.limits import TEXT_LIMITS, length_problem
from rules.passwords import PasswordRuleError, check_password, normalise_email

from .audit import record_event

LANGUAGES = ("en", "fr", "ro", "hr", "lv")
# Sign-in throttling: more failures than this within the window, for one account or one client address,
# and the next attempt is refused without checking its password.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = timedelta(minutes=1)
# Attempts are evidence for a day, then `sharing prune` removes them.
KEEP_ATTEMPTS = timedelta(days=1)
SET_PASSWORD_LINK_HOURS = 72
MAX_SHARE_LINK_DAYS = 90

_hasher = PasswordHasher()
# A hash of a random password, verified when the account does not exist, so that an unknown address
# takes as long to refuse as a wrong password (no account discovery by timing).
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account operation the rules refuse; the message is one sentence naming the problem."""


# --- passwords and tokens ------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_token(secret_key: str, purpose: str, token: str) -> str:
    """The token as it goes into a link: signed with the application's key for ``purpose``."""
    return Signer(secret_key, salt=f"sharing-{purpose}").sign(token).decode()


def unsign_token(secret_key: str, purpose: str, signed: str) -> str | None:
    """The token inside a link, or None when the link was not made by this application."""
    try:
        return Signer(secret_key, salt=f"sharing-{purpose}").unsign(signed[:200]).decode()
    except (BadSignature, UnicodeError):
        return None


# --- users -----------------------------------------------------------------------------------------


def _checked_name(name: str, email: str) -> str:
    name = (name or "").strip() or email.split("@")[0]
    too_long = length_problem(TEXT_LIMITS["app_user.name"], name, _("Name"))
    if too_long:
        raise AccountError(too_long.message)
    return name


def _checked_language(language: str | None) -> str | None:
    if language in (None, ""):
        return None
    if language not in LANGUAGES:
        raise AccountError(
            _("Language '{language}' is not offered; use one of {choices}.").format(
                language=str(language)[:10], choices=", ".join(LANGUAGES)
            )
        )
    return language


def _partner_for(session: Session, role: str, partner_code: str | None) -> Partner | None:
    if role not in USER_ROLES:
        raise AccountError(
            _("Role '{role}' does not exist; use admin, editor or viewer.").format(
                role=str(role)[:20]
            )
        )
    if role != "editor":
        if partner_code:
            raise AccountError(
                _(
                    "Only an editor is bound to a partner; leave the partner out for an {role}."
                ).format(role=role)
            )
        return None
    if not partner_code:
        raise AccountError(_("An editor edits one partner's data: name the partner."))
    partner = session.scalar(select(Partner).where(Partner.code == partner_code.strip().upper()))
    if partner is None:
        codes = ", ".join(session.scalars(select(Partner.code).order_by(Partner.display_order)))
        raise AccountError(
            _("No partner has the code '{code}'; use one of {codes}.").format(
                code=partner_code[:20], codes=codes
            )
        )
    return partner


def _checked_password(password: str, email: str, name: str) -> str:
    try:
        check_password(password, email=email, name=name)
    except PasswordRuleError as problem:
        raise AccountError(str(problem)) from None
    return hash_password(password)


def _snapshot(user: User) -> dict:
    return {
        "email": user.email, "name": user.name, "role": user.role,
        "partner": user.partner.code if user.partner else None, "language": user.language,
        "active": user.is_active,
    }  # fmt: skip


def _audit_user(session: Session, actor: Actor, action: str, user: User, **details) -> None:
    record_event(
        session, actor, action, object_type="user", object_id=user.id,
        label=f"{user.name} <{user.email}>", partner_code=user.partner.code if user.partner else None,
        **details,
    )  # fmt: skip


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().casefold()))


def add_user(
    session: Session,
    actor: Actor,
    email: str,
    role: str,
    *,
    partner_code: str | None = None,
    name: str = "",
    language: str | None = None,
    password: str | None = None,
    is_demo: bool = False,
) -> User:
    """A new account. Without ``password`` it cannot sign in until a set-password link is used (or
    single sign-on maps to it). Raises AccountError for a bad address, role, partner, language or
    password, or an address that already has an account."""
    require(actor, Permission.MANAGE_USERS)
    try:
        email = normalise_email(email)
    except PasswordRuleError as problem:
        raise AccountError(str(problem)) from None
    if user_by_email(session, email) is not None:
        raise AccountError(
            _("{email} already has an account; change it instead of adding another.").format(
                email=email
            )
        )
    partner = _partner_for(session, role, partner_code)
    name = _checked_name(name, email)
    user = User(
        email=email, name=name, role=role, partner=partner, language=_checked_language(language),
        is_demo=is_demo,
    )  # fmt: skip
    if password is not None:
        user.password_hash = _checked_password(password, email, name)
        user.password_changed_at = utcnow()
    session.add(user)
    session.flush()
    _audit_user(session, actor, "user.added", user, after=_snapshot(user))
    return user


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: str | None = None,
    partner_code: str | None = None,
    name: str | None = None,
    language: str | None = None,
) -> User:
    """Change an account's role (and partner), name or language. A change of role or partner signs the
    account out everywhere (its rights changed)."""
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    before = _snapshot(user)
    if role is not None:
        partner = _partner_for(session, role, partner_code)
        if (role, partner) != (user.role, user.partner):
            _keep_an_admin(session, user, role, user.is_active)
            user.role, user.partner = role, partner
            user.session_version += 1
    if name is not None:
        user.name = _checked_name(name, user.email)
    if language is not None:
        user.language = _checked_language(language)
    session.flush()
    after = _snapshot(user)
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed:
        _audit_user(
            session, actor, "user.updated", user,
            before={key: before[key] for key in changed}, after=changed,
        )  # fmt: skip
    return user


def set_own_language(session: Session, actor: Actor, language: str) -> None:
    """The signed-in user chooses the interface language (the switcher on every page)."""
    if actor.user_id is None:
        return
    user = _user(session, actor.user_id)
    language = _checked_language(language)
    if user.language != language:
        before = user.language
        user.language = language
        _audit_user(
            session, actor, "user.updated", user, before={"language": before},
            after={"language": language},
        )  # fmt: skip


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Disable an account (it is signed out everywhere and cannot sign in; the audit keeps its name)
    or enable it again. The last active admin cannot be disabled."""
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    if user.is_active == active:
        return user
    if not active:
        _keep_an_admin(session, user, user.role, active=False)
    user.is_active = active
    user.session_version += 1
    session.flush()
    _audit_user(session, actor, "user.enabled" if active else "user.disabled", user)
    return user


def _keep_an_admin(session: Session, user: User, new_role: str, active: bool) -> None:
    """Refuse the change that would leave no active admin (nobody could manage accounts any more)."""
    if user.role != "admin" or not user.is_active or (new_role == "admin" and active):
        return
    others = session.scalar(
        select(func.count(User.id)).where(
            User.role == "admin", User.is_active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise AccountError(
            _("{email} is the last active admin; make another account admin first.").format(
                email=user.email
            )
        )


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(_("There is no account with id {id}.").format(id=user_id))
    return user


def set_password(session: Session, actor: Actor, user_id: int, password: str) -> User:
    """An admin sets an account's password (the command line; on the page, admins hand out links)."""
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    _store_password(session, actor, user, password, "user.password-set")
    return user


def change_own_password(
    session: Session, actor: Actor, current_password: str, new_password: str
) -> User:
    """The signed-in user changes their password, giving the current one. Other browsers signed in as
    this account are signed out."""
    if actor.user_id is None:
        raise AccountError(_("Only a signed-in account has a password to change."))
    user = _user(session, actor.user_id)
    if not password_matches(user.password_hash, current_password or ""):
        raise AccountError(_("The current password is not right; nothing was changed."))
    _store_password(session, actor, user, new_password, "user.password-changed")
    return user


def _store_password(session: Session, actor: Actor, user: User, password: str, action: str):
    user.password_hash = _checked_password(password or "", user.email, user.name)
    user.password_changed_at = utcnow()
    user.session_version += 1
    session.flush()
    _audit_user(session, actor, action, user)


def create_password_link(
    session: Session, actor: Actor, user_id: int, *, hours: int = SET_PASSWORD_LINK_HOURS
) -> str:
    """A one-time token (put it in a link with ``sign_token``) that lets the account's owner choose a
    password within ``hours``; earlier unused links of the account stop working."""
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    if not user.is_active:
        raise AccountError(
            _("{email} is disabled; enable it before sending a link.").format(email=user.email)
        )
    now = utcnow()
    for earlier in session.scalars(
        select(OneTimeToken).where(OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))
    ):
        earlier.used_at = now  # superseded
    token = secrets.token_urlsafe(32)
    session.add(
        OneTimeToken(
            user_id=user.id, token_sha256=_digest(token), purpose="set-password",
            created_by=actor.name, expires_at=now + timedelta(hours=hours),
        )
    )  # fmt: skip
    _audit_user(session, actor, "user.password-link-created", user, after={"valid_hours": hours})
    return token


def password_link_account(session: Session, token: str) -> User | None:
    """The active account a set-password token is valid for (unused, not expired), or None."""
    found = _valid_token(session, token)
    return found.user if found else None


def _valid_token(session: Session, token: str) -> OneTimeToken | None:
    found = session.scalar(select(OneTimeToken).where(OneTimeToken.token_sha256 == _digest(token)))
    if (
        found is None
        or found.used_at is not None
        or found.expires_at < utcnow()
        or not found.user.is_active
    ):
        return None
    return found


def use_password_link(session: Session, token: str, password: str) -> User:
    """Set the password of the link's account and spend the link. Raises AccountError when the link
    is unknown, used or expired, or the password is refused."""
    found = _valid_token(session, token)
    if found is None:
        raise AccountError(
            _(
                "This link is no longer valid (used, expired or replaced); ask an officer for a new one."
            )
        )
    user = found.user
    _store_password(session, account_actor(user), user, password, "user.password-changed")
    found.used_at = utcnow()
    return user


# --- signing in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``user`` when it succeeded, else ``refusal`` (one sentence)."""

    user: User | None
    refusal: str = ""


def _recent_failures(session: Session, column, value: str, since: datetime) -> int:
    return session.scalar(
        select(func.count(SignInAttempt.id)).where(
            column == value,
            SignInAttempt.attempted_at >= since,
            SignInAttempt.succeeded.is_(False),
        )
    )


def sign_in(session: Session, email: str, password: str, client_address: str) -> SignIn:
    """Check a sign-in and record it (the attempt, and an audit event).

    After FAILURES_PER_ACCOUNT failures for the account, or FAILURES_PER_ADDRESS from the client
    address, within THROTTLE_WINDOW, the attempt is refused without checking the password. Every refusal
    says the same about the account (wrong address or password) so that it reveals nothing; a disabled
    account is told so only after its password proved who is asking.
    """
    email = (email or "").strip().casefold()[:254]
    address = (client_address or "unknown")[:64]
    now = utcnow()
    since = now - THROTTLE_WINDOW
    user = user_by_email(session, email)
    if (
        _recent_failures(session, SignInAttempt.email, email, since) >= FAILURES_PER_ACCOUNT
        or _recent_failures(session, SignInAttempt.client_address, address, since)
        >= FAILURES_PER_ADDRESS
    ):
        reason, refusal = (
            "throttled",
            _("Too many failed sign-ins: wait a minute before trying again."),
        )
    elif user is None or not password_matches(user.password_hash, (password or "")[:1000]):
        reason = "unknown-account" if user is None else "wrong-password"
        refusal = _("The e-mail address or the password is not right.")
    elif not user.is_active:
        reason, refusal = (
            "disabled",
            _("This account is disabled; ask a monitoring officer if you need it again."),
        )
    else:
        reason, refusal = "", ""
    session.add(
        SignInAttempt(
            attempted_at=now, email=email, client_address=address, succeeded=not refusal,
            reason=reason,
        )
    )  # fmt: skip
    if refusal:
        record_event(
            session, ANONYMOUS, "user.sign-in-failed", object_type="user",
            object_id=user.id if user else "-", label=email or "-",
            partner_code=user.partner.code if user and user.partner else None,
            after={"reason": reason, "address": address},
        )  # fmt: skip
        return SignIn(None, refusal)
    record_signed_in(session, user, "password", address)
    return SignIn(user)


def sign_in_by_provider(
    session: Session, email: str, email_verified: bool, client_address: str
) -> SignIn:
    """Map a single sign-on (the identity provider vouched for ``email``) to the account an officer
    created with that address, and record it (an audit event either way).

    Single sign-on never creates an account. Refused, with one sentence: an address the provider says
    it has not verified, an address no account has, and a disabled account.
    """
    email = (email or "").strip().casefold()[:254]
    address = (client_address or "unknown")[:64]
    user = user_by_email(session, email)
    if not email_verified:
        reason = "email-unverified"
        refusal = _(
            "The identity provider has not verified the address {email}; verify it there first."
        ).format(email=email)
    elif user is None:
        reason = "unknown-account"
        refusal = _(
            "No account has the address {email}; ask a monitoring officer to create one."
        ).format(email=email)
    elif not user.is_active:
        reason = "disabled"
        refusal = _(
            "The account {email} is disabled; ask a monitoring officer if you need it again."
        ).format(email=email)
    else:
        record_signed_in(session, user, "oidc", address)
        return SignIn(user)
    record_event(
        session, ANONYMOUS, "user.sign-in-failed", object_type="user",
        object_id=user.id if user else "-", label=email or "-",
        partner_code=user.partner.code if user and user.partner else None,
        after={"reason": reason, "address": address, "method": "oidc"},
    )  # fmt: skip
    return SignIn(None, refusal)


def record_signed_in(session: Session, user: User, method: str, client_address: str) -> None:
    """The audit event of a successful sign-in (by password or single sign-on)."""
    user.last_sign_in_at = utcnow()
    _audit_user(
        session, account_actor(user), "user.signed-in", user,
        after={"method": method, "address": client_address[:64]},
    )  # fmt: skip


def record_signed_out(session: Session, actor: Actor, client_address: str) -> None:
    user = _user(session, actor.user_id)
    _audit_user(session, actor, "user.signed-out", user, after={"address": client_address[:64]})


def prune_sign_in_attempts(session: Session) -> int:
    """Remove attempts older than KEEP_ATTEMPTS (the audit trail keeps the failures); returns how many."""
    old = session.scalars(
        select(SignInAttempt).where(SignInAttempt.attempted_at < utcnow() - KEEP_ATTEMPTS)
    ).all()
    for attempt in old:
        session.delete(attempt)
    return len(old)


# --- share links -----------------------------------------------------------------------------------


def create_share_link(
    session: Session,
    actor: Actor,
    label: str,
    *,
    days: int,
    language: str | None = None,
    period_label: str | None = None,
) -> tuple[ShareLink, str]:
    """A read-only link for a meeting, valid ``days`` days (1..MAX_SHARE_LINK_DAYS): the row and the
    token to put into the link (``sign_token``). The token is shown once and stored only as a digest."""
    require(actor, Permission.MANAGE_USERS)
    label = (label or "").strip()
    if not label:
        raise AccountError(
            _("Say what the link is for (a meeting's name), so it can be revoked later.")
        )
    too_long = length_problem(TEXT_LIMITS["share_link.label"], label, _("Label"))
    if too_long:
        raise AccountError(too_long.message)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SHARE_LINK_DAYS:
        raise AccountError(
            _("A share link is valid for 1 to {most} days.").format(most=MAX_SHARE_LINK_DAYS)
        )
    period = None
    if period_label:
        period = session.scalar(
            select(ReportingPeriod).where(
                ReportingPeriod.is_semester(), ReportingPeriod.label == period_label
            )
        )
        if period is None:
            raise AccountError(
                _("There is no reporting period {label}.").format(label=period_label[:10])
            )
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        token_sha256=_digest(token), label=label, language=_checked_language(language),
        period=period, created_by=actor.name, expires_at=utcnow() + timedelta(days=days),
    )  # fmt: skip
    session.add(link)
    session.flush()
    record_event(
        session, actor, "share-link.created", object_type="share_link", object_id=link.id,
        label=label, after={"days": days, "language": language, "period": period_label},
    )  # fmt: skip
    return link, token


def revoke_share_link(session: Session, actor: Actor, link_id: int) -> ShareLink:
    require(actor, Permission.MANAGE_USERS)
    link = session.get(ShareLink, link_id)
    if link is None:
        raise AccountError(_("There is no share link with id {id}.").format(id=link_id))
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = utcnow(), actor.name
        record_event(
            session, actor, "share-link.revoked", object_type="share_link", object_id=link.id,
            label=link.label,
        )  # fmt: skip
    return link


def valid_share_link(session: Session, token: str) -> ShareLink | None:
    """The share link of ``token`` while it is neither expired nor revoked, else None."""
    link = session.scalar(select(ShareLink).where(ShareLink.token_sha256 == _digest(token)))
    if link is None or link.revoked_at is not None or link.expires_at < utcnow():
        return None
    return link


def share_link_still_valid(session: Session, link_id: int) -> ShareLink | None:
    link = session.get(ShareLink, link_id)
    if link is None or link.revoked_at is not None or link.expires_at < utcnow():
        return None
    return link


def open_share_link(session: Session, link: ShareLink, client_address: str) -> None:
    """Record that someone opened the link (the audit trail shows when and from where)."""
    link.last_used_at = utcnow()
    record_event(
        session, share_link_actor(link), "share-link.opened", object_type="share_link",
        object_id=link.id, label=link.label, after={"address": client_address[:64]},
    )  # fmt: skip


def share_link_actor(link: ShareLink) -> Actor:
    return Actor(
        name=_("share link: {label}").format(label=link.label)[:120], role="share-link",
        via="share-link", language=link.language, share_link_id=link.id,
    )  # fmt: skip


def account_actor(user: User) -> Actor:
    """The Actor a signed-in account acts as."""
    return Actor(
        name=user.name, role=user.role, partner_code=user.partner.code if user.partner else None,
        partner_id=user.partner_id, user_id=user.id, email=user.email, via="account",
        language=user.language,
        partner_country=user.partner.country if user.partner else None,
    )  # fmt: skip
