"""Recording that data left the dashboard: who exported what, when (the audit trail's "data exported")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, require

from .audit import record_event


def record_export(
    session: Session, actor: Actor, what: str, *, partner_code: str | None = None, size: int = 0
) -> None:
    """An audit event for an export of ``what`` ("observations.csv", "setup workbook"...) of
    ``partner_code`` (None: every partner), ``size`` bytes."""
    require(actor, Permission.READ)
    record_event(
        session, actor, "export.downloaded", object_type="export", object_id=what[:64],
        label=what, partner_code=partner_code, after={"bytes": size},
    )  # fmt: skip
