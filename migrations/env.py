"""Alembic environment: metadata from models, URL from the caller's config or the environment."""

from alembic import context
from sqlalchemy import pool

from models import Base
from models.database import database_url_from_env, make_engine


def _database_url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        return url
    return database_url_from_env()  # the alembic CLI path: read the environment


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
        **kwargs,
    )


if context.is_offline_mode():
    _configure(url=_database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(_database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
