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
