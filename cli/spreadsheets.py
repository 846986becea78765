"""``sharing import``, ``sharing template`` and ``sharing export`` (registered in cli/main.py).

Exit codes follow the CLI contract: 0 imported, unchanged or a clean dry run; 1 the data has errors (nothing
written); 2 the file cannot be read or the call is wrong; 3 nothing written although the file is clean: the
stored values changed since the preview being confirmed (the new preview is printed), or another import of
the same partner held the database for too long (try again).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from cli.common import UserError, acting_as, open_database
from dashboard.access import AccessDenied
from dashboard.settings import Settings
from importers.workbook_import import (
    ImportResult,
    UnknownPartnerError,
    UploadNotFoundError,
    import_stored_upload,
    run_import,
)
from models import ReportingPeriod
from models.database import make_session_factory, transaction
from services.exports import record_export
from workbooks.annotate import AnnotationTooLarge, annotate_workbook
from workbooks.export import ExportError, export_observations
from workbooks.template import TemplateError, build_template, chosen_period


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partner",
    "partner_code",
    metavar="CODE",
    help="Whose figures the file holds; rows for another partner are errors. Without it, the file needs a Partner column.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check and report what would change, writing nothing (the attempt is still logged).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: status, rows, issues."
)
@click.option(
    "--annotate",
    "annotate_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.xlsx",
    help="Write the workbook back with every problem cell highlighted and commented.",
)
@click.option(
    "--user",
    "user_email",
    default=None,
    metavar="EMAIL",
    help="Act as this account (an editor only for its partner); default: the local operator, as an admin.",
)
@click.pass_obj
def import_command(
    settings: Settings, file: Path, partner_code, dry_run, as_json, annotate_path, user_email
) -> None:
    """Import a partner workbook (.xlsx, .xlsm, .ods or .csv): all of it, or nothing when it has errors."""  # fmt: skip
    content = file.read_bytes()
    engine = open_database(settings)
    factory = make_session_factory(engine, storage_quota_bytes=settings.storage_quota_bytes)
    try:
        with factory() as session:
            actor = acting_as(session, user_email)
        result = run_import(
            factory, content, file.name, partner_code=partner_code, actor=actor, dry_run=dry_run,
            max_bytes=settings.max_upload_bytes,
        )  # fmt: skip
    except (UnknownPartnerError, AccessDenied) as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()
    if annotate_path:
        try:
            annotate_path.write_bytes(annotate_workbook(content, file.name, result.issues))
        except AnnotationTooLarge as too_large:
            click.echo(str(too_large), err=True)
            annotate_path = None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_report(result, annotate_path)
    sys.exit(result.exit_code)


@click.command("confirm")
@click.argument("upload_id", type=click.IntRange(min=1, max=2**31 - 1))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: status, rows, issues."
)
@click.option(
    "--user",
    "user_email",
    default=None,
    metavar="EMAIL",
    help="Act as this account; default: the local operator, as an admin.",
)
@click.pass_obj
def confirm_command(settings: Settings, upload_id: int, as_json, user_email) -> None:
    """Import the file of an earlier dry run (``sharing import --dry-run`` printed its upload number).

    Writes only the changes that dry run showed: if the stored values changed meanwhile, nothing is written,
    the new preview is printed with its own upload number, and the exit code is 3.
    """
    engine = open_database(settings)
    factory = make_session_factory(engine, storage_quota_bytes=settings.storage_quota_bytes)
    try:
        with factory() as session:
            actor = acting_as(session, user_email)
        result = import_stored_upload(
            factory, upload_id, actor=actor, max_bytes=settings.max_upload_bytes
        )
    except (UploadNotFoundError, AccessDenied) as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_report(result, None)
    sys.exit(result.exit_code)


def _print_report(result: ImportResult, annotate_path: Path | None) -> None:
    rows = result.rows
    headline = {
        "imported": "Imported",
        "unchanged": "Nothing changed: the database already holds these values",
        "dry-run": "Dry run, nothing written; importing would give",
        "rejected": "Not imported: the file has errors, nothing was written",
        "unreadable": "Not imported: the file cannot be read",
        "outdated": "Not imported: the values changed since the preview; the file would now give",
        "busy": "Not imported: the database stayed busy with another import, nothing was written",
    }[result.status]
    click.echo(
        f"{headline} ({rows.read} rows read: {rows.inserted} new, {rows.updated} updated, "
        f"{rows.unchanged} unchanged, {rows.invalid} invalid; upload #{result.upload_id})."
    )
    for issue in result.issues:
        message = issue.message  # rendered now, from the code's template
        # Messages start with their cell ("D14: ..."): prefix the sheet only, so the cell is not repeated.
        starts_with_cell = bool(issue.cell) and message.startswith(issue.cell)
        if starts_with_cell:
            where = f"{issue.sheet}!" if issue.sheet else ""
        else:
            where = f"{issue.location}: " if issue.location else ""
        click.echo(f"  {issue.severity:7} {issue.code:28} {where}{message}", err=issue.is_error)
    if annotate_path:
        click.echo(f"Annotated workbook written to {annotate_path}.")


@click.command("template")
@click.option(
    "--partner",
    "partner_code",
    required=True,
    metavar="CODE",
    help="The partner the workbook is for.",
)
@click.option(
    "--period",
    "period_label",
    metavar="P7",
    help="The reporting period (default: the latest one that has ended).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .xlsx (default: sharing-CODE-PERIOD.xlsx).",
)
@click.pass_obj
def template_command(settings: Settings, partner_code: str, period_label, output) -> None:
    """Write the reporting workbook a partner fills in."""
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            content = build_template(session, partner_code, period_label)
            periods = list(
                session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.number))
            )
            label = chosen_period(periods, period_label, date.today()).label
    except TemplateError as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()
    output = output or Path(f"sharing-{partner_code.upper()}-{label}.xlsx")
    output.write_bytes(content)
    click.echo(f"Template for {partner_code.upper()} written to {output}.")


@click.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.csv or FILE.xlsx (default: CSV on standard output).",
)
@click.option("--partner", "partner_code", metavar="CODE", help="Only this partner's observations.")
@click.pass_obj
def export_command(settings: Settings, output, partner_code) -> None:
    """Write every current observation (partner, indicator, period, value, unit, source upload, when)."""
    fmt = "xlsx" if output and output.suffix.lower() == ".xlsx" else "csv"
    if output and output.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{output} must end in .csv or .xlsx")
    engine = open_database(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            content = export_observations(session, partner_code, fmt)
            record_export(
                session, acting_as(session, None), f"observations.{fmt}",
                partner_code=partner_code.upper() if partner_code else None, size=len(content),
            )  # fmt: skip
    except ExportError as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()
    if output:
        output.write_bytes(content)
        click.echo(f"Observations written to {output}.")
    else:
        click.echo(content.decode("utf-8-sig"), nl=False)
