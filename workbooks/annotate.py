"""The partner's own workbook back, with every problem cell highlighted and commented, so it can be fixed
in place. .xlsx/.xlsm keep their formatting (openpyxl); .ods, .xls and .csv come back as an .xlsx copy of
their values. A first sheet, "Import problems", lists every problem, including those without a cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from importers.reading import UnreadableFile, read_workbook
from rules.problems import Problem

PROBLEMS_SHEET = "Import problems"
_FILLS = {
    "error": PatternFill("solid", fgColor="F4B6B6"),
    "warning": PatternFill("solid", fgColor="FFE699"),
}
_AUTHOR = "SHARING Monitor"
# Enough to copy any file the importer accepts; the size limit was already applied on upload.
_COPY_LIMIT_BYTES = 1 << 31


def annotate_workbook(content: bytes, filename: str, issues: Sequence[Problem]) -> bytes:
    """An .xlsx: ``content`` with each issue's cell filled (red: error, yellow: warning) and commented."""
    book = _editable_copy(content, filename)
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for issue in issues:
        if issue.sheet and issue.cell and issue.sheet in book.sheetnames:
            by_cell.setdefault((issue.sheet, issue.cell), []).append(issue)
    for (sheet_name, reference), cell_issues in by_cell.items():
        cell = book[sheet_name][reference]
        worst = "error" if any(i.is_error for i in cell_issues) else "warning"
        cell.fill = _FILLS[worst]
        text = "\n".join(f"{i.severity.upper()} ({i.code}): {i.message}" for i in cell_issues)
        cell.comment = Comment(text, _AUTHOR, width=320, height=120)
    _problems_sheet(book, issues)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _editable_copy(content: bytes, filename: str) -> openpyxl.Workbook:
    if content.startswith(b"PK\x03\x04"):
        try:
            return openpyxl.load_workbook(io.BytesIO(content), rich_text=True)
        except Exception:  # noqa: BLE001 - an .ods or a damaged file: fall back to a copy of the values
            pass
    book = openpyxl.Workbook()
    book.remove(book.active)
    try:
        workbook = read_workbook(content, filename, _COPY_LIMIT_BYTES)
    except UnreadableFile:
        return _with_blank_sheet(book)
    for sheet in workbook.sheets:
        copy = book.create_sheet(sheet.name[:31])
        for row_index, row in enumerate(sheet.rows(), start=1):
            for column_index, value in enumerate(row, start=1):
                if value is not None and value != "":
                    copy.cell(row_index, column_index, value).data_type = _data_type(value)
    return book if book.sheetnames else _with_blank_sheet(book)


def _data_type(value: object) -> str:
    # Text is written as text even when it starts with "=": a partner's cell must never become a formula.
    return "s" if isinstance(value, str) else "n" if isinstance(value, int | float) else "d"


def _with_blank_sheet(book: openpyxl.Workbook) -> openpyxl.Workbook:
    book.create_sheet("Sheet1")
    return book


def _problems_sheet(book: openpyxl.Workbook, issues: Sequence[Problem]) -> None:
    if PROBLEMS_SHEET in book.sheetnames:
        del book[PROBLEMS_SHEET]
    sheet = book.create_sheet(PROBLEMS_SHEET, 0)
    sheet.append(["Severity", "Code", "Sheet", "Cell", "Value", "Problem"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for issue in issues:
        sheet.append(
            [issue.severity, issue.code, issue.sheet, issue.cell, issue.value, issue.message]
        )
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
        sheet.cell(sheet.max_row, 1).fill = _FILLS[issue.severity]
    if not issues:
        sheet.append(["", "", "", "", "", "No problems found."])
    for letter, width in zip("ABCDEF", (10, 26, 16, 8, 20, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = 0
