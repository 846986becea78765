"""Serialising the writes of one partner's data, so that whoever compares stored values with new ones
(an import, a correction, a stage move) sees the values it replaces.

SQLite has one writer at a time: ``models.database.transaction`` begins every writing transaction with
``BEGIN IMMEDIATE``, which takes that lock before the first read, so nothing more is needed here.
PostgreSQL lets writers run side by side: ``lock_partners`` takes a transaction-scoped advisory lock per
partner (released at commit or rollback), always in id order so two multi-partner imports cannot deadlock.
Two officers working on different partners never wait for each other; a second import of the same
partner waits for the first and then compares against what the first wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.database import LOCK_WAIT_SECONDS

# The first key of the two-key advisory lock, so our locks cannot collide with another application's
# locks on the same PostgreSQL database ("SHAR" in ASCII).
_PARTNER_DATA_LOCKS = 0x53484152


def lock_partners(session: Session, partner_ids: Iterable[int]) -> None:
    """Hold, until the transaction ends, the right to change the data of these partners.

    Call it before reading the values the write compares against. Waits at most LOCK_WAIT_SECONDS for a
    concurrent writer; after that the transaction fails with models.database.DatabaseBusy.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    for partner_id in sorted(set(partner_ids)):
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :partner_id)"),
            {"namespace": _PARTNER_DATA_LOCKS, "partner_id": partner_id},
        )
