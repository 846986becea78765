"""Which value of an observation a reader is shown (models.review): the approved one, or the latest one,
which may still await review.

The steering committee's views show approved values by default, with a switch to include submitted
ones; a partner editor sees its own partner's submitted values but never another partner's. The choice is
a SQL expression the queries select and filter with, so it costs nothing per row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, case, false, literal, or_
from sqlalchemy.sql.elements import False_, True_

from dashboard.access import Actor, Permission, partner_scope
from models import Observation

OBSERVATIONS: Table = Observation.__table__


@dataclass(frozen=True)
class ValueView:
    """The values ``actor`` reads: approved only, or (``include_submitted``) the latest ones of the
    partners whose submitted values ``actor`` may see."""

    actor: Actor
    include_submitted: bool = False

    def _latest_visible(self, table: Table) -> ColumnElement[bool]:
        if not self.include_submitted:
            return false()
        return partner_scope(self.actor, Permission.READ_SUBMITTED, table.c.partner_id)

    def value(self, table: Table = OBSERVATIONS) -> ColumnElement:
        """The value shown (NULL: "no value reported", or no approved value yet)."""
        latest = self._latest_visible(table)
        if isinstance(latest, True_):
            return table.c.value
        if isinstance(latest, False_):
            return table.c.approved_value
        return case((latest, table.c.value), else_=table.c.approved_value)

    def shown(self, table: Table = OBSERVATIONS) -> ColumnElement[bool]:
        """True for the rows that have something to show (an approved value, or a visible latest)."""
        latest = self._latest_visible(table)
        if isinstance(latest, True_):
            return literal(True)
        approved = table.c.approved_at.is_not(None)
        return approved if isinstance(latest, False_) else or_(latest, approved)

    def pending(self, table: Table = OBSERVATIONS) -> ColumnElement[bool]:
        """True where the value shown awaits review (or was returned)."""
        latest = self._latest_visible(table)
        if isinstance(latest, False_):
            return literal(False)
        waiting = table.c.review_status != "approved"
        return waiting if isinstance(latest, True_) else and_(latest, waiting)


def approved_only(actor: Actor) -> ValueView:
    return ValueView(actor, include_submitted=False)


def latest_values(actor: Actor) -> ValueView:
    """Everything ``actor`` may see of the latest values (a partner page, an officer's export)."""
    return ValueView(actor, include_submitted=True)
