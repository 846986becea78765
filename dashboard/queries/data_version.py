"""How new the data a page shows is: the newest audit event of the kinds of change that page depends on.

Every write goes through a service that records its audit event in the same transaction
(services.audit.record_event), so the newest event id of, say, the value changes of partners A and B
changes exactly when one of their values is imported, corrected, entered, approved or returned. The
figure cache (dashboard/figure_cache.py) keys its entries by these numbers: nothing to invalidate, no
state in any process. Loads that bypass the services (``sharing demo``) empty the cache instead.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session

from models import AuditEvent

# The actions that change what the pages show, by what they change (services.audit.ACTIONS).
VALUES = (
    "observation.corrected", "observation.entered", "upload.imported", "submission.approved",
    "submission.returned",
)  # fmt: skip
SETUP = (
    "target.added", "target.updated", "target.deleted", "milestone.added", "milestone.updated",
    "milestone.deleted", "indicator.added", "indicator.updated", "indicator.deleted",
    "partner.added", "partner.updated", "period.updated", "setup.imported",
)  # fmt: skip
POLICY = ("stage.recorded", "evidence.added")

# On PostgreSQL ids come from a sequence before commit: a transaction holding a smaller id than the newest
# visible one may still commit. Writing transactions in progress show in the snapshot's xip list.
_WRITES_IN_PROGRESS = literal_column(
    "(SELECT count(*) FROM pg_snapshot_xip(pg_current_snapshot()))"
)


def data_version(
    session: Session, actions: Collection[str], partner_codes: Collection[str] | None
) -> int | None:
    """The id of the newest audit event of ``actions`` about one of ``partner_codes`` (None: any
    partner) or about no partner in particular (the catalogue, a file of several partners); 0 when
    there is none. None when the number cannot be trusted yet (PostgreSQL: a write is in progress that
    may commit an older id), so the caller computes without storing."""
    query = select(func.max(AuditEvent.id)).where(AuditEvent.action.in_(sorted(actions)))
    if partner_codes is not None:
        query = query.where(
            or_(
                AuditEvent.partner_code.in_(sorted(partner_codes)),
                AuditEvent.partner_code.is_(None),
            )
        )
    if session.get_bind().dialect.name != "postgresql":
        # SQLite has one writer at a time: ids are taken in commit order.
        return session.scalar(query) or 0
    # Both read in one statement, so from one snapshot.
    newest, writing = session.execute(select(query.scalar_subquery(), _WRITES_IN_PROGRESS)).one()
    return None if writing else newest or 0
