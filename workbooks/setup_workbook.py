"""The setup workbook: the whole setup (indicators, targets, milestones, partners, periods) as one .xlsx
that an officer edits and imports back (services.setup_workbook).

Written in the current language: sheet names and column headers through ``_()`` (an editable column is
headed by its Setup page label, services.catalogue.EDITABLE). The import finds sheets and columns by
name in any of the five languages, so every translation of a sheet name must be listed in
importers.headers.SETUP_SHEET_NAMES and every column's in SETUP_COLUMN_NAMES;
tests/unit/test_workbook_languages.py checks each catalogue. The cells hold the stored values as they
are (numbers, dates, booleans, codes): nothing in them depends on the language.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from dashboard.queries.setup import (
    indicators_frame,
    milestones_frame,
    partners_frame,
    periods_frame,
    targets_frame,
)
from i18n import N_, _
from services.catalogue import EDITABLE
from workbooks.cell_text import put, sheet_title

# The sheets, in order: (the import's name for it, services.catalogue's table, its name for people).
SHEETS = (
    ("Indicators", "indicator", N_("Indicators")),
    ("Targets", "target", N_("Targets")),
    ("Milestones", "milestone", N_("Milestones")),
    ("Partners", "partner", N_("Partners")),
    ("Periods", "period", N_("Periods")),
)
# Headers of the columns that are not edited fields: the keys rows are matched by, and the columns
# shown for information (the import ignores them).
COLUMN_LABELS = {
    "code": N_("Code"),
    "partner_code": N_("Partner"),
    "indicator_code": N_("Indicator"),
    "period": N_("Period"),
    "label": N_("Period"),
    "unit": N_("Unit"),
    "is_demo": N_("Demo figure"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "phase": N_("Phase"),
}


def setup_workbook(session: Session, partner_codes: list[str]) -> bytes:
    """The whole setup as an .xlsx, one sheet per table, in the current language. Cells follow
    workbooks.cell_text: text stays exact and typed as text (formula-like text is never run), so the
    file imports back unchanged."""
    frames = {
        "Indicators": indicators_frame(session).drop(columns="id"),
        "Targets": targets_frame(session, partner_codes).drop(columns=["id", "value_kind"]),
        "Milestones": milestones_frame(session, partner_codes).drop(columns="id"),
        "Partners": partners_frame(session, partner_codes).drop(columns="id"),
        "Periods": periods_frame(session).drop(columns="id"),
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for name, table, title in SHEETS:
        frame = frames[name]
        sheet = book.create_sheet(sheet_title(_(title)))
        headers = [column_label(table, str(column)) for column in frame.columns]
        for column, header_text in enumerate(headers, start=1):
            header = put(sheet, 1, column, header_text)
            header.font, header.fill = bold, fill
        for row_number, row in enumerate(frame.itertuples(index=False), start=2):
            for column, value in enumerate(row, start=1):
                if not _is_missing(value):
                    put(sheet, row_number, column, value)
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(headers[index - 1]), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(
                width + 2, 60
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column_label(table: str, column: str) -> str:
    """The header of ``column`` of ``table``'s sheet in the current language: an edited field's label
    on the Setup page, else COLUMN_LABELS', else the column's own name."""
    field = EDITABLE.get(table, {}).get(column)
    label = field.label if field is not None else COLUMN_LABELS.get(column)
    return _(label) if label else column


def _is_missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA: an empty cell."""
    return value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    )
