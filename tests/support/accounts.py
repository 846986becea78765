"""Accounts for tests: created through the real service (services.accounts.add_user), and Flask test
clients signed in the way a browser is (the session cookie the sign-in route would set), sending the
Origin header every browser adds to a POST."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from dashboard.access import command_line_actor
from dashboard.auth.sessions import CSRF, SEEN, SINCE, USER, VERSION
from models import User
from services.accounts import add_user, user_by_email

TEST_PASSWORD = "correct-horse-battery-staple"
ORIGIN = "http://localhost"


def ensure_account(
    session: Session, email: str, role: str, partner_code: str | None = None
) -> User:
    """The account ``email`` (created with TEST_PASSWORD when missing); the caller commits."""
    user = user_by_email(session, email)
    if user is None:
        user = add_user(
            session, command_line_actor("tests"), email, role, partner_code=partner_code,
            name=email.split("@")[0], password=TEST_PASSWORD,
        )  # fmt: skip
    return user


def signed_in_client(app, user: User | None):
    """A test client of ``app`` signed in as ``user`` (anonymous with None) whose requests carry this
    site's Origin, as a browser's do."""
    client = app.server.test_client()
    client.environ_base["HTTP_ORIGIN"] = ORIGIN
    if user is not None:
        now = int(time.time())
        with client.session_transaction() as cookie:
            cookie.update(
                {USER: user.id, VERSION: user.session_version, SINCE: now, SEEN: now, CSRF: "t"}
            )
    return client
