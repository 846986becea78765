"""Migrations give exactly the models and can be undone, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import migrations
from models import Base
from models.database import make_engine


def test_upgrade_to_head_matches_the_models(database_url):
    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(database_url):
    migrations.upgrade(database_url)
    migrations.downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert migrations.current_revision(engine) is None
    engine.dispose()
    migrations.upgrade(database_url)  # and up again, from nothing


def test_the_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    import os
    import stat

    from sqlalchemy import text

    old_umask = os.umask(0o022)  # what most shells have: files readable by everyone
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'sharing.db'}")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection:  # keeps the -wal and -shm files while open
            connection.execute(text("SELECT x FROM t")).all()
            files = sorted(tmp_path.glob("sharing.db*"))
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
        engine.dispose()
    finally:
        os.umask(old_umask)
    assert "sharing.db-wal" in modes
    assert set(modes.values()) == {0o600}, modes


def test_the_newest_migrations_run_both_ways_over_a_database_holding_data(database_url, tmp_path):
    """Down to 0008 and up again with the demo in the tables: SQLite rebuilds the upload table (and
    others rows refer to) without losing or breaking a row."""
    from datetime import date

    from sqlalchemy import func, select

    from dashboard.access import Actor
    from importers.workbook_import import run_import
    from models import Observation, Upload
    from models.database import make_session_factory, transaction
    from seed.demo import load_demo
    from tests.factories import workbooks

    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_demo(session, date(2023, 3, 1), today=date(2026, 11, 27))
    # Values imported from an upload: observations and revisions refer to its row.
    run_import(
        factory, workbooks.xlsx([("ESU-SERVICES", "P1", 71), ("ESU-USERS", "P2", 72)]), "a.xlsx",
        actor=Actor(name="tester", role="admin"), partner_code="SMILTENE", dry_run=False,
        max_bytes=10**7, today=date(2026, 11, 27),
    )  # fmt: skip
    with engine.connect() as connection:
        before = [
            connection.scalar(select(func.count()).select_from(model))
            for model in (Upload, Observation)
        ]
        assert connection.scalar(select(func.count()).where(Observation.upload_id.is_not(None)))
    migrations.downgrade(database_url, "0008")
    migrations.upgrade(database_url)
    with engine.connect() as connection:
        after = [
            connection.scalar(select(func.count()).select_from(model))
            for model in (Upload, Observation)
        ]
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert after == before
