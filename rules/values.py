"""What an indicator value may be, by the indicator's kind of value: the one rule the importer, the
partner page's correction and the Setup page's targets and milestones all apply.

- a count or an amount is never negative, and is not a percentage;
- a percentage lies within 0-100 % (0.45 in a percent-formatted cell is 45 %);
- a number whose decimal mark is ambiguous ("1.234") is decided by the rest of the file, or refused;
- no value is NaN, infinite or beyond its kind's limit (rules.limits: a count at most 10^12, an amount
  at most 10^15; 1e309 and 400 nines are typos, not figures).
"""

from __future__ import annotations

import math
from dataclasses import replace

from .cells import CellError, ParsedNumber, parse_number
from .limits import MAX_ABS_VALUE, MAX_COUNT, shorten
from .problems import Problem, error, warning


class ValueRuleError(ValueError):
    """A typed value the rules refuse; ``problem`` says which rule, where (the field) and what to write."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def check_number(
    number: ParsedNumber,
    indicator_code: str,
    value_kind: str,
    *,
    shown_as_percent: bool = False,
    file_mark: str | None = None,
    marks_in_file: int = 1,
    typed: bool = False,
) -> tuple[float | None, list[Problem]]:
    """The value ``number`` stands for, and the problems the rules find with it (no location yet).

    ``shown_as_percent``: the cell is percent-formatted (0.45 shown as 45 %). ``file_mark``: the decimal
    mark the rest of the file shows, which decides "1.234"; ``marks_in_file``: how many different marks
    the file uses. ``typed``: the value was typed into a form, where there is no rest of the file.
    The value is None when an error makes it meaningless.
    """
    problems: list[Problem] = []
    if value_kind != "percentage" and (number.percent_sign or shown_as_percent):
        problems.append(error("unexpected-percent", indicator=indicator_code, kind=value_kind))
    value = number.value if number.ambiguous_mark is None else number.resolve(file_mark)
    if typed and number.ambiguous_mark is not None:
        value = None
    if value is None:
        variant = "typed" if typed else ("mixed-marks" if marks_in_file > 1 else "undecided")
        decimal = (
            str(number.value).replace(".", ",") if number.ambiguous_mark == "," else number.value
        )
        problems.append(
            error(
                "ambiguous-number", variant=variant, one=number.value, other=number.as_thousands,
                thousands=f"{number.as_thousands:.0f}", decimal=str(decimal),
            )
        )  # fmt: skip
        return None, problems
    limit = MAX_COUNT if value_kind == "count" else MAX_ABS_VALUE
    if math.isnan(value):
        problems.append(error("not-a-number", "not-finite"))
        return None, problems
    if not math.isfinite(value) or abs(value) > limit:
        problems.append(error("number-too-large", limit=f"{limit:.0e}"))
        return None, problems
    if value_kind == "percentage":
        if shown_as_percent:
            value *= 100
        if not 0 <= value <= 100:
            problems.append(error("percentage-out-of-range", number=value))
        elif 0 < value < 1 and not number.percent_sign and not shown_as_percent and not typed:
            problems.append(
                warning("percentage-looks-like-fraction", number=value, percent=value * 100)
            )
    elif value < 0:
        code = "negative-count" if value_kind == "count" else "negative-amount"
        problems.append(error(code, indicator=indicator_code))
    return value, problems


def read_typed_value(raw: object, indicator_code: str, value_kind: str | None, where: str) -> float:
    """A value typed into a form (a correction, a target, a milestone), checked by the same rules as an
    imported cell. ``value_kind`` None: a number with no indicator (read as a count).

    Raises ValueRuleError whose problem is located at ``where`` (the field's label).
    """
    text = raw if isinstance(raw, int | float) and not isinstance(raw, bool) else str(raw).strip()
    shown = _shown(raw)
    try:
        number = parse_number(text)
    except CellError as problem:
        raise ValueRuleError(problem.to_problem(cell=where, value=shown)) from None
    value, problems = check_number(number, indicator_code, value_kind or "count", typed=True)
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        raise ValueRuleError(replace(errors[0], cell=where, value=shown))
    return value


def _shown(raw: object) -> str:
    """The typed value as a message quotes it: shortened, and a huge integer as its order of magnitude
    (str() refuses integers of more than 4,300 digits)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**30:
        return f"{'-' if raw < 0 else ''}10^{int(raw.bit_length() * math.log10(2))}"
    return shorten(str(raw).strip())
