"""How pages and callbacks reach the database: through the Flask app that create_app configured.

No engine lives at module level, so several apps (tests) and several gunicorn workers stay independent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

EXTENSION_KEY = "sharing"


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading during one request; nothing it does is committed."""
    factory = current_app.extensions[EXTENSION_KEY]["session_factory"]
    with factory() as session:
        yield session


def app_settings():
    return current_app.extensions[EXTENSION_KEY]["settings"]


@contextmanager
def write_session() -> Iterator[Session]:
    """A session whose changes are committed when the block ends and rolled back whole on any error."""
    factory = current_app.extensions[EXTENSION_KEY]["session_factory"]
    with factory() as session, session.begin():
        yield session


def session_factory():
    """The app's sessionmaker, for services that open their own transactions (the importer)."""
    return current_app.extensions[EXTENSION_KEY]["session_factory"]
