"""All current observations as CSV or XLSX, so any user can take the data elsewhere: the latest value of
each, with its review status (approved, submitted, returned) and the approved value the committee sees.

Cells follow workbooks.cell_text: text a spreadsheet cannot store is cleaned; text that would run as a
formula stays exact and typed as text in XLSX, and gets a leading apostrophe in CSV (CSV has no types).
Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Literal

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Indicator, Observation, Partner, ReportingPeriod, Upload
from workbooks.cell_text import csv_text, write_only_value

EXPORT_COLUMNS = (
    "partner", "indicator", "indicator_name", "period", "period_start", "period_end", "value", "unit",
    "comment", "source_kind", "upload_id", "upload_filename", "source_cell", "updated_by", "updated_at",
    "review_status", "approved_value",
)  # fmt: skip


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
            raise ExportError(f"No partner has the code {partner_code!r}")
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
    raise ExportError(f"Unknown export format {fmt!r}; use csv or xlsx")


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
    sheet = book.create_sheet("Observations")
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append([write_only_value(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
