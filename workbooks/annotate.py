"""The partner's own workbook back, with every problem cell highlighted and commented, so it can be fixed
in place. .xlsx/.xlsm keep their formatting (openpyxl); .ods, .xls and .csv come back as an .xlsx copy of
their values. A first sheet, "Import problems", lists every problem, including those without a cell.

Every cell follows workbooks.cell_text: characters a workbook cannot store are dropped and text (the
partner's cells, the problem messages) is typed as text, never run as a formula. The partner's genuine
formulas in an .xlsx stay formulas: they are the partner's own, and the fixed file must compute as before.

Written in the current language (the reader's: whoever sent the file): the problem sheet's name and
headers, the severities, the comments and every problem's sentence (rendered now from its code,
rules.problems). The problem codes stay as they are: they are what a support conversation quotes.

Annotating is bounded so that it never holds a web worker for long: a file whose cells (plus the marks
and the problem list) cost more than ``MAX_ANNOTATION_COST`` raises AnnotationTooLarge before the slow
work starts. bench/bench_annotate.py measures the times behind the limits.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence

import openpyxl
from openpyxl.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from i18n import LANGUAGES, N_, _, use_language
from importers.reading import UnreadableFile, read_workbook, refuse_unsafe_package
from rules.formatting import format_number
from rules.problems import Problem, severity_label
from workbooks.cell_text import (
    clean_loaded_cell,
    clean_text,
    put,
    sheet_title,
    write_only_cell,
    write_only_value,
)

# The problem list's sheet, first in the workbook; its name is translated (``problems_sheet_name``).
PROBLEMS_SHEET = N_("Import problems")
_FILLS = {
    "error": PatternFill("solid", fgColor="F4B6B6"),
    "warning": PatternFill("solid", fgColor="FFE699"),
}
_AUTHOR = "SHARING Monitor"
_PROBLEM_COLUMNS = (
    N_("Severity"), N_("Code"), N_("Sheet"), N_("Cell"), N_("Value"), N_("Problem"),
)  # fmt: skip
# A cell's comment: one line per problem on it.
_COMMENT_LINES = {
    "error": N_("ERROR ({code}): {message}"),
    "warning": N_("WARNING ({code}): {message}"),
}
# Above any upload limit in use (SHARING_MAX_UPLOAD_MB defaults to 20), and small enough that the
# importer's zip-bomb checks (expansion at most 10 times this) still protect the copy.
_COPY_LIMIT_BYTES = 64 << 20

# The budget, in "cell units": a copied cell costs 1 in a values copy (openpyxl write-only mode: about
# 15 us a cell on an idle benchmark machine) and EDITABLE_CELL_COST in an .xlsx kept with its formatting
# (openpyxl loads and saves every cell with its style: about 4 times slower); a comment costs
# COMMENT_COST (its VML shape) and a row of the problem list PROBLEM_ROW_COST. The limit is about three
# seconds of work: 200,000 cells of a CSV, 50,000 cells of an .xlsx (bench/bench_annotate.py).
MAX_ANNOTATION_COST = 200_000
EDITABLE_CELL_COST = 4
COMMENT_COST = 15
PROBLEM_ROW_COST = 8
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MAX_SCANNED_XML_BYTES = 256 << 20
_TYPICAL_CELL_XML_BYTES = 40  # <c r="B12" s="3" t="s"><v>17</v></c>

_TOO_LARGE = N_(
    "{filename} is too large to mark its problem cells in a copy ({cells} cells; up to {limit} can be "
    "marked). The list of problems names every cell and what is wrong in it: fix them in your file "
    "from there."
)


class AnnotationTooLarge(Exception):
    """The file is too large to annotate in reasonable time; ``message`` (translated when read) says so
    and points to the problem list, which names every cell."""

    def __init__(self, filename: str, cells: int, limit: int):
        super().__init__(filename, cells, limit)
        self.filename, self.cells, self.limit = filename, cells, limit

    @property
    def message(self) -> str:
        return _(_TOO_LARGE).format(
            filename=self.filename, cells=format_number(self.cells), limit=format_number(self.limit)
        )

    def __str__(self) -> str:
        return self.message


def annotate_workbook(content: bytes, filename: str, issues: Sequence[Problem]) -> bytes:
    """An .xlsx: ``content`` with each issue's cell filled (red: error, yellow: warning) and commented.

    Raises AnnotationTooLarge when the file is too large to mark in reasonable time.
    """
    by_sheet = _issues_by_cell(issues)
    marks = sum(len(cells) for cells in by_sheet.values())
    fixed_cost = marks * COMMENT_COST + (len(issues) + 1) * PROBLEM_ROW_COST
    if content.startswith(b"PK\x03\x04") and _is_safe_package(content, filename):
        cells = _xlsx_cell_count(content)
        if cells is not None:
            _refuse_above_limit(filename, cells, cells * EDITABLE_CELL_COST + fixed_cost)
            try:
                book = openpyxl.load_workbook(io.BytesIO(content), rich_text=True)
            except Exception:  # noqa: BLE001 - an .ods or a damaged file: fall back to a copy of the values
                book = None
            if book is not None:
                return _annotated_in_place(book, by_sheet, issues)
    return _annotated_copy(content, filename, by_sheet, issues, fixed_cost)


def _issues_by_cell(issues: Sequence[Problem]) -> dict[str, dict[tuple[int, int], list[Problem]]]:
    """Issues on a cell, by sheet name and (row, column), 1-based; malformed references are skipped."""
    by_sheet: dict[str, dict[tuple[int, int], list[Problem]]] = {}
    for issue in issues:
        if not (issue.sheet and issue.cell):
            continue
        try:
            letters, row = coordinate_from_string(issue.cell)
            position = (row, column_index_from_string(letters))
        except (CellCoordinatesException, ValueError):
            continue
        by_sheet.setdefault(issue.sheet, {}).setdefault(position, []).append(issue)
    return by_sheet


def _is_safe_package(content: bytes, filename: str) -> bool:
    """The importer's zip-bomb checks; an unsafe file gets the problem list alone (the copy path)."""
    try:
        refuse_unsafe_package(content, filename, _COPY_LIMIT_BYTES)
    except UnreadableFile:
        return False
    return True


def _refuse_above_limit(filename: str, cells: int, cost: int) -> None:
    if cost > MAX_ANNOTATION_COST:
        raise AnnotationTooLarge(filename, cells, MAX_ANNOTATION_COST // EDITABLE_CELL_COST)


def _xlsx_cell_count(content: bytes) -> int | None:
    """The number of cells in an .xlsx's worksheets, from a byte scan of their XML (much faster than
    loading); None when the zip is no .xlsx (an .ods) or cannot be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheets = [
            member
            for member in archive.infolist()
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        ]
        if "xl/workbook.xml" not in archive.namelist():
            return None
        # zipfile never inflates a member past its declared size, so that size bounds the scan (about
        # a second for the largest scanned); beyond it (a zip bomb) the cells are only estimated.
        declared = sum(member.file_size for member in sheets)
        if declared > _MAX_SCANNED_XML_BYTES:
            return declared // _TYPICAL_CELL_XML_BYTES
        count = 0
        for name in sheets:
            with archive.open(name) as stream:
                tail = b""
                while chunk := stream.read(1 << 22):
                    block = tail + chunk
                    # Keep the last few bytes for the next block, so that no tag is split.
                    cut = max(block.rfind(b"<"), 0)
                    count += len(_CELL_TAG.findall(block, 0, cut))
                    tail = block[cut:]
                count += len(_CELL_TAG.findall(tail))
        return count
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _annotated_in_place(
    book: openpyxl.Workbook,
    by_sheet: dict[str, dict[tuple[int, int], list[Problem]]],
    issues: Sequence[Problem],
) -> bytes:
    for sheet in book.worksheets:
        for cell in _existing_cells(sheet):
            clean_loaded_cell(cell)
    for sheet_name, cells in by_sheet.items():
        if sheet_name not in book.sheetnames:
            continue
        sheet = book[sheet_name]
        for (row, column), cell_issues in cells.items():
            cell = sheet.cell(row, column)
            if isinstance(cell, MergedCell):
                cell = _merged_anchor(sheet, cell)
            _mark(cell, cell_issues)
    # A workbook annotated before (in any language) loses its old list: the new one replaces it.
    for name in set(book.sheetnames) & _problems_sheet_names():
        del book[name]
    _problems_sheet(book.create_sheet(problems_sheet_name(), 0), issues)
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_sheet_name() -> str:
    """The problem list's sheet name in the current language."""
    return sheet_title(_(PROBLEMS_SHEET))


def _problems_sheet_names() -> set[str]:
    names = set()
    for language in LANGUAGES:
        with use_language(language):
            names.add(problems_sheet_name())
    return names


def _existing_cells(sheet) -> Iterable:
    # The cells the file holds: iter_rows() would also create every empty cell of the used range.
    return list(sheet._cells.values())


def _merged_anchor(sheet, cell):
    for merged in sheet.merged_cells.ranges:
        if cell.coordinate in merged:
            return sheet.cell(merged.min_row, merged.min_col)
    return cell


def _mark(cell, cell_issues: list[Problem]) -> None:
    worst = "error" if any(i.is_error for i in cell_issues) else "warning"
    cell.fill = _FILLS[worst]
    text = "\n".join(
        _(_COMMENT_LINES[i.severity]).format(code=i.code, message=i.message) for i in cell_issues
    )
    cell.comment = Comment(clean_text(text), _AUTHOR, width=320, height=120)


def _problems_sheet(sheet, issues: Sequence[Problem]) -> None:
    """The list of every problem, written into ``sheet`` of a normal (not write-only) workbook."""
    for column, title in enumerate(_PROBLEM_COLUMNS, start=1):
        put(sheet, 1, column, _(title)).font = Font(bold=True)
    for row, values in enumerate(_problem_rows(issues), start=2):
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        if issues:
            sheet.cell(row, 1).fill = _FILLS[issues[row - 2].severity]
    _problems_layout(sheet)


def _problem_rows(issues: Sequence[Problem]) -> list[tuple]:
    if not issues:
        return [("", "", "", "", "", _("No problems found."))]
    return [
        (
            severity_label(issue.severity),
            issue.code,
            issue.sheet,
            issue.cell,
            issue.value,
            issue.message,
        )
        for issue in issues
    ]


def _problems_layout(sheet) -> None:
    for letter, width in zip("ABCDEF", (10, 26, 16, 8, 20, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


# --- a values copy of an .ods, .xls or .csv (or a damaged .xlsx), in write-only mode ---------------


def _annotated_copy(
    content: bytes,
    filename: str,
    by_sheet: dict[str, dict[tuple[int, int], list[Problem]]],
    issues: Sequence[Problem],
    fixed_cost: int,
) -> bytes:
    budget = MAX_ANNOTATION_COST - fixed_cost
    estimate = _text_cell_estimate(content)
    if estimate > 2 * budget:  # clearly too large: refused before the file is even parsed
        raise AnnotationTooLarge(filename, estimate, MAX_ANNOTATION_COST)
    try:
        sheets = read_workbook(content, filename, _COPY_LIMIT_BYTES).sheets
    except UnreadableFile:
        sheets = []
    counted = sum(
        len(row) for sheet in sheets if isinstance(sheet._rows, list) for row in sheet._rows
    )
    if counted > budget:
        raise AnnotationTooLarge(filename, counted, MAX_ANNOTATION_COST)
    book = openpyxl.Workbook(write_only=True)
    _write_only_problems_sheet(book.create_sheet(problems_sheet_name()), issues)
    cells = 0
    titles: set[str] = {problems_sheet_name().lower()}
    for source in sheets:
        sheet = book.create_sheet(_sheet_title(source.name, titles))
        marks_by_row: dict[int, list[tuple[int, list[Problem]]]] = {}
        for (row, column), cell_issues in by_sheet.get(source.name, {}).items():
            marks_by_row.setdefault(row, []).append((column, cell_issues))
        for row_number, row in enumerate(source.rows(), start=1):
            cells += len(row)
            if cells > budget:  # a spreadsheet's size is only known while reading it
                raise AnnotationTooLarge(filename, cells, MAX_ANNOTATION_COST)
            sheet.append(_copied_row(sheet, row, marks_by_row.get(row_number, ())))
    if not sheets:
        book.create_sheet(sheet_title(_("Sheet1")))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell_estimate(content: bytes) -> int:
    """About how many cells a CSV holds (lines x separators of the first line); 0 for other files."""
    if content.startswith((b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"))):
        return 0
    first_line = content[: content.find(b"\n")] if b"\n" in content[:65536] else content[:65536]
    columns = 1 + max(first_line.count(separator) for separator in (b",", b";", b"\t"))
    return (content.count(b"\n") + 1) * columns


def _copied_row(sheet, row: list, marks: Iterable[tuple[int, list[Problem]]]) -> list:
    """The values of ``row`` ready for a write-only append, the marked columns (1-based) as styled,
    commented cells (added when the source row is shorter)."""
    values = [None if value == "" else write_only_value(sheet, value) for value in row]
    for column, cell_issues in marks:
        if column > len(values):
            values.extend([None] * (column - len(values)))
        source_value = row[column - 1] if column <= len(row) else None
        cell = write_only_cell(sheet, None if source_value == "" else source_value)
        _mark(cell, cell_issues)
        values[column - 1] = cell
    return values


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title for ``name``: no []:*?/\\, 31 characters at most."""
    title = sheet_title(name)
    candidate, number = title, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _write_only_problems_sheet(sheet, issues: Sequence[Problem]) -> None:
    """The list of every problem, as the first sheet of a write-only workbook."""
    for letter, width in zip("ABCDEF", (10, 26, 16, 8, 20, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title in _PROBLEM_COLUMNS:
        cell = write_only_cell(sheet, _(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for index, values in enumerate(_problem_rows(issues)):
        row = [write_only_value(sheet, value) for value in values]
        if issues:
            first = write_only_cell(sheet, values[0])
            first.fill = _FILLS[issues[index].severity]
            row[0] = first
        sheet.append(row)
