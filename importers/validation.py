"""From raw rows to clean records: every cell checked against the catalogue, every problem collected.

``validate_observations`` never stops at the first problem; a row with an error is counted invalid and left
out, and the caller refuses the whole file when any error exists ("a file with errors changes nothing").
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Indicator, Observation, Partner, ReportingPeriod
from rules.cells import CellError, ParsedNumber, fold, is_no_value, parse_number, parse_period
from rules.limits import TEXT_LIMITS, text_problem, value_limit
from rules.problems import Problem, error, raw_text, warning
from rules.values import check_number

from .layout import RawObservation, partner_text

FAR_FROM_PREVIOUS_FACTOR = 3
_WORD = re.compile(r"[^\W_]+")
_COMMENT_CHARS = TEXT_LIMITS["observation.comment"]


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    code: str
    name: str
    value_kind: str
    aggregation: str
    unit: str = ""


@dataclass(frozen=True)
class PartnerInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    number: int
    label: str
    start_date: date
    end_date: date


@dataclass
class Reference:
    """The catalogue rows an import is checked against, looked up by folded code or name."""

    indicators: dict[str, IndicatorInfo]
    partners: dict[str, PartnerInfo]
    periods: list[PeriodInfo]

    @classmethod
    def load(cls, session: Session) -> Reference:
        indicators: dict[str, IndicatorInfo] = {}
        for row in session.execute(
            select(
                Indicator.id,
                Indicator.code,
                Indicator.name,
                Indicator.value_kind,
                Indicator.aggregation,
                Indicator.unit,
            )
        ):
            info = IndicatorInfo(*row)
            indicators.setdefault(fold(info.code), info)
            indicators.setdefault(fold(info.name), info)
        partners: dict[str, PartnerInfo] = {}
        for partner_id, code, name, short_name in session.execute(
            select(Partner.id, Partner.code, Partner.name, Partner.short_name)
        ):
            info = PartnerInfo(partner_id, code, name)
            for key in (code, name, short_name):
                partners.setdefault(fold(key), info)
        periods = [
            PeriodInfo(*row)
            for row in session.execute(
                select(
                    ReportingPeriod.id, ReportingPeriod.number, ReportingPeriod.label,
                    ReportingPeriod.start_date, ReportingPeriod.end_date,
                )
                # A workbook reports semesters: a cell never lands on a month of a monthly series.
                .where(ReportingPeriod.is_semester())
                .order_by(ReportingPeriod.number)
            )
        ]  # fmt: skip
        return cls(indicators, partners, periods)

    def partner(self, raw: object) -> PartnerInfo | None:
        return self.partners.get(fold(raw_text(raw))) if raw is not None else None

    def partners_named_in(self, text: str) -> set[PartnerInfo]:
        """The partners a title names: the whole text after any "Partner:" label, or a partner's code,
        name or short name as whole words of it ("Raport semestrial MDPWA", "REDEA - Međimurje")."""
        folded = partner_text(text)
        exact = self.partners.get(folded)
        if exact is not None:
            return {exact}
        words = " " + " ".join(_WORD.findall(folded)) + " "
        found = set()
        for key, info in self.partners.items():
            spelled = " ".join(_WORD.findall(key))
            if spelled and f" {spelled} " in words:
                found.add(info)
        return found

    def indicator_codes(self) -> list[str]:
        return sorted({info.code for info in self.indicators.values()})


@dataclass(slots=True)
class CleanObservation:
    indicator: IndicatorInfo
    partner: PartnerInfo
    period: PeriodInfo
    value: float | None
    comment: str | None  # None: the file says nothing about it (see ``comment_over``)
    sheet: str
    cell: str  # the value cell, e.g. "D14"
    # Computed once: a 100,000-row import reads them several times per row.
    key: tuple[int, int, int] = ()
    source_cell: str = ""

    def __post_init__(self) -> None:
        self.key = (self.indicator.id, self.partner.id, self.period.id)
        self.source_cell = f"{self.sheet}!{self.cell}"

    def comment_over(self, stored: str | None) -> str:
        """The comment to keep when ``stored`` is the stored one: the file's, or the stored one when
        the file says nothing about it (a wide row's comment belongs to its latest period only)."""
        return self.comment if self.comment is not None else (stored or "")


@dataclass
class ObservationCheck:
    records: list[CleanObservation] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)
    read: int = 0
    invalid_rows: int = 0


@dataclass(slots=True)
class _Pending:
    raw: RawObservation
    indicator: IndicatorInfo
    partner: PartnerInfo
    period: PeriodInfo
    number: ParsedNumber | None  # None: "no value"


def validate_observations(
    rows: Iterable[RawObservation],
    reference: Reference,
    partner_code: str | None,
    has_partner_column: bool,
    partner_mentions: Sequence[tuple[str, str, str]] = (),
) -> ObservationCheck:
    """Check every row; return clean records (rows without errors) and all problems found.

    One pass over ``rows`` (they may come lazily from the workbook), keeping only the clean records. A
    number whose decimal mark is ambiguous ("1.234") waits for the end of the file, which decides it.
    A workbook that is another partner's than ``partner_code`` is one error, not one per row: when a
    title above the table or a sheet's name (``partner_mentions``, see Extraction) names that partner
    alone, or when every row's Partner cell names it.
    """
    check = ObservationCheck()
    fixed_partner = reference.partner(partner_code) if partner_code else None
    if fixed_partner is None and not has_partner_column:
        check.read = check.invalid_rows = sum(1 for _ in rows)
        if check.read:
            check.issues.append(error("missing-partner-column"))
        return check
    if fixed_partner is not None:
        named = partner_named_by_file(partner_mentions, reference, fixed_partner)
        if named is not None:
            check.read = check.invalid_rows = sum(1 for _ in rows)
            check.issues.append(named)
            return check
    lookups = _Lookups(reference)
    undecided: list[_Pending] = []
    decimal_marks: set[str] = set()
    seen: dict[tuple[int, int, int], str] = {}
    problems: list[Problem] = []
    for raw in rows:
        check.read += 1
        indicator = lookups.indicator(raw, problems)
        period = lookups.period(raw, problems)
        partner = lookups.partner(raw, fixed_partner, problems)
        number = _read_number(raw, problems)
        if raw.comment is not None and len(raw.comment) > _COMMENT_CHARS:
            problems.append(
                text_problem(
                    "observation.comment", raw.comment, raw.value_cell, raw.sheet, variant="comment"
                )
            )
        if number is not None and number.decimal_mark:
            decimal_marks.add(number.decimal_mark)
        if not _settle(check, problems):
            continue
        item = _Pending(raw, indicator, partner, period, number)
        if number is not None and number.ambiguous_mark:
            undecided.append(item)
        else:
            _keep(check, item, None, decimal_marks, seen, problems)
    file_mark = next(iter(decimal_marks)) if len(decimal_marks) == 1 else None
    for item in undecided:
        _keep(check, item, file_mark, decimal_marks, seen, problems)
    if fixed_partner is not None:
        _one_error_for_another_partners_rows(check, lookups, fixed_partner)
    return check


def partner_named_by_file(
    mentions: Sequence[tuple[str, str, str]], reference: Reference, fixed: PartnerInfo
) -> Problem | None:
    """The ``other-partner`` error when the titles and sheet names of the file name one partner, and
    not ``fixed``; None when they name ``fixed``, several partners or none."""
    named: dict[int, tuple[PartnerInfo, str, str, str]] = {}
    for sheet, cell, text in mentions:
        for info in reference.partners_named_in(text):
            named.setdefault(info.id, (info, sheet, cell, text))
    if len(named) != 1 or fixed.id in named:
        return None
    ((info, sheet, cell, text),) = named.values()
    return error(
        "other-partner", sheet, cell, text, variant="workbook", found=info.code, fixed=fixed.code
    )


def _one_error_for_another_partners_rows(
    check: ObservationCheck, lookups: _Lookups, fixed: PartnerInfo
) -> None:
    """Every row named the same other partner: the workbook is that partner's; say it once."""
    others = lookups.other_partner_rows
    if not others or lookups.fixed_partner_rows or len({p.params["found"] for p in others}) != 1:
        return
    repeated = {id(problem) for problem in others}
    check.issues = [problem for problem in check.issues if id(problem) not in repeated]
    first = others[0]
    check.issues.insert(
        0,
        error(
            "other-partner", first.sheet, first.cell, first.value, variant="workbook",
            found=first.params["found"], fixed=fixed.code,
        ),
    )  # fmt: skip


def _settle(check: ObservationCheck, problems: list[Problem]) -> bool:
    """Move ``problems`` into ``check``; False (and the row counted invalid) when one is an error."""
    if not problems:
        return True
    check.issues.extend(problems)
    has_error = any(problem.is_error for problem in problems)
    problems.clear()
    if has_error:
        check.invalid_rows += 1
    return not has_error


def _keep(
    check: ObservationCheck,
    item: _Pending,
    file_mark: str | None,
    decimal_marks: set[str],
    seen: dict[tuple[int, int, int], str],
    problems: list[Problem],
) -> None:
    value = _final_value(item, file_mark, decimal_marks, problems)
    record = CleanObservation(
        item.indicator, item.partner, item.period, value, item.raw.comment,
        item.raw.sheet, item.raw.value_cell,
    )  # fmt: skip
    first = seen.get(record.key)
    if first is not None:
        problems.append(
            error(
                "duplicate-row", record.sheet, record.cell, item.raw.value,
                indicator=item.indicator.code, partner=item.partner.code,
                period=item.period.label, first=first,
            )
        )  # fmt: skip
    if _settle(check, problems):
        seen[record.key] = record.source_cell
        check.records.append(record)


class _Lookups:
    """Memoised lookups: a 100,000-row file repeats the same few indicator, period and partner texts."""

    def __init__(self, reference: Reference):
        self.reference = reference
        self._indicators: dict[object, IndicatorInfo | None] = {}
        self._periods: dict[object, PeriodInfo | CellError] = {}
        self._by_number = {period.number: period for period in reference.periods}
        self._partners: dict[str, PartnerInfo | None] = {}
        # Rows naming another partner than the fixed one, and rows naming the fixed one: when only
        # the first kind exists, the workbook is another partner's (one error instead of these).
        self.other_partner_rows: list[Problem] = []
        self.fixed_partner_rows = 0

    def indicator(self, raw: RawObservation, problems: list[Problem]) -> IndicatorInfo | None:
        found = self._indicators.get(raw.indicator)  # raw cell values are keys too: the fast path
        if found is not None:
            return found
        for value in (raw.indicator, raw.indicator_name):
            if value is None or value == "":
                continue
            text = raw_text(value)
            if text not in self._indicators:
                self._indicators[text] = self.reference.indicators.get(fold(text))
            found = self._indicators[text]
            if found:
                if isinstance(raw.indicator, str | int | float) and value is raw.indicator:
                    self._indicators[raw.indicator] = found
                elif not (raw.indicator is None or raw.indicator == ""):
                    # A code the catalogue does not know, on a row whose name it knows: a typo in the
                    # code. The name decides, and the partner learns which code it stood for.
                    problems.append(
                        warning(
                            "indicator-code-corrected", raw.sheet, raw.cell(raw.indicator_column),
                            raw.indicator, indicator=found.code,
                            name_cell=raw.cell(raw.name_column),
                        )
                    )  # fmt: skip
                return found
        cell = raw.cell(raw.indicator_column)
        if raw.indicator is None or raw.indicator == "":
            problems.append(
                error("missing-indicator", raw.sheet, cell)
            )  # fmt: skip
            return None
        text = raw_text(raw.indicator)
        codes = self.reference.indicator_codes()
        close = difflib.get_close_matches(text.upper(), codes, n=1)
        problems.append(
            error(
                "unknown-indicator", raw.sheet, cell, raw.indicator,
                variant="close" if close else "", suggestion=close[0] if close else codes[0],
            )
        )  # fmt: skip
        return None

    def period(self, raw: RawObservation, problems: list[Problem]) -> PeriodInfo | None:
        if raw.period_column < 0:  # wide layout: the header gave the period number
            return self._by_number[raw.period]
        key = (type(raw.period), raw.period)
        if key not in self._periods:
            try:
                self._periods[key] = self._by_number[
                    parse_period(raw.period, self.reference.periods)
                ]
            except CellError as problem:
                self._periods[key] = problem
        found = self._periods[key]
        if isinstance(found, CellError):
            cell = raw.cell(raw.period_column)
            problems.append(found.to_problem(raw.sheet, cell, raw.period))
            return None
        return found

    def partner(
        self, raw: RawObservation, fixed: PartnerInfo | None, problems: list[Problem]
    ) -> PartnerInfo | None:
        has_cell = raw.partner_column >= 0 and not (raw.partner is None or raw.partner == "")
        cell = raw.cell(raw.partner_column) if raw.partner_column >= 0 else ""
        if not has_cell:
            if fixed is None:
                problems.append(error("missing-partner", raw.sheet, cell))  # fmt: skip
            return fixed
        text = raw_text(raw.partner)
        if text not in self._partners:
            self._partners[text] = self.reference.partner(text)
        found = self._partners[text]
        if found is None:
            codes = ", ".join(sorted({p.code for p in self.reference.partners.values()}))
            problems.append(
                error("unknown-partner", raw.sheet, cell, raw.partner, codes=codes)
            )  # fmt: skip
            return None
        if fixed is not None and found.id != fixed.id:
            problem = error(
                "other-partner", raw.sheet, cell, raw.partner, variant="row",
                found=found.code, fixed=fixed.code,
            )  # fmt: skip
            problems.append(problem)
            self.other_partner_rows.append(problem)
            return None
        if fixed is not None:
            self.fixed_partner_rows += 1
        return found


def _read_number(raw: RawObservation, problems: list[Problem]) -> ParsedNumber | None:
    """The number a value cell holds (None: "no value", or a problem reading it); what the number may
    be is checked once the file's decimal mark is known (``_final_value``)."""
    value = raw.value
    if type(value) is float or type(value) is int:  # the common case, kept cheap for large files
        number = ParsedNumber(float(value)) if math.isfinite(value) else None
        if number is not None and not raw.percent_formatted:
            return number
    cell = raw.value_cell
    if raw.formula_without_value:
        problems.append(error("formula-without-value", raw.sheet, cell, raw.value))
        return None
    if is_no_value(raw.value):
        return None
    try:
        return parse_number(raw.value)
    except CellError as problem:
        problems.append(problem.to_problem(raw.sheet, cell, raw.value))
        return None


def _shown_as_percent(raw: RawObservation) -> bool:
    """A number in a percent-formatted cell (0.45 shown as 45 %); a percent format does not change text."""
    return (
        raw.percent_formatted
        and isinstance(raw.value, int | float)
        and not isinstance(raw.value, bool)
    )


def _final_value(
    item: _Pending, file_mark: str | None, marks: set[str], problems: list[Problem]
) -> float | None:
    """The value by rules.values, with its problems located at the value cell."""
    raw, indicator, number = item.raw, item.indicator, item.number
    if number is None:
        return None
    if (
        number.ambiguous_mark is None
        and not number.percent_sign
        and indicator.value_kind in ("count", "amount")
        and 0 <= number.value <= value_limit(indicator.value_kind)
        and not _shown_as_percent(raw)
    ):
        return number.value  # nothing left to check: the common case, kept cheap for large files
    value, found = check_number(
        number, indicator.code, indicator.value_kind, shown_as_percent=_shown_as_percent(raw),
        file_mark=file_mark, marks_in_file=len(marks),
    )  # fmt: skip
    shown = raw_text(raw.value)
    problems.extend(
        replace(problem, sheet=raw.sheet, cell=raw.value_cell, value=shown) for problem in found
    )
    return value


# --- warnings that compare with what the partner reported before -------------------------------


def plausibility_warnings(
    session: Session, records: Sequence[CleanObservation], today: date
) -> list[Problem]:
    """Values far from the partner's previous ones, cumulative counts going down, unfinished periods."""
    issues: list[Problem] = []
    series: dict[tuple[int, int], dict[int, float | None]] = defaultdict(dict)
    partner_ids = {record.partner.id for record in records}
    period_numbers = {}
    if partner_ids:
        rows = session.execute(
            select(
                Observation.indicator_id,
                Observation.partner_id,
                ReportingPeriod.number,
                Observation.value,
            )
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .where(Observation.partner_id.in_(partner_ids), ReportingPeriod.is_semester())
        )
        for indicator_id, partner_id, number, value in rows:
            series[(indicator_id, partner_id)][number] = value
    for record in records:
        series[(record.indicator.id, record.partner.id)][record.period.number] = record.value
        period_numbers[record.period.number] = record.period
    for record in records:
        if record.value is None:
            continue
        history = series[(record.indicator.id, record.partner.id)]
        earlier = [n for n in history if n < record.period.number and history[n] is not None]
        if not earlier:
            continue
        previous_number = max(earlier)
        previous = history[previous_number]
        previous_label = f"P{previous_number}"
        if (
            previous > 0
            and record.value > 0
            and (
                record.value > FAR_FROM_PREVIOUS_FACTOR * previous
                or record.value < previous / FAR_FROM_PREVIOUS_FACTOR
            )
        ):
            issues.append(
                warning(
                    "far-from-previous", record.sheet, record.cell, record.value,
                    number=record.value, indicator=record.indicator.code,
                    partner=record.partner.code, period=previous_label, previous=previous,
                )
            )  # fmt: skip
        if (
            record.indicator.value_kind == "count"
            and record.indicator.aggregation == "latest"
            and record.value < previous
        ):
            issues.append(
                warning(
                    "cumulative-decrease", record.sheet, record.cell, record.value,
                    number=record.value, indicator=record.indicator.code,
                    partner=record.partner.code, period=previous_label, previous=previous,
                )
            )  # fmt: skip
    issues.extend(_unfinished_period_warnings(records, today))
    return issues


def _unfinished_period_warnings(records: Sequence[CleanObservation], today: date) -> list[Problem]:
    # One warning per sheet and period, not per cell: a template row per indicator would repeat it.
    first: dict[tuple[str, int], CleanObservation] = {}
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for record in records:
        if record.period.end_date >= today and record.value is not None:
            key = (record.sheet, record.period.number)
            first.setdefault(key, record)
            counts[key] += 1
    return [
        warning(
            "period-not-ended", record.sheet, record.cell, record.value,
            period=record.period.label, end=f"{record.period.end_date:%d.%m.%Y}", count=counts[key],
        )
        for key, record in first.items()
    ]  # fmt: skip
