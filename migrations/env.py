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
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one (batch mode); with foreign
            # keys on, dropping a table other rows refer to (upload, partner, ...) fails. SQLite's own
            # procedure: keys off outside the transaction, rebuild, check every key, keys on again.
            # On the driver's connection: through SQLAlchemy the statement would begin a transaction,
            # inside which SQLite ignores this pragma.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:  # rolls the migration back
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    engine.dispose()
