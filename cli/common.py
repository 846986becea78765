"""What every ``sharing`` command shares: the exit-2 error, opening a database that is ready to use, and
the language its human output is written in.

Language: ``sharing --lang xx COMMAND`` (or ``--lang`` after the commands that write a file people
read: template, import, confirm, export, setup export and import) chooses one of the five; without
it, the environment's (LC_ALL, LC_MESSAGES or LANG, as POSIX reads them) when it is one of the five,
else English. A template without --lang is in the partner's language. ``--json`` output stays English
and machine-readable whatever the language.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from functools import wraps

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import migrations
from dashboard.access import Actor, command_line_actor
from dashboard.settings import Settings, SettingsError
from i18n import DEFAULT_LANGUAGE, LANGUAGES, _, use_language
from models.database import make_engine, masked_url

# Where the explicitly chosen language (--lang) is kept for the whole command (click's ctx.meta is
# shared by a command and its group).
CHOSEN_LANGUAGE = "sharing.language"


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
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    if not url:
        return _(
            "Cannot reach the database ({reason}). Check DATABASE_URL and that the server is "
            "running, then run `sharing check`."
        ).format(reason=reason)
    return _(
        "Cannot reach the database at {url} ({reason}). Check DATABASE_URL and that the server is "
        "running, then run `sharing check`."
    ).format(url=url, reason=reason)


def require_current_schema(engine: Engine) -> None:
    current, head = migrations.current_revision(engine), migrations.head_revision()
    if current is None:
        raise UserError(
            _(
                "The database has no schema yet (revision {head} is needed): run `sharing init` first."
            ).format(head=head)
        )
    if current != head:
        raise UserError(
            _(
                "The database is at revision {current}, not {head}: run `sharing init` first."
            ).format(current=current, head=head)
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
            _(
                "No active account has the e-mail address {email}; `sharing users list` shows them."
            ).format(email=repr(email))
        )
    return account_actor(user)


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment's locale: the first of LC_ALL, LC_MESSAGES and LANG that is set
    (as POSIX reads them) when it names one of the five ("fr_FR.UTF-8" -> "fr"); English otherwise
    (also for "C" and "POSIX")."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            language = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            return language if language in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _use_chosen_language(ctx: click.Context, _param, value: str | None) -> str | None:
    """--lang's callback: texts are written in ``value`` until the command ends; on the group, without
    --lang, in the environment's language."""
    if value:
        value = value.lower()
        ctx.meta[CHOSEN_LANGUAGE] = value
    if value or ctx.parent is None:
        ctx.with_resource(use_language(value or environment_language()))
    return value


def language_option(command: Callable) -> Callable:
    """``--lang xx``: the language of the command's human output and of the workbooks it writes."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES, case_sensitive=False),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_use_chosen_language,
        help="Language of the output and of written workbooks: en, fr, ro, hr or lv (default: "
        "LC_ALL / LC_MESSAGES / LANG when it is one of them, else English).",
    )(command)


def chosen_language() -> str | None:
    """The language --lang chose for this command (on the command or on ``sharing``), or None."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(CHOSEN_LANGUAGE) if ctx is not None else None
