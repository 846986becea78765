"""File bytes kept once per SHA-256: uploaded workbooks, evidence documents and checked setup workbooks.

Every stored file counts toward the storage quota (SHARING_STORAGE_QUOTA_MB). The quota travels with the
session factory (``models.database.make_session_factory(engine, storage_quota_bytes=...)`` puts it in
``Session.info``), so no caller has to pass it down; a session without one stores without a limit.

``sharing prune`` (services.storage) deletes bytes nobody refers to any more. So that it never deletes bytes
a new upload has just found and refers to, on PostgreSQL storing holds a shared lock on the file store and
pruning an exclusive one (``lock_file_store``); on SQLite every writing transaction is alone anyway.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import StoredFile
from models.database import LOCK_WAIT_SECONDS
from rules.problems import Problem, error

QUOTA_KEY = "storage_quota_bytes"
MEGABYTE = 1024 * 1024
# The first key of the advisory lock on the file store ("FILE"), apart from services.locks' partner locks.
_FILE_STORE_LOCK = 0x46494C45


class StorageFull(ValueError):
    """Keeping a file would take the file store over its quota; nothing was stored.

    ``problem`` is the "storage-full" problem (its message names the quota and how much is used), for
    callers that record the refusal, as the importer does with the Upload row.
    """

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_file(session: Session, content: bytes) -> str:
    """Keep ``content`` once per SHA-256 and return the hash.

    Bytes already kept cost nothing; new bytes that would take the store over the session's quota raise
    StorageFull before anything is written. Not audited on its own: a file is stored for an upload or an
    evidence item, whose event names it.
    """
    sha256 = file_hash(content)
    lock_file_store(session.connection())
    if session.get(StoredFile, sha256) is None:
        _refuse_over_quota(session, len(content))
        try:
            # A savepoint: another worker may store the same bytes at the same moment.
            with session.begin_nested():
                session.add(StoredFile(sha256=sha256, size_bytes=len(content), content=content))
        except IntegrityError:
            pass
    return sha256


def stored_bytes(session: Session) -> int:
    """How many bytes the file store holds now."""
    return session.scalar(select(func.coalesce(func.sum(StoredFile.size_bytes), 0)))


def lock_file_store(connection: Connection, *, exclusive: bool = False) -> None:
    """Hold the file store until the transaction ends: shared to store (stores run side by side),
    exclusive to prune. PostgreSQL only; waits at most LOCK_WAIT_SECONDS, then DatabaseBusy."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    connection.execute(text(f"SELECT {function}(:namespace, 0)"), {"namespace": _FILE_STORE_LOCK})


def _refuse_over_quota(session: Session, size: int) -> None:
    # Two workers storing at the same moment may each see room for their file: the quota can be passed
    # by one file per concurrent writer, which is what it is for (a budget, not an exact limit).
    quota = session.info.get(QUOTA_KEY)
    if quota is None:
        return
    used = stored_bytes(session)
    if used + size > quota:
        raise StorageFull(error("storage-full", used=megabytes(used), quota=megabytes(quota)))


def megabytes(size: int) -> str:
    """``1,998`` for sizes of 10 MB and more, ``0.4`` below (a small quota still reads sensibly)."""
    value = size / MEGABYTE
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
