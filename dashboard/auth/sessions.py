"""Who a browser is: the signed session cookie, read once per request into ``flask.g.actor``.

The cookie (Flask's, signed with SECRET_KEY; HttpOnly, SameSite=Lax, Secure over HTTPS) holds only ids and
times: the account id and its ``session_version`` (bumped by a password change, a role change or
disabling, which signs the account out on every browser), or a share link's id; when the session began
and when it was last used. Everything else is read from the database on each request, so every worker
agrees and a revocation takes effect at once.

A session ends after ``session_idle_minutes`` without a request, and in any case MAX_SESSION_HOURS after
signing in.
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import g, request, session
from sqlalchemy.orm import joinedload

from dashboard.access import ANONYMOUS, Actor
from models import User
from services.accounts import account_actor, share_link_actor, share_link_still_valid

MAX_SESSION_HOURS = 12
# "seen" is rewritten at most this often: every callback would otherwise re-send the cookie.
SEEN_RESOLUTION_SECONDS = 60

USER, VERSION, SHARE, SINCE, SEEN, CSRF = "uid", "sv", "share", "since", "seen", "csrf"


def identify(session_factory, idle_minutes: int) -> Actor:
    """The actor of this request (ANONYMOUS when nobody is signed in or the session ended)."""
    now = int(time.time())
    if USER not in session and SHARE not in session:
        return ANONYMOUS
    if (
        now - int(session.get(SEEN, 0)) > idle_minutes * 60
        or now - int(session.get(SINCE, 0)) > MAX_SESSION_HOURS * 3600
    ):
        g.session_ended = "idle"
        end_session()
        return ANONYMOUS
    with session_factory() as db:
        if USER in session:
            user = db.get(User, session[USER], options=[joinedload(User.partner)])
            if user is None or not user.is_active or user.session_version != session.get(VERSION):
                g.session_ended = "changed"
                end_session()
                return ANONYMOUS
            actor = account_actor(user)
        else:
            link = share_link_still_valid(db, session[SHARE])
            if link is None:
                g.session_ended = "link"
                end_session()
                return ANONYMOUS
            actor = share_link_actor(link)
    if now - int(session.get(SEEN, 0)) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = now
    return actor


def begin_account_session(user: User) -> None:
    """Sign this browser in as ``user``: a fresh session (no fixation of an earlier cookie)."""
    _begin({USER: user.id, VERSION: user.session_version})


def begin_share_session(link_id: int) -> None:
    _begin({SHARE: link_id})


def _begin(values: dict) -> None:
    session.clear()
    now = int(time.time())
    session.update(values)
    session[SINCE] = session[SEEN] = now
    session[CSRF] = secrets.token_urlsafe(24)
    session.permanent = True


def refresh_version(user: User) -> None:
    """Keep this browser signed in after its own password change bumped the session version."""
    if session.get(USER) == user.id:
        session[VERSION] = user.session_version


def end_session() -> None:
    session.clear()


def csrf_token() -> str:
    """The token forms of this session carry (created on first use, also before signing in)."""
    if CSRF not in session:
        session[CSRF] = secrets.token_urlsafe(24)
    return session[CSRF]


def csrf_valid() -> bool:
    sent = request.form.get("csrf", "")
    expected = session.get(CSRF, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())
