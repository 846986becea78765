"""All current observations as CSV or XLSX, so any user can take the data elsewhere: the latest value of
each, with its review status (approved, submitted, returned) and the approved value the committee sees.

Cells follow workbooks.cell_text: text a spreadsheet cannot store is cleaned; text that would run as a
formula stays exact and typed as text in XLSX, and gets a leading apostrophe in CSV (CSV has no types).
Numbers are written as numbers.

Languages: the data stays machine-readable whoever downloads it. Both formats keep the English
snake_case column names (EXPORT_COLUMNS) and the "Observations" sheet name, and numbers and dates are
written as values, never as text formatted for one language: a script, a pivot table or a Power Query
built on one officer's download keeps working on a colleague's download in another language. What is
for people is translated: the XLSX carries a second sheet, "Columns" in the reader's language, that says
what each column holds.
"""

from __future__ import annotations

import csv
import io
from typing import Literal

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, _
from models import Indicator, Observation, Partner, ReportingPeriod, Upload
from models.observation import REVIEW_STATUSES, SOURCE_KINDS
from workbooks.cell_text import csv_text, sheet_title, write_only_value

EXPORT_COLUMNS = (
    "partner", "indicator", "indicator_name", "period", "period_start", "period_end", "value", "unit",
    "comment", "source_kind", "upload_id", "upload_filename", "source_cell", "updated_by", "updated_at",
    "review_status", "approved_value",
)  # fmt: skip
DATA_SHEET = "Observations"
# What each column holds, for the XLSX's notes sheet; {placeholders} are the codes the column holds.
COLUMN_NOTES = {
    "partner": N_("The partner's code"),
    "indicator": N_("The indicator's code"),
    "indicator_name": N_("The indicator's name (in English)"),
    "period": N_("The reporting period (P1 to P8)"),
    "period_start": N_("The first day of the period"),
    "period_end": N_("The last day of the period"),
    "value": N_("The latest value (empty: no value reported, which is not zero)"),
    "unit": N_("The indicator's unit; percentages are in % (45 means 45 %)"),
    "comment": N_("The comment given with the value"),
    "source_kind": N_(
        "Where the value came from: {upload} (a workbook), {manual} (typed on the dashboard) or "
        "{demo} (demo data)"
    ),
    "upload_id": N_("The number of the upload that brought the value"),
    "upload_filename": N_("The name of that upload's file"),
    "source_cell": N_("The sheet and cell the value was read from"),
    "updated_by": N_("Who last changed the value"),
    "updated_at": N_("When the value last changed (UTC)"),
    "review_status": N_(
        "{approved}, {submitted} (awaiting approval) or {returned} (to the partner, with a comment)"
    ),
    "approved_value": N_("The value the committee sees (the last approved one)"),
}
NOTES_SHEET = N_("Columns")
_CODES = {code: code for code in (*SOURCE_KINDS, *REVIEW_STATUSES)}


class ExportError(ValueError):
    """An unknown partner code or format."""


def observation_rows(session: Session, partner_code: str | None = None) -> list[tuple]:
    """One tuple per observation, in EXPORT_COLUMNS order, sorted by partner, indicator and period."""
    query = (
        select(
            Partner.code, Indicator.code, Indicator.name, ReportingPeriod.label,
            ReportingPeriod.start_date, ReportingPeriod.end_date, Observation.value, Indicator.unit,
            Observation.comment, Observation.source_kind, Observation.upload_id, Upload.filename,
            Observation.source_cell, Observation.updated_by, Observation.updated_at,
            Observation.review_status, Observation.approved_value,
        )
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .outerjoin(Upload, Upload.id == Observation.upload_id)
        .order_by(Partner.display_order, Indicator.display_order, ReportingPeriod.number)
    )  # fmt: skip
    if partner_code:
        partner = session.scalar(select(Partner.id).where(Partner.code == partner_code.upper()))
        if partner is None:
            raise ExportError(_("No partner has the code {code}").format(code=repr(partner_code)))
        query = query.where(Observation.partner_id == partner)
    return [tuple(row) for row in session.execute(query)]


def export_observations(
    session: Session, partner_code: str | None = None, fmt: Literal["csv", "xlsx"] = "csv"
) -> bytes:
    """The observations as CSV (UTF-8 with BOM, so Excel shows accents) or XLSX bytes."""
    rows = observation_rows(session, partner_code)
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ExportError(_("Unknown export format {format}; use csv or xlsx").format(format=repr(fmt)))


def _csv(rows: list[tuple]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return (
            value.isoformat(sep=" ", timespec="seconds")
            if hasattr(value, "hour")
            else value.isoformat()
        )
    return csv_text(str(value))


def _xlsx(rows: list[tuple]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append([write_only_value(sheet, value) for value in row])
    notes = book.create_sheet(sheet_title(_(NOTES_SHEET)))
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 18, 80
    notes.append([_("Column"), _("What it holds")])
    for column in EXPORT_COLUMNS:
        note = _(COLUMN_NOTES[column]).format(**_CODES)
        notes.append([column, write_only_value(notes, note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
