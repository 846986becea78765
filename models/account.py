"""Who may sign in: user accounts, the one-time links an admin hands out, read-only share links for
meetings, and the sign-in attempts that slow down password guessing.

Accounts are disabled, never deleted: the audit trail names them. Tokens (password-reset links, share
links) are stored as SHA-256 digests only, so a copy of the database does not hand out working links.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .partner import Partner
from .period import ReportingPeriod

# admin: the monitoring officers (everything); editor: one partner's uploads, corrections and stage
# events; viewer: the steering committee (reads everything, changes nothing).
USER_ROLES = ("admin", "editor", "viewer")
# What a one-time link does (only one thing so far; the column leaves room for more).
TOKEN_PURPOSES = ("set-password",)


class User(Base):
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(f"role IN {USER_ROLES}", name="role_known"),
        # An editor edits one partner's data; an admin or viewer is bound to none.
        CheckConstraint("(role = 'editor') = (partner_id IS NOT NULL)", name="editor_has_partner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: an e-mail address is the sign-in name, matched without regard to case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    # An interface language (en, fr, ro, hr, lv); None: the browser's, then the partner's.
    language: Mapped[str | None] = mapped_column(String(5))
    # None until a password is set (a new account gets a one-time link; single sign-on needs none).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie: bumped when the password changes or the account is disabled or
    # changes role, which signs the account out on every browser at once.
    session_version: Mapped[int] = mapped_column(default=1)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    partner: Mapped[Partner | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class OneTimeToken(Base):
    """A link an admin passes on (no e-mail server is needed): it sets the account's password once."""

    __tablename__ = "one_time_token"
    __table_args__ = (
        CheckConstraint(
            "purpose IN (" + ", ".join(f"'{p}'" for p in TOKEN_PURPOSES) + ")", name="purpose_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ShareLink(Base):
    """A read-only link for a steering-committee meeting: opens the dashboard without an account, with
    viewer rights, until it expires or is revoked."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[datetime | None]

    period: Mapped[ReportingPeriod | None] = relationship()


class SignInAttempt(Base):
    """One sign-in attempt, kept a day: the database, not a worker's memory, counts recent failures
    per account and per client address, so every worker slows the same guesser."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "attempted_at"),
        Index("ix_sign_in_attempt_address_at", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    client_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    # Why it failed: wrong-password, unknown-account, disabled, throttled, no-password.
    reason: Mapped[str] = mapped_column(Text, default="")
