"""``sharing import``, ``sharing template`` and ``sharing export`` (registered in cli/main.py).

Exit codes follow the CLI contract: 0 imported, unchanged or a clean dry run; 1 the data has errors (nothing
written); 2 the file cannot be read or the call is wrong; 3 nothing written although the file is clean: the
stored values changed since the preview being confirmed (the new preview is printed), or another import of
the same partner held the database for too long (try again).

Human output (and the annotated workbook) is in the current language (``--lang``, cli.common); a
template is in the partner's language unless ``--lang`` chooses; ``--json`` stays English.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from cli.common import UserError, acting_as, chosen_language, language_option, open_database
from dashboard.access import AccessDenied
from dashboard.settings import Settings
from i18n import LANGUAGE_NAMES, N_, _, ngettext
from importers.workbook_import import (
    ImportResult,
    UnknownPartnerError,
    UploadNotFoundError,
    import_stored_upload,
    run_import,
)
from models import ReportingPeriod
from models.database import make_session_factory, transaction
from rules.problems import Problem, severity_label
from services.exports import record_export
from workbooks.annotate import AnnotationTooLarge, annotate_workbook
from workbooks.export import ExportError, write_observations
from workbooks.template import TemplateError, build_template, chosen_period, template_language

# The first line of a report, per outcome; {rows} counts the rows read by kind, {upload} is its number.
HEADLINES = {
    "imported": N_("Imported ({rows}; upload #{upload})."),
    "unchanged": N_(
        "Nothing changed: the database already holds these values ({rows}; upload #{upload})."
    ),
    "dry-run": N_("Dry run, nothing written; importing would give ({rows}; upload #{upload})."),
    "rejected": N_(
        "Not imported: the file has errors, nothing was written ({rows}; upload #{upload})."
    ),
    "unreadable": N_("Not imported: the file cannot be read ({rows}; upload #{upload})."),
    "outdated": N_(
        "Not imported: the values changed since the preview; the file would now give ({rows}; "
        "upload #{upload})."
    ),
    "busy": N_(
        "Not imported: the database stayed busy with another import, nothing was written ({rows}; "
        "upload #{upload})."
    ),
}


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
@language_option
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
@language_option
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
    counted = ngettext(
        "{read} row read: {inserted} new, {updated} updated, {unchanged} unchanged, {invalid} invalid",
        "{read} rows read: {inserted} new, {updated} updated, {unchanged} unchanged, {invalid} invalid",
        rows.read,
    ).format(**rows.to_dict())
    click.echo(_(HEADLINES[result.status]).format(rows=counted, upload=result.upload_id))
    for issue in result.issues:
        click.echo(issue_line(issue, 28), err=issue.is_error)
    if annotate_path:
        click.echo(_("Annotated workbook written to {path}.").format(path=annotate_path))


def issue_line(issue: Problem, code_width: int) -> str:
    """One problem as a report line: severity, code, where and the sentence, rendered now in the
    current language. Sentences start with their cell ("D14: ..."): only the sheet is put before it,
    so the cell is not repeated."""
    message = issue.message
    if issue.cell and message.startswith(issue.cell):
        where = f"{issue.sheet}!" if issue.sheet else ""
    else:
        where = f"{issue.location}: " if issue.location else ""
    width = max(len(severity_label(severity)) for severity in ("error", "warning"))
    return f"  {severity_label(issue.severity):{width}} {issue.code:{code_width}} {where}{message}"


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
@language_option
@click.pass_obj
def template_command(settings: Settings, partner_code: str, period_label, output) -> None:
    """Write the reporting workbook a partner fills in, in the partner's language unless --lang
    chooses another (PLH: French, SMILTENE: Latvian...)."""
    engine = open_database(settings)
    try:
        with make_session_factory(engine)() as session:
            language = template_language(session, partner_code, chosen_language())
            content = build_template(session, partner_code, period_label, language=language)
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
    click.echo(
        _("Template for {partner} ({language}) written to {path}.").format(
            partner=partner_code.upper(), language=LANGUAGE_NAMES[language], path=output
        )
    )


@click.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.csv or FILE.xlsx (default: CSV on standard output).",
)
@click.option("--partner", "partner_code", metavar="CODE", help="Only this partner's observations.")
@language_option
@click.pass_obj
def export_command(settings: Settings, output, partner_code) -> None:
    """Write every current observation (partner, indicator, period, value, unit, source upload, when).

    The columns keep their English names in every language (machine-readable); an .xlsx adds a sheet
    saying what each holds, in the chosen language."""
    fmt = "xlsx" if output and output.suffix.lower() == ".xlsx" else "csv"
    if output and output.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(_("{path} must end in .csv or .xlsx").format(path=output))
    engine = open_database(settings)
    factory = make_session_factory(engine)
    try:
        # Read in a reading transaction (one snapshot, no write lock held while the file is written:
        # imports go on meanwhile), then record the export in a short writing one.
        with factory() as session, session.begin():
            size = _stream_export(session, output, partner_code, fmt)
        with transaction(factory) as session:
            record_export(
                session, acting_as(session, None), f"observations.{fmt}",
                partner_code=partner_code.upper() if partner_code else None, size=size,
            )  # fmt: skip
    except ExportError as problem:
        raise UserError(str(problem)) from None
    finally:
        engine.dispose()
    if output:
        click.echo(_("Observations written to {path}.").format(path=output))


def _stream_export(session, output: Path | None, partner_code: str | None, fmt: str) -> int:
    """Write the export to ``output`` (or CSV without byte-order mark to standard output) as it is
    read; returns its size in bytes. A file appears whole or not at all: it is written beside its
    final name and renamed at the end, so a failed export leaves no half file."""
    if output is None:
        stdout = click.get_binary_stream("stdout")
        size = write_observations(session, stdout, partner_code, "csv", bom=False)
        stdout.flush()
        return size
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as file:
            size = write_observations(session, file, partner_code, fmt)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return size
