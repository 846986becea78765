"""Accounts and share links as the Users page and ``sharing users list`` show them (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Partner, ReportingPeriod, ShareLink, User, utcnow


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    name: str
    role: str
    partner_code: str | None
    language: str | None
    is_active: bool
    has_password: bool
    is_demo: bool
    last_sign_in_at: datetime | None

    def to_json(self) -> dict:
        return {
            "email": self.email, "name": self.name, "role": self.role,
            "partner": self.partner_code, "language": self.language, "active": self.is_active,
            "has_password": self.has_password,
            "last_sign_in_at": self.last_sign_in_at.isoformat() if self.last_sign_in_at else None,
        }  # fmt: skip


def accounts(session: Session) -> list[AccountRow]:
    """Every account, active ones first, then by role and e-mail address."""
    rows = session.execute(
        select(
            User.id, User.email, User.name, User.role, Partner.code, User.language, User.is_active,
            User.password_hash.is_not(None), User.is_demo, User.last_sign_in_at,
        )
        .outerjoin(Partner, Partner.id == User.partner_id)
        .order_by(User.is_active.desc(), User.role, User.email)
    ).all()  # fmt: skip
    return [AccountRow(*row) for row in rows]


@dataclass(frozen=True)
class ShareLinkRow:
    id: int
    label: str
    language: str | None
    period_label: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at >= utcnow()


def share_links(session: Session, limit: int = 200) -> list[ShareLinkRow]:
    """Share links, newest first."""
    rows = session.execute(
        select(
            ShareLink.id, ShareLink.label, ShareLink.language, ReportingPeriod.label,
            ShareLink.created_by, ShareLink.created_at, ShareLink.expires_at, ShareLink.revoked_at,
            ShareLink.last_used_at,
        )
        .outerjoin(ReportingPeriod, ReportingPeriod.id == ShareLink.period_id)
        .order_by(ShareLink.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return [ShareLinkRow(*row) for row in rows]
