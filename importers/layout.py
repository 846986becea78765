"""Turning sheets into rows with cell references: long layout, wide layout and the Policy changes sheet.

Nothing is interpreted here beyond finding the header: each row keeps the raw cell values and where they
are, so validation can name the cell of every problem.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rules.cells import CellError, PeriodLike, fold
from rules.problems import Problem, error, raw_text, warning

from .headers import HEADER_SEARCH_ROWS, HeaderRow, find_header, find_incomplete_header
from .reading import Sheet, Workbook

# How a totals row is labelled (compared folded, a trailing ":" or "*" ignored), in English, French,
# Romanian, Croatian and Latvian.
_TOTAL_WORDS = frozenset(
    {
        "total", "totals", "sum", "grand total", "subtotal", "sub-total", "overall total",
        "totaux", "total general", "sous-total", "sous total", "somme",
        "totalul", "suma", "suma totala",
        "ukupno", "sveukupno", "zbroj", "medjuzbroj", "meduzbroj", "ukupni iznos",
        "kopa", "kopsumma", "pavisam kopa", "starpsumma", "summa",
    }
)  # fmt: skip
# Label words of a partner's name above the table ("Partner: REDEA", "Partenaire : PLH").
_PARTNER_LABELS = frozenset(
    {"partner", "partenaire", "partener", "partneris", "partnera", "project partner", "beneficiary",
     "beneficiar", "beneficiaire", "korisnik", "organisation", "organizacija", "institution"}
)  # fmt: skip


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
    # None: the file says nothing about this value's comment (no comment column, or a wide row whose
    # comment is about another period), so the stored comment stays.
    comment: str | None = None
    name_column: int = -1

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
    # Where the file names a partner outside the rows: (sheet, cell, text) of the cells above a table's
    # header ("Partner: REDEA", a title) and of the data sheets' names (cell ""). Validation matches
    # them against the partners (importers.validation.partner_named_by_file).
    partner_mentions: list[tuple[str, str, str]] = field(default_factory=list)
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
    incomplete: list[Problem] = []
    for sheet in workbook.sheets:
        rows = sheet.rows()
        # Blank rows above the table do not count towards the rows searched for its header.
        skipped = _skip_blank_rows(rows)
        head = [[]] * skipped.blank + _take(skipped.rows, HEADER_SEARCH_ROWS)
        searched = head[skipped.blank :]
        header = find_header(searched, periods)
        if header is None:
            incomplete.extend(_incomplete_header(sheet.name, searched, skipped.blank, periods))
            continue
        header.row_index += skipped.blank
        result.data_sheets.append(sheet.name)
        if header.kind == "policy-changes":
            body = _chain(head[header.row_index + 1 :], skipped.rows)
            result.policy_rows.extend(_policy_rows(sheet, header, body, header.row_index + 1))
            continue
        result.has_partner_column |= "partner" in header.columns
        result.partner_mentions.extend(_mentions(sheet.name, head[: header.row_index]))
        result._tables.append((sheet, header))
    if not result.data_sheets:
        result.issues.extend(incomplete or [error("no-header", rows=HEADER_SEARCH_ROWS)])
    return result


@dataclass
class _Skipped:
    blank: int
    rows: Iterator[list[object]]


def _skip_blank_rows(rows: Iterator[list[object]]) -> _Skipped:
    blank = 0
    for row in rows:
        if any(not _blank(value) for value in row):
            return _Skipped(blank, _chain([row], rows))
        blank += 1
    return _Skipped(blank, iter(()))


def _incomplete_header(
    sheet: str, rows: list[list[object]], offset: int, periods: Sequence[PeriodLike]
) -> list[Problem]:
    found = find_incomplete_header(rows, periods)
    if found is None:
        return []
    row_index = found.row_index + offset
    first_column = min(column for column, _ in found.found.values())
    return [
        error(
            "incomplete-header", sheet, cell_name(row_index, first_column), variant=found.missing,
            **{f"{role}_header": f"'{text}'" for role, (_, text) in found.found.items()},
        )
    ]  # fmt: skip


def _mentions(sheet: str, above: list[list[object]]) -> list[tuple[str, str, str]]:
    """The sheet's name and the text cells above its table, which may name whose workbook it is."""
    mentions = [(sheet, "", sheet)]
    for row_index, row in enumerate(above):
        for column, value in enumerate(row):
            if isinstance(value, str) and value.strip():
                mentions.append((sheet, cell_name(row_index, column), value.strip()))
    return mentions


def partner_text(text: str) -> str:
    """A title's text without a partner label before it: "Partener: MDPWA" -> "MDPWA" (folded)."""
    folded = fold(text)
    label, colon, rest = folded.partition(":")
    if colon and label.strip() in _PARTNER_LABELS:
        return rest.strip()
    return folded


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
    """Label cells inside a merged range read as the range's top-left cell: an indicator name merged
    over its period rows (filled down), a "TOTAL" merged across the number and name columns (filled
    across). Value cells are never filled: a merged value is one value, not one per row or period.

    Rows must be given in order, every one of them (``fill``); the ranges are swept top to bottom, so a
    sheet with many merges costs no more per row than one with a few.
    """

    def __init__(self, merged_ranges, label_columns: set[int], first_row: int):
        label_columns = {column for column in label_columns if column >= 0}
        self._pending = sorted(
            (top, left, bottom, right)
            for (top, left), (bottom, right) in merged_ranges
            if (bottom > top or right > left)
            and bottom >= first_row
            and any(left <= column <= right for column in label_columns)
        )
        self._labels = sorted(label_columns)
        self._next = 0
        # Per label column, the one range covering it now (Excel never overlaps merges): bottom, top,
        # left, and the top-left value.
        self._active: dict[int, tuple[int, int, int, object]] = {}
        self._ends: list[tuple[int, int]] = []  # (bottom, column): when a column's range ends

    @property
    def active(self) -> bool:
        return bool(self._pending)

    def fill(self, row_index: int, row: list[object]) -> list[object]:
        while self._next < len(self._pending) and self._pending[self._next][0] <= row_index:
            top, left, bottom, right = self._pending[self._next]
            self._next += 1
            # A range starting above the table (in its header) has no value of the table's to give.
            value = _at(row, left) if top == row_index else None
            for column in self._labels:
                if left <= column <= right:
                    self._active[column] = (bottom, top, left, value)
                    heapq.heappush(self._ends, (bottom, column))
        while self._ends and self._ends[0][0] < row_index:
            bottom, column = heapq.heappop(self._ends)
            if column in self._active and self._active[column][0] == bottom:
                del self._active[column]
        if not self._active:
            return row
        filled = None
        for column, (_bottom, top, left, value) in self._active.items():
            if (row_index, column) == (top, left) or not _blank(_at(row, column)) or _blank(value):
                continue
            if filled is None:
                filled = list(row) + [""] * (max(self._active) + 1 - len(row))
            filled[column] = value
        return row if filled is None else filled


def _at(row: list[object], column: int) -> object:
    return row[column] if 0 <= column < len(row) else None


def _is_total_word(value: object) -> bool:
    return isinstance(value, str) and fold(value).rstrip(":*").strip() in _TOTAL_WORDS


def _total_cell(
    row: list[object], indicator_column: int, own: Sequence[int], values: set[int]
) -> int:
    """The column of the label saying this row holds totals, or -1.

    A totals row is labelled in the indicator column, or in a column that only a totals row fills
    (period, partner: "Total" there is never data), or, when the indicator cell is empty, in any other
    label column (a row number or name column, "TOTAL" merged across several). A row whose indicator
    is given and only a category column says "Total" is data.
    """
    for column in (indicator_column, *own):
        if column >= 0 and _is_total_word(_at(row, column)):
            return column
    if not _blank(_at(row, indicator_column)):
        return -1
    for column, value in enumerate(row):
        if column not in values and _is_total_word(value):
            return column
    return -1


def _long_rows(
    sheet: Sheet, header: HeaderRow, body, first_row: int, result: Extraction
) -> Iterator[RawObservation]:
    columns = header.columns
    indicator_column = columns.get("indicator", columns.get("indicator_name"))
    name_column = columns.get("indicator_name", -1)
    period_column, value_column = columns["period"], columns["value"]
    partner_column, comment_column = columns.get("partner", -1), columns.get("comment", -1)
    merged = _MergedFill(
        sheet.merged_ranges,
        {indicator_column, name_column, period_column, partner_column},
        first_row,
    )
    not_labels = {value_column, comment_column, columns.get("unit", -1)}
    percent, unsaved = sheet.percent_cells, sheet.formulas_without_value
    for row_index, row in enumerate(body, start=first_row):
        if merged.active:  # merged cells must see every row to fill down
            row = merged.fill(row_index, row)
        value = _at(row, value_column)
        formula_missing = bool(unsaved) and (row_index, value_column) in unsaved
        if _blank(value) and not formula_missing:
            continue  # nothing reported in this row: never zero, never overwrites a stored value
        total = _total_cell(row, indicator_column, (period_column, partner_column), not_labels)
        if total >= 0:
            result.issues.append(
                _total_row_warning(sheet.name, cell_name(row_index, total), row[total])
            )
            continue
        yield RawObservation(
                sheet.name, row_index, _at(row, indicator_column), indicator_column,
                _at(row, name_column), _at(row, period_column), period_column,
                value, value_column, (row_index, value_column) in percent, formula_missing,
                _at(row, partner_column), partner_column,
                _text(_at(row, comment_column)) if comment_column >= 0 else None, name_column,
        )  # fmt: skip


def _wide_rows(
    sheet: Sheet, header: HeaderRow, body, first_row: int, result: Extraction
) -> Iterator[RawObservation]:
    columns = header.columns
    indicator_column = columns.get("indicator", columns.get("indicator_name"))
    name_column = columns.get("indicator_name", -1)
    partner_column, comment_column = columns.get("partner", -1), columns.get("comment", -1)
    merged = _MergedFill(
        sheet.merged_ranges, {indicator_column, name_column, partner_column}, first_row
    )
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
    per_period_comments = header.comment_columns
    not_labels = {
        *header.period_columns, *per_period_comments.values(), comment_column, columns.get("unit", -1)
    }  # fmt: skip
    for row_index, row in enumerate(body, start=first_row):
        if merged.active:
            row = merged.fill(row_index, row)
        filled = [c for c in usable if not _blank(_at(row, c)) or (row_index, c) in unsaved]
        if not filled:
            continue
        total = _total_cell(row, indicator_column, (partner_column,), not_labels)
        if total >= 0:
            result.issues.append(
                _total_row_warning(sheet.name, cell_name(row_index, total), row[total])
            )
            continue
        indicator, name, partner = (
            _at(row, indicator_column), _at(row, name_column), _at(row, partner_column)
        )  # fmt: skip
        # A row's own comment is about what the row reports now, its latest period; the other periods'
        # stored comments stay (a comment column per period gives each period its own).
        latest = max(filled, key=usable.__getitem__)
        row_comment = _text(_at(row, comment_column)) if comment_column >= 0 else None
        for column in filled:
            if per_period_comments:
                own = per_period_comments.get(column, -1)
                comment = _text(_at(row, own)) if own >= 0 else None
            else:
                comment = row_comment if column == latest else None
            yield RawObservation(
                    sheet.name, row_index, indicator, indicator_column, name, usable[column], -1,
                    _at(row, column), column, (row_index, column) in percent,
                    (row_index, column) in unsaved, partner, partner_column, comment, name_column,
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
