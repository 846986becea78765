"""The streamed export (``sharing export``, workbooks.export) writes the same files as the in-memory one it
replaced: byte for byte in CSV, cell for cell in XLSX, on the demo data with hostile comments, read in
chunks small enough that rows cross chunk boundaries; a sheet that would pass Excel's last row continues
on the next one; and the command line's file is the same as the in-memory export."""

from __future__ import annotations

import csv
import io
import subprocess

import openpyxl
from sqlalchemy import func, select

from models import Observation
from tests.db.test_workbook_roundtrip_safety import _hostile_comments
from tests.support.processes import BIN, run_sharing, sharing_env
from workbooks import export
from workbooks.cell_text import sheet_title, write_only_value
from workbooks.export import (
    _CODES,
    COLUMN_NOTES,
    DATA_SHEET,
    EXPORT_COLUMNS,
    NOTES_SHEET,
    _csv_cell,
    export_observations,
    write_observations,
)


def _reference(session, fmt: str) -> bytes:
    """The export as it was built before streaming: every row in a list, then the whole file in memory
    (git show b02bba6:workbooks/export.py)."""
    from i18n import _

    rows = list(export.observation_rows(session))
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
        return buffer.getvalue().encode("utf-8-sig")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append([write_only_value(sheet, value) for value in row])
    notes = book.create_sheet(sheet_title(_(NOTES_SHEET)))
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 18, 80
    notes.append([_("Column"), _("What it holds")])
    for column in EXPORT_COLUMNS:
        notes.append([column, write_only_value(notes, _(COLUMN_NOTES[column]).format(**_CODES))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(content: bytes) -> dict:
    """Every cell of every sheet as a reader sees it: value, type, number format, quote prefix; and the
    column widths."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: (
            [
                [(c.value, c.data_type, c.number_format, c.quotePrefix) for c in row]
                for row in sheet.iter_rows()
            ],
            {key: dimension.width for key, dimension in sheet.column_dimensions.items()},
        )
        for sheet in book.worksheets
    }


def _streamed(session, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    size = write_observations(session, buffer, None, fmt, chunk_rows=7, **options)
    assert size == len(buffer.getvalue())
    return buffer.getvalue()


def test_the_streamed_export_is_the_in_memory_one(demo):
    _hostile_comments(demo)
    assert _streamed(demo, "csv") == _reference(demo, "csv") == export_observations(demo)
    assert _streamed(demo, "csv", bom=False) == _reference(demo, "csv")[3:]
    assert _cells(_streamed(demo, "xlsx")) == _cells(_reference(demo, "xlsx"))


def test_an_export_longer_than_a_sheet_continues_on_the_next(demo, monkeypatch):
    count = demo.scalar(select(func.count()).select_from(Observation))
    monkeypatch.setattr(export, "SHEET_MAX_ROWS", count // 2)  # three sheets of data
    book = openpyxl.load_workbook(io.BytesIO(_streamed(demo, "xlsx")))
    titles = [DATA_SHEET, f"{DATA_SHEET} 2", f"{DATA_SHEET} 3"]
    assert book.sheetnames == [*titles, "Columns"]
    sheets = [list(book[title].values) for title in titles]
    assert all(rows[0] == EXPORT_COLUMNS for rows in sheets)
    assert [len(rows) for rows in sheets] == [
        count // 2,
        count // 2,
        count - 2 * (count // 2 - 1) + 1,
    ]
    whole = list(openpyxl.load_workbook(io.BytesIO(_reference(demo, "xlsx")))[DATA_SHEET].values)
    assert [row for rows in sheets for row in rows[1:]] == whole[1:]


def test_the_command_line_streams_the_same_file(demo, settings, tmp_path):
    env = sharing_env(settings.database_url, tmp_path)
    out = tmp_path / "all.csv"
    assert run_sharing("export", "-o", str(out), env=env).returncode == 0
    assert out.read_bytes() == export_observations(demo)
    assert [path.name for path in tmp_path.glob(".*partial")] == []
    piped = subprocess.run(
        [str(BIN / "sharing"), "export"], env=env, capture_output=True, check=True
    )
    assert piped.stdout == export_observations(demo)[3:]  # no byte-order mark on a pipe
