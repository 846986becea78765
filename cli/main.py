"""The ``sharing`` command: set up the database, load demo data, serve, check, import, export and prune.

Errors the user can act on are printed as one sentence on stderr with exit code 2, never as a traceback.
Human output is written in the language ``--lang`` or the environment chooses (cli.common); ``--json``
output stays English.
"""

from __future__ import annotations

import importlib
import sys

import click
from sqlalchemy import text

import migrations
from cli.common import UserError, friendly_errors, language_option, open_database
from dashboard.settings import Settings, SettingsError
from i18n import _, ngettext
from models.database import make_engine, make_session_factory, masked_url, transaction
from rules.formatting import format_date

# The commands of the other cli modules, by name: "module:attribute". A module is imported only when its
# command runs (or help lists it): most import pandas, openpyxl or the importers, and a `sharing users
# add` need not wait for them.
LAZY_COMMANDS = {
    "import": "cli.spreadsheets:import_command",
    "confirm": "cli.spreadsheets:confirm_command",
    "template": "cli.spreadsheets:template_command",
    "export": "cli.spreadsheets:export_command",
    "audit": "cli.audit:audit_command",
    "setup": "cli.setup:setup_group",
    "prune": "cli.prune:prune_command",
    "report": "cli.report:report_command",
    "users": "cli.users:users_group",
    "worker": "cli.worker:worker_command",
}


class LazyGroup(click.Group):
    """A click group whose LAZY_COMMANDS are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module, attribute = LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@language_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """SHARING Monitor: policy-improvement monitoring for the SHARING Interreg Europe partnership."""
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as error:
        raise UserError(str(error)) from None


@main.command()
@click.pass_obj
@friendly_errors
def init(settings: Settings) -> None:
    """Create or upgrade the database to the newest schema, and create the reporting periods."""
    from dashboard import figure_cache
    from seed.reference_data import sync_reporting_periods

    migrations.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            try:
                periods = sync_reporting_periods(session, settings.project_start)
            except ValueError as error:
                raise UserError(str(error)) from None
    finally:
        engine.dispose()
    figure_cache.clear(settings)  # the periods may have changed without an audit event
    sentence = ngettext(
        "Database {url} is at revision {revision}; {count} reporting period from {start}.",
        "Database {url} is at revision {revision}; {count} reporting periods from {start}.",
        len(periods),
    )
    click.echo(
        sentence.format(
            url=masked_url(settings.database_url),
            revision=migrations.head_revision(),
            count=len(periods),
            start=format_date(settings.project_start),
        )  # fmt: skip
    )


@main.command()
@click.option(
    "--scale",
    type=click.Choice(["sharing", "region"]),
    default="sharing",
    show_default=True,
    help="sharing: the five SHARING partners; region: also 500 invented bodies of the region with "
    "monthly series (about a million values; takes minutes).",
)
@click.option(
    "--seed", type=int, default=None, help="Random seed of the region data set (default 2021)."
)
# Smaller region sets for tests and trials; the documented shape is the default.
@click.option("--bodies", type=click.IntRange(1, 5000), default=None, hidden=True)
@click.option("--months", type=click.IntRange(0, 120), default=None, hidden=True)
@click.pass_obj
@friendly_errors
def demo(settings: Settings, scale: str, seed, bodies, months) -> None:
    """Load the SHARING partners, instruments, indicators and demo figures (safe to run again);
    with --scale region, also the region data set beside them (loaded once)."""
    from cli.region import load_region_command, refuse_region_options_without_region
    from dashboard import figure_cache
    from seed.demo import load_demo, load_demo_accounts

    refuse_region_options_without_region(scale, seed=seed, bodies=bodies, months=months)
    engine = open_database(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            summary = load_demo(session, settings.project_start)
            accounts = load_demo_accounts(session)
    finally:
        engine.dispose()
    click.echo(summary)
    _print_demo_accounts(accounts)
    if scale == "region":
        load_region_command(settings, seed=seed, bodies=bodies, months=months)
    # These loads bypass the services and their audit events, which key the figure cache.
    figure_cache.clear(settings)


def _print_demo_accounts(accounts) -> None:
    if accounts:
        click.echo(
            _(
                "Demo accounts created; their passwords are shown this once (change them at "
                "/account/password, or with `sharing users set-password EMAIL`):"
            )
        )
        for email, role, partner, password in accounts:
            who = _("{role} of {partner}").format(role=role, partner=partner) if partner else role
            click.echo(f"  {email:<32} {password}   ({who})")
    else:
        click.echo(_("Accounts exist already; none were added (`sharing users list` shows them)."))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8050, show_default=True, type=int, help="Port to listen on.")
@click.option("--debug/--no-debug", default=False, help="Reload on code changes, show tracebacks.")
@click.pass_obj
@friendly_errors
def serve(settings: Settings, host: str, port: int, debug: bool) -> None:
    """Serve the dashboard with the development server (use gunicorn in production)."""
    from dashboard.app import create_app

    open_database(settings).dispose()
    click.echo(_("SHARING Monitor on {url} (Ctrl+C to stop)").format(url=f"http://{host}:{port}/"))
    create_app(settings).run(host=host, port=port, debug=debug)


@main.command()
@click.pass_obj
@friendly_errors
def check(settings: Settings) -> None:
    """Say whether the database is reachable and its schema current; exit 1 when it is not."""
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current, head = migrations.current_revision(engine), migrations.head_revision()
    finally:
        engine.dispose()
    url = masked_url(settings.database_url)
    if current is None:
        click.echo(
            _("{url} is reachable but has no schema yet: run `sharing init`.").format(url=url)
        )
        sys.exit(1)
    if current != head:
        click.echo(
            _(
                "{url} is reachable but at revision {current}, not {head}: run `sharing init`."
            ).format(url=url, current=current, head=head)
        )
        sys.exit(1)
    click.echo(
        _("{url} is reachable and its schema is current ({head}).").format(url=url, head=head)
    )
