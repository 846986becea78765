"""Shared fixtures: settings for a temporary instance, migrated databases on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import create_engine, text

import migrations
from dashboard.settings import Settings
from models.database import make_engine, make_session_factory
from tests.support.postgres import PostgresServer

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    name = f"sharing_test_{next(_database_numbers)}"
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_server.url(name)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'sharing.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(
        "postgres_url" if request.param == "postgresql" else "sqlite_url"
    )


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret",
        project_start=date(2023, 3, 1),
        instance_path=tmp_path,
    )


@pytest.fixture
def engine(settings):
    migrations.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session
