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
from workbooks.export import neutralise

SHEETS = ("Indicators", "Targets", "Milestones", "Partners", "Periods")


def setup_workbook(session: Session, partner_codes: list[str]) -> bytes:
    """The whole setup as an .xlsx, one sheet per table; text cells that look like formulas are
    neutralised (a leading apostrophe), as in every export."""
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
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for row in frame.itertuples(index=False):
            sheet.append([_cell(value) for value in row])
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(
                width + 2, 60
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return neutralise(value)
