"""``sharing setup export`` and ``sharing setup import``: the Setup page's workbook from the command line,
through the same services. Exit codes as for ``sharing import``: 0 imported, unchanged or a clean dry run;
1 the workbook has errors (nothing changed); 2 the file cannot be read or the call is wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import UserError, acting_as, open_database
from dashboard.access import AccessDenied, command_line_actor
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.settings import Settings
from models.database import make_session_factory, transaction
from services.setup_workbook import import_setup_workbook
from workbooks.setup_workbook import setup_workbook


@click.group("setup")
def setup_group() -> None:
    """Export the setup (indicators, targets, milestones, partners, periods) or import it back."""


@setup_group.command("export")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .xlsx.",
)  # fmt: skip
@click.pass_obj
def export_setup(settings: Settings, output: Path) -> None:
    """Write the setup workbook the Setup page exports."""
    if output.suffix.lower() != ".xlsx":
        raise UserError(f"{output} must end in .xlsx")
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            visible = partner_codes_visible_to(session, command_line_actor("setup export"))
            content = setup_workbook(session, visible)
    finally:
        engine.dispose()
    output.write_bytes(content)
    click.echo(f"Setup written to {output}.")


@setup_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check and report what would change, changing nothing."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: status, counts, issues."
)
@click.option(
    "--user",
    "user_email",
    default=None,
    metavar="EMAIL",
    help="Act as this account (it must be an admin); default: the local operator, as an admin.",
)
@click.pass_obj
def import_setup(settings: Settings, file: Path, dry_run: bool, as_json: bool, user_email) -> None:
    """Update the setup from an edited setup workbook: all of it, or nothing when it has errors."""
    content = file.read_bytes()
    engine = open_database(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            actor = acting_as(session, user_email)
            result = import_setup_workbook(
                session,
                actor,
                content,
                dry_run=dry_run,
                max_bytes=settings.max_upload_bytes,
                filename=file.name,
            )
    except AccessDenied as refused:
        raise UserError(str(refused)) from None
    finally:
        engine.dispose()
    report = result.to_json()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_report(report, result)
    sys.exit(2 if result.unreadable else 1 if result.has_errors else 0)


def _print_report(report: dict, result) -> None:
    headline = {
        "imported": "Setup updated",
        "dry-run": "Dry run, nothing changed; importing would give",
        "rejected": "Not imported: the workbook has errors, nothing was changed",
        "unreadable": "Not imported: the file cannot be read",
    }[report["status"]]
    counts = ", ".join(
        f"{sheet}: {report['added'][sheet]} new, {report['updated'][sheet]} changed"
        for sheet in report["added"]
    )
    click.echo(f"{headline} ({counts}).")
    for issue in result.issues:
        where = f"{issue.location}: " if issue.location else ""
        click.echo(
            f"  {issue.severity:7} {issue.code:24} {where}{issue.message}", err=issue.is_error
        )
