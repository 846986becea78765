"""The setup workbook: the whole setup (indicators, targets, milestones, partners, periods) as one .xlsx
that an officer edits and imports back (services.setup_workbook)."""

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
from workbooks.cell_text import put

SHEETS = ("Indicators", "Targets", "Milestones", "Partners", "Periods")


def setup_workbook(session: Session, partner_codes: list[str]) -> bytes:
    """The whole setup as an .xlsx, one sheet per table. Cells follow workbooks.cell_text: text stays
    exact and typed as text (formula-like text is never run), so the file imports back unchanged."""
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
    for name, frame in frames.items():
        sheet = book.create_sheet(name)
        for column, title in enumerate(frame.columns, start=1):
            header = put(sheet, 1, column, str(title))
            header.font, header.fill = bold, fill
        for row_number, row in enumerate(frame.itertuples(index=False), start=2):
            for column, value in enumerate(row, start=1):
                if not _is_missing(value):
                    put(sheet, row_number, column, value)
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(
                width + 2, 60
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA: an empty cell."""
    return value is None or (
        not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)
    )
