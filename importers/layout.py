"""Turning sheets into rows with cell references: long layout, wide layout and the Policy changes sheet.

Nothing is interpreted here beyond finding the header: each row keeps the raw cell values and where they
are, so validation can name the cell of every problem.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rules.cells import CellError, PeriodLike, fold
from rules.problems import Problem, error, raw_text, warning

from .headers import HEADER_SEARCH_ROWS, HeaderRow, find_header
from .reading import Sheet, Workbook

_TOTAL_WORDS = frozenset(
    {"total", "totals", "sum", "totaux", "ukupno", "kopa", "kopsumma", "total general"}
)


def cell_name(row: int, column: int) -> str:
    """0-based (row, column) -> "D14"."""
    return f"{column_letters(column)}{row + 1}"


@functools.lru_cache(maxsize=1024)
def column_letters(column: int) -> str:
    """0-based column -> "A", "Z", "AA"..."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(slots=True)
class RawObservation:
    """One value cell with the cells that say which indicator, period and partner it belongs to."""

    sheet: str
    row: int  # 0-based
    indicator: object
    indicator_column: int
    indicator_name: object
    period: object  # raw cell value, or the period number (wide layout: read from the header)
    period_column: int  # -1 when the period comes from the header (wide layout)
    value: object
    value_column: int
    percent_formatted: bool
    formula_without_value: bool
    partner: object = None
    partner_column: int = -1
    comment: str = ""

    def cell(self, column: int) -> str:
        return cell_name(self.row, column)

    @property
    def value_cell(self) -> str:
        return cell_name(self.row, self.value_column)


@dataclass(slots=True)
class RawPolicyRow:
    sheet: str
    row: int
    cells: dict[str, tuple[object, int]]  # role -> (raw value, column)

    def get(self, role: str) -> object:
        return self.cells.get(role, (None, -1))[0]

    def cell(self, role: str) -> str:
        return cell_name(self.row, self.cells[role][1]) if role in self.cells else ""


@dataclass
class Extraction:
    """The sheets that hold data. Observation rows are produced lazily by ``iter_observations`` (a
    100,000-row workbook is never held as rows in memory); issues found while reading them are appended to
    ``issues``, so read ``issues`` after iterating."""

    policy_rows: list[RawPolicyRow] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)
    has_partner_column: bool = False
    data_sheets: list[str] = field(default_factory=list)
    _tables: list[tuple[Sheet, HeaderRow]] = field(default_factory=list)

    def iter_observations(self) -> Iterator[RawObservation]:
        for sheet, header in self._tables:
            rows = sheet.rows()
            for _ in range(header.row_index + 1):
                next(rows, None)
            reader = _wide_rows if header.is_wide else _long_rows
            yield from reader(sheet, header, rows, header.row_index + 1, self)


def extract(workbook: Workbook, periods: Sequence[PeriodLike]) -> Extraction:
    """Find the table of every sheet that has a recognisable header (sheets without one are skipped) and
    read the Policy changes rows; observation rows come later from ``iter_observations``."""
    result = Extraction()
    for sheet in workbook.sheets:
        rows = sheet.rows()
        head = _take(rows, HEADER_SEARCH_ROWS)
        header = find_header(head, periods)
        if header is None:
            continue
        result.data_sheets.append(sheet.name)
        if header.kind == "policy-changes":
            body = _chain(head[header.row_index + 1 :], rows)
            result.policy_rows.extend(_policy_rows(sheet, header, body, header.row_index + 1))
            continue
        result.has_partner_column |= "partner" in header.columns
        result._tables.append((sheet, header))
    if not result.data_sheets:
        result.issues.append(error("no-header", rows=HEADER_SEARCH_ROWS))
    return result


def _take(rows: Iterator[list[object]], count: int) -> list[list[object]]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) == count:
            break
    return taken


def _chain(first: list[list[object]], rest: Iterator[list[object]]) -> Iterator[list[object]]:
    yield from first
    yield from rest


class _MergedFill:
    """Values of vertically merged cells (an indicator name merged over its period rows), filled down."""

    def __init__(self, sheet: Sheet, columns: set[int]):
        self._top_left: dict[tuple[int, int], tuple[int, int]] = {}
        for (top, left), (bottom, _right) in sheet.merged_ranges:
            if bottom > top and left in columns:
                for row in range(top + 1, bottom + 1):
                    self._top_left[(row, left)] = (top, left)
        self._values: dict[tuple[int, int], object] = {}
        self._tops = set(self._top_left.values())

    @property
    def active(self) -> bool:
        return bool(self._top_left)

    def value(self, row_index: int, column: int, raw: object) -> object:
        if not self._top_left:
            return raw
        if (row_index, column) in self._tops:
            self._values[(row_index, column)] = raw
        top = self._top_left.get((row_index, column))
        if top is not None and (raw is None or raw == ""):
            return self._values.get(top, raw)
        return raw


def _at(row: list[object], column: int) -> object:
    return row[column] if 0 <= column < len(row) else None


def _is_total_row(indicator: object) -> bool:
    return isinstance(indicator, str) and fold(indicator).rstrip(":") in _TOTAL_WORDS


def _long_rows(
    sheet: Sheet, header: HeaderRow, body, first_row: int, result: Extraction
) -> Iterator[RawObservation]:
    columns = header.columns
    indicator_column = columns.get("indicator", columns.get("indicator_name"))
    name_column = columns.get("indicator_name", -1)
    period_column, value_column = columns["period"], columns["value"]
    partner_column, comment_column = columns.get("partner", -1), columns.get("comment", -1)
    merged = _MergedFill(sheet, {indicator_column, name_column, period_column, partner_column})
    percent, unsaved = sheet.percent_cells, sheet.formulas_without_value
    for row_index, row in enumerate(body, start=first_row):
        value = _at(row, value_column)
        if _blank(value) and not unsaved and not merged.active:
            continue  # the cheap test first (merged cells must see every row to fill down)
        indicator = merged.value(row_index, indicator_column, _at(row, indicator_column))
        formula_missing = (row_index, value_column) in unsaved
        if _blank(value) and not formula_missing:
            continue  # nothing reported in this row: never zero, never overwrites a stored value
        if _is_total_row(indicator):
            result.issues.append(
                _total_row_warning(sheet.name, cell_name(row_index, indicator_column), indicator)
            )
            continue
        yield RawObservation(
                sheet.name, row_index, indicator, indicator_column,
                merged.value(row_index, name_column, _at(row, name_column)),
                merged.value(row_index, period_column, _at(row, period_column)), period_column,
                value, value_column, (row_index, value_column) in percent, formula_missing,
                merged.value(row_index, partner_column, _at(row, partner_column)), partner_column,
                _text(_at(row, comment_column)),
        )  # fmt: skip


def _wide_rows(
    sheet: Sheet, header: HeaderRow, body, first_row: int, result: Extraction
) -> Iterator[RawObservation]:
    columns = header.columns
    indicator_column = columns.get("indicator", columns.get("indicator_name"))
    name_column = columns.get("indicator_name", -1)
    partner_column, comment_column = columns.get("partner", -1), columns.get("comment", -1)
    merged = _MergedFill(sheet, {indicator_column, name_column, partner_column})
    percent, unsaved = sheet.percent_cells, sheet.formulas_without_value
    for column, period in header.period_columns.items():
        if isinstance(period, CellError):
            header_cell = cell_name(header.row_index, column)
            result.issues.append(
                error(
                    period.code,
                    sheet.name,
                    header_cell,
                    header.cells[column],
                    **{**period.params, "variant": _header_variant(period)},
                )
            )
    usable = {c: p for c, p in header.period_columns.items() if isinstance(p, int)}
    for row_index, row in enumerate(body, start=first_row):
        indicator = merged.value(row_index, indicator_column, _at(row, indicator_column))
        name = merged.value(row_index, name_column, _at(row, name_column))
        partner = merged.value(row_index, partner_column, _at(row, partner_column))
        filled = [c for c in usable if not _blank(_at(row, c)) or (row_index, c) in unsaved]
        if not filled:
            continue
        if _is_total_row(indicator):
            result.issues.append(
                _total_row_warning(sheet.name, cell_name(row_index, indicator_column), indicator)
            )
            continue
        comment = _text(_at(row, comment_column))
        for column in filled:
            yield RawObservation(
                    sheet.name, row_index, indicator, indicator_column, name, usable[column], -1,
                    _at(row, column), column, (row_index, column) in percent,
                    (row_index, column) in unsaved, partner, partner_column, comment,
            )  # fmt: skip


def _policy_rows(sheet: Sheet, header: HeaderRow, body, first_row: int) -> Iterator[RawPolicyRow]:
    for row_index, row in enumerate(body, start=first_row):
        cells = {role: (_at(row, column), column) for role, column in header.columns.items()}
        if all(_blank(value) for value, _ in cells.values()):
            continue
        yield RawPolicyRow(sheet.name, row_index, cells)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return "" if _blank(value) else raw_text(value).strip()


def _header_variant(period: CellError) -> str:
    """The sentence for a period problem found in a column header rather than in a cell."""
    variant = str(period.params.get("variant", ""))
    return "header-" + variant if variant else "header"


def _total_row_warning(sheet: str, cell: str, raw: object) -> Problem:
    return warning(
        "total-row-skipped",
        sheet,
        cell,
        raw,
    )
