"""``sharing users``: accounts from the command line, usable in scripts (registered in cli/main.py).

The commands act as the local operator (an admin, named so in the audit trail). Passwords are read from
standard input with ``--password-stdin`` (one line; nothing is echoed or logged), otherwise prompted for
twice without echo. Bad input is one sentence on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys

import click

from cli.common import UserError, acting_as, friendly_errors, open_database
from dashboard.access import AccessDenied
from dashboard.queries.accounts import accounts
from dashboard.settings import Settings
from i18n import _
from models import USER_ROLES, User
from models.database import make_session_factory, transaction
from rules.formatting import format_datetime
from services.accounts import (
    AccountError,
    add_user,
    create_password_link,
    set_active,
    set_password,
    sign_token,
    user_by_email,
)


@click.group("users")
def users_group() -> None:
    """Add, list and disable accounts, and set their passwords."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError(_("--password-stdin was given but standard input is empty."))
        return line.rstrip("\r\n")
    try:
        return click.prompt(
            _("Password"), hide_input=True, confirmation_prompt=_("Repeat the password")
        )
    except click.Abort:
        raise UserError(_("No password was given; nothing was changed.")) from None


def _run(settings: Settings, operation):
    """Run ``operation(session, actor)`` in one transaction as the local operator; refusals exit 2."""
    engine = open_database(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            return operation(session, acting_as(session, None))
    except (AccountError, AccessDenied) as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()


def _account(session, email: str) -> User:
    user = user_by_email(session, email)
    if user is None:
        raise UserError(
            _("No account has the e-mail address {email}; `sharing users list` shows them.").format(
                email=repr(email)
            )
        )
    return user


@users_group.command("add")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(USER_ROLES), help="What the account may do."
)
@click.option("--partner", "partner_code", metavar="CODE", help="The partner an editor edits.")
@click.option("--name", default="", help="The name shown in the dashboard and the audit trail.")
@click.option("--language", default=None, help="Interface language: en, fr, ro, hr or lv.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--no-password", is_flag=True,
    help="Set no password: print a one-time link (valid 72 hours) to pass on instead.",
)  # fmt: skip
@click.pass_obj
@friendly_errors
def add_command(settings: Settings, email, role, partner_code, name, language, password_stdin,
                no_password) -> None:  # fmt: skip
    """Add an account (admin, editor bound to --partner, or viewer)."""
    password = None if no_password else _read_password(password_stdin)

    def add(session, actor):
        user = add_user(
            session, actor, email, role, partner_code=partner_code, name=name, language=language,
            password=password,
        )  # fmt: skip
        link = None
        if password is None:
            token = create_password_link(session, actor, user.id)
            link = f"{settings.public_url}/set-password/{sign_token(settings.secret_key, 'set-password', token)}"
        return user.email, user.role, link

    added, role_added, link = _run(settings, add)
    click.echo(_("Account {email} added ({role}).").format(email=added, role=role_added))
    if link:
        click.echo(
            _("Pass this one-time link on to set the password (valid 72 hours): {link}").format(
                link=link
            )
        )


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@friendly_errors
def list_command(settings: Settings, as_json: bool) -> None:
    """Every account: e-mail, name, role, partner, language, active, last sign-in."""
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            rows = accounts(session)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps([row.to_json() for row in rows], ensure_ascii=False))
        return
    if not rows:
        click.echo(_("No accounts yet: add one with `sharing users add EMAIL --role admin`."))
        return
    for row in rows:
        state = _("active") if row.is_active else _("disabled")
        partner = f" {row.partner_code}" if row.partner_code else ""
        if row.last_sign_in_at:
            seen = _("last sign-in: {moment}").format(moment=format_datetime(row.last_sign_in_at))
        else:
            seen = _("never signed in")
        click.echo(f"{row.email}\t{row.role}{partner}\t{row.name}\t{state}\t{seen}")


@users_group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
@friendly_errors
def set_password_command(settings: Settings, email: str, password_stdin: bool) -> None:
    """Set an account's password (signs it out everywhere)."""
    password = _read_password(password_stdin)
    done = _run(settings, lambda session, actor: set_password(
        session, actor, _account(session, email).id, password).email)  # fmt: skip
    click.echo(_("Password of {email} set.").format(email=done))


@users_group.command("password-link")
@click.argument("email")
@click.pass_obj
@friendly_errors
def password_link_command(settings: Settings, email: str) -> None:
    """Print a one-time link (valid 72 hours) with which the account's owner sets a new password."""

    def link(session, actor):
        token = create_password_link(session, actor, _account(session, email).id)
        return f"{settings.public_url}/set-password/{sign_token(settings.secret_key, 'set-password', token)}"

    click.echo(_run(settings, link))


@users_group.command("disable")
@click.argument("email")
@click.pass_obj
@friendly_errors
def disable_command(settings: Settings, email: str) -> None:
    """Disable an account: signed out at once, cannot sign in (the audit trail keeps its name)."""
    done = _run(settings, lambda session, actor: set_active(
        session, actor, _account(session, email).id, False).email)  # fmt: skip
    click.echo(_("Account {email} disabled.").format(email=done))


@users_group.command("enable")
@click.argument("email")
@click.pass_obj
@friendly_errors
def enable_command(settings: Settings, email: str) -> None:
    """Enable a disabled account again."""
    done = _run(settings, lambda session, actor: set_active(
        session, actor, _account(session, email).id, True).email)  # fmt: skip
    click.echo(_("Account {email} enabled.").format(email=done))
