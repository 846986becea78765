"""``sharing setup export`` and ``sharing setup import``: the Setup page's workbook from the command line,
through the same services. Exit codes as for ``sharing import``: 0 imported, unchanged or a clean dry run;
1 the workbook has errors (nothing changed); 2 the file cannot be read or the call is wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.common import UserError, acting_as, language_option, open_database
from cli.spreadsheets import issue_line
from dashboard.access import AccessDenied, command_line_actor
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.settings import Settings
from i18n import N_, _
from models.database import make_session_factory, transaction
from services.setup_workbook import import_setup_workbook
from workbooks.setup_workbook import SHEETS, setup_workbook

# The first line of a report, per outcome; {counts} lists each sheet's new and changed rows.
HEADLINES = {
    "imported": N_("Setup updated ({counts})."),
    "dry-run": N_("Dry run, nothing changed; importing would give ({counts})."),
    "rejected": N_("Not imported: the workbook has errors, nothing was changed ({counts})."),
    "unreadable": N_("Not imported: the file cannot be read ({counts})."),
    "outdated": N_(
        "Not imported: the setup changed since the preview; the workbook would now give ({counts})."
    ),
}


@click.group("setup")
def setup_group() -> None:
    """Export the setup (indicators, targets, milestones, partners, periods) or import it back."""


@setup_group.command("export")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .xlsx.",
)  # fmt: skip
@language_option
@click.pass_obj
def export_setup(settings: Settings, output: Path) -> None:
    """Write the setup workbook the Setup page exports (sheet names and headers in the chosen
    language; it imports back in any)."""
    if output.suffix.lower() != ".xlsx":
        raise UserError(_("{path} must end in .xlsx").format(path=output))
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            visible = partner_codes_visible_to(session, command_line_actor("setup export"))
            content = setup_workbook(session, visible)
    finally:
        engine.dispose()
    output.write_bytes(content)
    click.echo(_("Setup written to {path}.").format(path=output))


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
@language_option
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
    names = {canonical: _(title) for canonical, _table, title in SHEETS}
    counts = "; ".join(
        _("{sheet}: {added} new, {updated} changed").format(
            sheet=names.get(sheet, sheet), added=added, updated=report["updated"][sheet]
        )
        for sheet, added in report["added"].items()
    )
    click.echo(_(HEADLINES[report["status"]]).format(counts=counts))
    for issue in result.issues:
        click.echo(issue_line(issue, 24), err=issue.is_error)
