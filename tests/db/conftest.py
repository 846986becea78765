"""Fixtures for the database tests beyond tests/conftest.py."""

from datetime import date

import pytest

from seed.demo import load_demo
from tests.support.import_db import import_db, import_db_both  # noqa: F401

DEMO_TODAY = date(2026, 11, 27)  # P1..P7 have ended; PLH is late with P7


@pytest.fixture
def demo(session):
    """A session on a database holding the demo data as loaded on DEMO_TODAY (SQLite and PostgreSQL)."""
    load_demo(session, date(2023, 3, 1), today=DEMO_TODAY)
    session.commit()
    return session
