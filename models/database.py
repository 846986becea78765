"""Engines and sessions. Nothing connects at import time: callers pass the URL from Settings."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and WAL so readers never block the importer."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back whole on any exception."""
    with factory() as session, session.begin():
        yield session


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
