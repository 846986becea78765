"""``sharing report``: the steering committee's period report as a PDF or an Excel workbook, kept in the
database (who, when, which period, partners and values) like an upload."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.common import UserError, acting_as, friendly_errors, language_option, open_database
from dashboard.settings import Settings
from i18n import _, current_language
from models import utcnow
from models.database import make_session_factory, transaction


def _partner_codes(values: tuple[str, ...]) -> list[str]:
    return [code for value in values for code in value.split(",") if code.strip()]


@click.command("report")
@click.option("--period", "period_label", required=True, metavar="P7", help="Reporting period.")
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="CODE",
    help="Only these partners (repeat, or separate with commas); default: every partner.",
)
@language_option
@click.option(
    "--submitted",
    is_flag=True,
    help="Include values awaiting approval (default: approved values only).",
)
@click.option("--user", "email", metavar="EMAIL", help="Generate it as this account.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.pdf or FILE.xlsx.",
)
@click.pass_obj
@friendly_errors
def report_command(settings: Settings, period_label, partners, submitted, email, output) -> None:
    """Write the period's report (PDF or Excel) and keep a copy in the database."""
    from dashboard.queries.meeting import MeetingNotFound, meeting_view
    from reports.build import ReportTooLarge, render_report
    from reports.fonts import FontMissing
    from services.reports import record_report

    file_format = output.suffix.lower().lstrip(".")
    if file_format not in ("pdf", "xlsx"):
        raise UserError(_("{file} must end in .pdf or .xlsx.").format(file=output))
    language = current_language()  # --lang, else the environment's (cli.common)
    engine = open_database(settings)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            actor = acting_as(session, email)
            try:
                meeting = meeting_view(
                    session, actor, period_label, _partner_codes(partners),
                    include_submitted=submitted, today=date.today(),
                )  # fmt: skip
            except MeetingNotFound as problem:
                raise UserError(str(problem)) from None
        try:
            content = render_report(
                meeting, file_format, generated_by=actor.name, generated_at=utcnow()
            )
        except (FontMissing, ReportTooLarge) as problem:
            raise UserError(str(problem)) from None
        with transaction(factory) as session:
            number = record_report(
                session, actor, meeting, file_format=file_format, filename=output.name,
                content=content, language=language,
            ).id  # fmt: skip
    finally:
        engine.dispose()
    output.write_bytes(content)
    click.echo(
        _("Report of {period} written to {file} ({size} KB); kept as report #{number}.").format(
            period=meeting.period.label,
            file=output,
            size=max(1, len(content) // 1024),
            number=number,
        )  # fmt: skip
    )
