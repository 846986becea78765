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
