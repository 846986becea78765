"""Fixtures for the database tests beyond tests/conftest.py."""

from tests.support.import_db import import_db, import_db_both  # noqa: F401
