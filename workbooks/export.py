"""All current observations as CSV or XLSX, so any user can take the data elsewhere: the latest value of
each, with its review status (approved, submitted, returned) and the approved value the committee sees.

Cells follow workbooks.cell_text: text a spreadsheet cannot store is cleaned; text that would run as a
formula stays exact and typed as text in XLSX, and gets a leading apostrophe in CSV (CSV has no types).
Numbers are written as numbers.

Streamed at any size: rows come from the database in chunks (a server-side cursor on PostgreSQL) and go
to the file as they come, the CSV row by row, the XLSX through workbooks.xlsx_stream (the cells openpyxl's
write-only sheets would write, about 10x faster), so memory
stays flat in the number of observations (bench/bench_export.py). An XLSX sheet holds at most 1,048,576
rows: a larger export continues on "Observations 2", "Observations 3"..., each with the header row.

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
import itertools
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, _
from models import Indicator, Observation, Partner, ReportingPeriod, Upload
from models.observation import REVIEW_STATUSES, SOURCE_KINDS
from workbooks.cell_text import csv_text, sheet_title
from workbooks.xlsx_stream import StreamingWorkbook

EXPORT_COLUMNS = (
    "partner", "indicator", "indicator_name", "period", "period_start", "period_end", "value", "unit",
    "comment", "source_kind", "upload_id", "upload_filename", "source_cell", "updated_by", "updated_at",
    "review_status", "approved_value",
)  # fmt: skip
DATA_SHEET = "Observations"
# Rows per fetch from the database: large enough that the round trips do not count, small enough that
# a chunk of rows is a few megabytes.
CHUNK_ROWS = 5_000
# Excel's last row; one is the header.
SHEET_MAX_ROWS = 1_048_576
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


def observation_rows(
    session: Session, partner_code: str | None = None, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple]:
    """One tuple per observation, in EXPORT_COLUMNS order, sorted by partner, indicator and period,
    read ``chunk_rows`` at a time. Raises ExportError for an unknown partner at once, before any row."""
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
    # yield_per: a server-side cursor on PostgreSQL, fetchmany on SQLite; tuples skip Row objects.
    result = session.execute(query.execution_options(yield_per=chunk_rows))
    return (tuple(row) for row in result)


def export_observations(
    session: Session, partner_code: str | None = None, fmt: Literal["csv", "xlsx"] = "csv"
) -> bytes:
    """The observations as CSV (UTF-8 with BOM, so Excel shows accents) or XLSX bytes, in memory: for
    small exports and tests; files go through write_observations."""
    buffer = io.BytesIO()
    write_observations(session, buffer, partner_code, fmt)
    return buffer.getvalue()


def write_observations(
    session: Session,
    output: BinaryIO,
    partner_code: str | None = None,
    fmt: Literal["csv", "xlsx"] = "csv",
    *,
    bom: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Stream the observations into the binary ``output`` (a file, a pipe, a buffer) as CSV or XLSX;
    returns the number of bytes written. ``bom=False`` leaves the CSV's byte-order mark out (standard
    output, where the file it lands in is not known). The format and the partner are checked before
    anything is written; XLSX needs a seekable ``output`` (a zip file is finished by its directory)."""
    if fmt not in ("csv", "xlsx"):
        raise ExportError(
            _("Unknown export format {format}; use csv or xlsx").format(format=repr(fmt))
        )
    rows = observation_rows(session, partner_code, chunk_rows=chunk_rows)
    if fmt == "csv":
        return _write_csv(rows, output, bom=bom, chunk_rows=chunk_rows)
    start = output.tell()
    _write_xlsx(rows, output)
    return output.tell() - start


def _write_csv(rows: Iterator[tuple], output: BinaryIO, *, bom: bool, chunk_rows: int) -> int:
    # The csv module writes into a text buffer that is encoded and handed on every chunk_rows rows:
    # one write call per chunk instead of per row, and the byte count for free.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    written = output.write(b"\xef\xbb\xbf") if bom else 0
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if count % chunk_rows == 0:
            written += output.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    return written + output.write(buffer.getvalue().encode("utf-8"))


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return _csv_text(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return (
            value.isoformat(sep=" ", timespec="seconds")
            if hasattr(value, "hour")
            else value.isoformat()
        )
    return csv_text(str(value))


# Codes, names, units and statuses repeat on every row: cleaning each once is a third of the CSV's time.
_csv_text = lru_cache(maxsize=4096)(csv_text)


def _write_xlsx(rows: Iterator[tuple], output: BinaryIO) -> None:
    with StreamingWorkbook(output) as book:
        sheets = 0
        for sheets, chunk in enumerate(_sheet_chunks(rows), start=1):
            title = DATA_SHEET if sheets == 1 else f"{DATA_SHEET} {sheets}"
            book.add_sheet(title, itertools.chain([EXPORT_COLUMNS], chunk))
        if not sheets:  # no observation at all: the header alone
            book.add_sheet(DATA_SHEET, [EXPORT_COLUMNS])
        notes = [(column, _(COLUMN_NOTES[column]).format(**_CODES)) for column in EXPORT_COLUMNS]
        book.add_sheet(
            sheet_title(_(NOTES_SHEET)),
            [(_("Column"), _("What it holds")), *notes],
            widths={"A": 18, "B": 80},
        )


def _sheet_chunks(rows: Iterator[tuple]) -> Iterator[Iterator[tuple]]:
    """``rows`` cut into runs that fit one sheet below its header; nothing when there are no rows."""
    for first in rows:
        yield _run(first, rows, SHEET_MAX_ROWS - 1)


def _run(first: tuple, rows: Iterator[tuple], limit: int) -> Iterator[tuple]:
    yield first
    for _count, row in zip(range(limit - 1), rows, strict=False):
        yield row
