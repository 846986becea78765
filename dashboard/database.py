"""How pages and callbacks reach the database: through the Flask app that create_app configured.

No engine lives at module level, so several apps (tests) and several gunicorn workers stay independent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app
from sqlalchemy.orm import Session

from dashboard.access import current_actor
from models.database import DatabaseBusy, transaction

__all__ = [
    "DatabaseBusy", "app_settings", "perform", "perform_import", "perform_unsigned", "read_session",
]  # fmt: skip

T = TypeVar("T")

# A write that found the database busy is tried this many times in all before the page says so.
WRITE_ATTEMPTS = 2

EXTENSION_KEY = "sharing"


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading during one request; nothing it does is committed."""
    factory = current_app.extensions[EXTENSION_KEY]["session_factory"]
    with factory() as session:
        yield session


def app_settings():
    return current_app.extensions[EXTENSION_KEY]["settings"]


def perform(service: Callable[..., T], *args, **kwargs) -> T:
    """Run one write service for this request: ``service(session, current_actor(), *args, **kwargs)``
    in a transaction that is committed when it returns and rolled back whole when it raises.

    The only way pages change the database: the service checks the actor's rights, applies the rules
    and records the audit event; the page never holds a writing session.
    """
    factory = current_app.extensions[EXTENSION_KEY]["session_factory"]
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction(factory) as session:
                return service(session, current_actor(), *args, **kwargs)
        except DatabaseBusy:
            # Another write held the lock for LOCK_WAIT_SECONDS; nothing was written, so try again.
            if attempt == WRITE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def perform_unsigned(function: Callable[..., T], *args, **kwargs) -> T:
    """Run ``function(session, *args, **kwargs)`` in one writing transaction, for the steps that come
    before anyone is signed in (a sign-in attempt, a set-password link, opening a share link): the
    function checks what it needs itself."""
    factory = current_app.extensions[EXTENSION_KEY]["session_factory"]
    with transaction(factory) as session:
        return function(session, *args, **kwargs)


def perform_import(importer: Callable[..., T], *args, **kwargs) -> T:
    """Run an importer entry point (importers.workbook_import) for this request: it opens its own
    transactions (the upload record first, then the values), as the current actor, within the app's
    upload limit."""
    return importer(
        current_app.extensions[EXTENSION_KEY]["session_factory"], *args, actor=current_actor(),
        max_bytes=app_settings().max_upload_bytes, **kwargs,
    )  # fmt: skip


def perform_submit(submitter: Callable[..., T], *args, **kwargs) -> T:
    """Send an upload to the background (jobs.submit) for this request's actor: the attempt is recorded
    and queued here, a worker reads it (woken through Redis when REDIS_URL is set)."""
    settings = app_settings()
    return submitter(
        current_app.extensions[EXTENSION_KEY]["session_factory"], *args, actor=current_actor(),
        max_bytes=settings.max_upload_bytes, redis_url=settings.redis_url, **kwargs,
    )  # fmt: skip


def app_session_factory():
    """The app's sessionmaker, for the write paths that open their own transactions (jobs)."""
    return current_app.extensions[EXTENSION_KEY]["session_factory"]
