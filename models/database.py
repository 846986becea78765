"""Engines and sessions. Nothing connects at import time: callers pass the URL from Settings."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

# The execution option that marks a connection's transaction as one that writes (see ``transaction``).
WRITES = "sharing_writes"
# How long a writer waits for another one before giving up with DatabaseBusy: an import of 100,000 values
# holds the write lock for a few seconds; gunicorn's timeout (Procfile) is longer than this.
LOCK_WAIT_SECONDS = 30


class DatabaseBusy(RuntimeError):
    """Another transaction held the lock this one needed for longer than LOCK_WAIT_SECONDS (or a deadlock
    or serialisation failure was detected); nothing of this transaction was written.

    ``str()`` is the sentence for the user; the database's own words stay in ``args`` for the log.
    """

    def __str__(self) -> str:
        from i18n import _

        return _(
            "Another change of the same data was being saved for too long, so nothing was written. "
            "Try again in a minute."
        )


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on, WAL so readers never block the importer, and
    transactions that begin when SQLAlchemy says so (``BEGIN IMMEDIATE`` for the ones that write)."""
    if url.startswith("sqlite"):
        _create_private_file(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        writers = _SqliteWriters()
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
    return engine


def _create_private_file(url: str) -> None:
    """Create the SQLite file readable by the owner only before SQLite does (it would use the umask);
    SQLite gives its -wal and -shm files the database file's permissions."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir() and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it meanwhile
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_connect(dbapi_connection, _record) -> None:
    # The driver's own transaction handling starts transactions only before INSERT/UPDATE/DELETE, so a
    # transaction's first SELECTs would read outside it; SQLAlchemy's "begin" event starts them instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class _SqliteWriters:
    """Begins SQLite transactions; the writing ones take the database's write lock before they read.

    A writing transaction begins with ``BEGIN IMMEDIATE``, so what it reads cannot change before it
    writes (a deferred transaction would fail with SQLITE_BUSY_SNAPSHOT when it tries to write after
    another writer committed). Readers begin deferred and never block (WAL).

    The threads of one process queue on a lock of their own first: SQLite's busy handler polls with
    growing sleeps, and with a dozen threads polling, one of them could miss the lock for 30 seconds
    (the soak test saw it). Only one writer per process then polls SQLite, against the other workers.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection) -> None:
        if not connection.get_execution_options().get(WRITES):
            connection.exec_driver_sql("BEGIN")
            return
        if not self._lock.acquire(timeout=LOCK_WAIT_SECONDS):
            raise DatabaseBusy("another writer of this process held the database")
        connection.info[_HOLDS_WRITE_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection) -> None:
        if connection.info.pop(_HOLDS_WRITE_LOCK, False):
            self._lock.release()


_HOLDS_WRITE_LOCK = "sharing_holds_write_lock"


def make_session_factory(
    engine: Engine, *, storage_quota_bytes: int | None = None
) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``storage_quota_bytes`` travels in ``session.info`` to the write side
    (services.stored_files), so the quota needs no parameter on every call."""
    return sessionmaker(
        engine, expire_on_commit=False, info={"storage_quota_bytes": storage_quota_bytes}
    )


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A writing session: committed on success, rolled back whole on any exception.

    On SQLite it begins with the database's write lock (``BEGIN IMMEDIATE``); on PostgreSQL the services
    lock what they change (services.locks). A lock that cannot be had within LOCK_WAIT_SECONDS, a
    deadlock or a serialisation failure raises DatabaseBusy, after rolling back.
    """
    with factory() as session:
        try:
            with session.begin():
                session.connection(execution_options={WRITES: True})
                yield session
        except OperationalError as failure:
            if is_busy(failure):
                raise DatabaseBusy(str(failure.orig)) from None
            raise


def is_busy(failure: OperationalError) -> bool:
    """True when ``failure`` means "another transaction holds what this one needs", not a broken
    database: SQLite's "database is locked", PostgreSQL's lock timeout, deadlock or serialisation
    failure (SQLSTATE 55P03, 40P01, 40001)."""
    original = failure.orig
    if getattr(original, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    if "database is locked" in str(original):
        return True
    return getattr(original, "sqlstate", None) in {"55P03", "40P01", "40001"}


def masked_url(url: str) -> str:
    """The URL with its password hidden, safe to print in errors and logs."""
    return make_url(url).render_as_string(hide_password=True)


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """DATABASE_URL, or the embedded SQLite file in the instance folder (SHARING_INSTANCE_PATH).

    Lives here, not in the web app's settings, so that migrations and scripts find the database without
    importing Dash.
    """
    env = os.environ if environ is None else environ
    if env.get("DATABASE_URL"):
        return normalise_database_url(env["DATABASE_URL"])
    instance = Path(env.get("SHARING_INSTANCE_PATH") or "instance").resolve()
    return f"sqlite:///{instance / 'sharing.db'}"


def normalise_database_url(url: str) -> str:
    # Heroku-style URLs say postgres://; SQLAlchemy needs a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
