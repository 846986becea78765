"""What every ``sharing`` command shares: the exit-2 error and opening a database that is ready to use."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from functools import wraps

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import migrations
from dashboard.access import Actor, command_line_actor
from dashboard.settings import Settings, SettingsError
from models.database import make_engine, masked_url


class UserError(click.ClickException):
    """A problem the user can fix (configuration, database, file, call): exit code 2, one sentence."""

    exit_code = 2


def friendly_errors(command: Callable) -> Callable:
    """Turn configuration and connection failures raised inside ``command`` into a UserError."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SettingsError as error:
            raise UserError(str(error)) from None
        except OperationalError as error:
            ctx_obj = click.get_current_context().obj
            url = masked_url(ctx_obj.database_url) if isinstance(ctx_obj, Settings) else None
            raise UserError(unreachable_message(url, error)) from None

    return wrapper


def unreachable_message(url: str | None, error: OperationalError) -> str:
    """One sentence for a database that does not answer; ``url`` is already masked."""
    url = url or "the database"
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return (
        f"Cannot reach the database at {url} ({reason}). Check DATABASE_URL and that the "
        "server is running, then run `sharing check`."
    )


def require_current_schema(engine: Engine) -> None:
    current, head = migrations.current_revision(engine), migrations.head_revision()
    if current != head:
        raise UserError(
            f"The database is at revision {current or 'none'}, not {head}: run `sharing init` first."
        )


def open_database(settings: Settings) -> Engine:
    """An engine on a reachable database whose schema is current; UserError otherwise.

    The caller disposes of the engine.
    """
    engine = make_engine(settings.database_url)
    try:
        require_current_schema(engine)
    except OperationalError as problem:
        engine.dispose()
        raise UserError(unreachable_message(masked_url(settings.database_url), problem)) from None
    except UserError:
        engine.dispose()
        raise
    return engine


def acting_as(session: Session, email: str | None) -> Actor:
    """Who a command acts as: the account ``--user EMAIL`` names (refused unless it exists and is
    active), or, without ``--user``, the local operator as an admin, named so in the audit trail."""
    from services.accounts import account_actor, user_by_email

    if not email:
        return command_line_actor(getpass.getuser())
    user = user_by_email(session, email)
    if user is None or not user.is_active:
        raise UserError(
            f"No active account has the e-mail address {email!r}; `sharing users list` shows them."
        )
    return account_actor(user)
