"""Pure parsers for what partners type into cells: numbers, percentages, "no value", dates and periods.

No database, no workbook: each function takes a raw cell value (str, int, float, date or datetime, as
python-calamine, openpyxl or the CSV reader return them) and returns a value or raises ``CellError``, whose
code and parameters rules.messages words as "D14: '12,5,0' is not a number; write ...".
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from .limits import EARLIEST_DATE, LATEST_DATE
from .messages import render
from .problems import Problem, error


class CellError(ValueError):
    """The cell cannot be read as asked: a problem code, its variant and parameters (rules.messages
    words it), turned into a located Problem by ``to_problem``."""

    def __init__(self, code: str, variant: str = "", *, names_a_period: bool = False, **params):
        self.code = code
        self.params = {"variant": variant, **params} if variant else dict(params)
        super().__init__(render(code, self.params))
        # The text has the shape of a period ("P9", a date) but no reporting period matches it.
        self.names_a_period = names_a_period

    def to_problem(self, sheet: str = "", cell: str = "", value: object = "") -> Problem:
        return error(self.code, sheet, cell, value, **self.params)


# Spaces used to group thousands: plain, no-break, thin, narrow no-break, figure; and the Swiss apostrophe.
_GROUPING_SPACES = " \u00a0\u2009\u202f\u2007'\u2019"
_MINUS_SIGNS = "-\u2212\u2013"

NO_VALUE_TEXTS = frozenset(
    {
        "",
        "-",
        "--",
        "\u2013",
        "\u2014",
        "/",
        "n/a",
        "na",
        "n.a.",
        "n a",
        "none",
        "no value",
        "not available",
        "not applicable",
        # French
        "s/o",
        "s.o.",
        "so",
        "sans objet",
        "non disponible",
        "nd",
        "n.d.",
        "non applicable",
        # Romanian
        "nu este cazul",
        "nu se aplica",
        "indisponibil",
        "nu e cazul",
        # Croatian
        "nije primjenjivo",
        "nema podataka",
        "nema",
        "n/p",
        "np",
        # Latvian
        "nav",
        "nav datu",
        "nav piemerojams",
        "nepiemero",
    }
)


@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case, accents removed, spacing collapsed: how header names and words are compared.

    Croatian đ and Latvian/Polish ł have no decomposition, so they are mapped by hand. Cached: a large
    file repeats the same few indicator, period and partner texts in every row.
    """
    text = text.strip().lstrip("'").replace("đ", "d").replace("Đ", "d").replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.replace("œ", "oe").split())


def is_no_value(raw: object) -> bool:
    """True for an empty cell and for the ways partners write "no value" (which is not zero)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return fold(raw) in NO_VALUE_TEXTS
    return False


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell.

    ``ambiguous_mark`` is "," or "." when the text holds one such mark followed by exactly three digits
    ("1.234"): it is a decimal mark or a thousands separator, which only the rest of the file can tell.
    ``value`` then reads the mark as a decimal mark; ``resolve`` gives the reading for a known mark.
    ``decimal_mark`` is the mark the text shows to be decimal ("12,5" -> ","), for deciding the others.
    """

    value: float
    percent_sign: bool = False
    decimal_mark: str | None = None
    ambiguous_mark: str | None = None
    as_thousands: float | None = None

    def resolve(self, file_decimal_mark: str | None) -> float | None:
        """The value given the file's decimal mark; None when it stays ambiguous."""
        if self.ambiguous_mark is None:
            return self.value
        if file_decimal_mark is None:
            return None
        return self.value if file_decimal_mark == self.ambiguous_mark else self.as_thousands


def parse_number(raw: object) -> ParsedNumber:
    """Read a number typed the way European partners type them.

    Accepts "12,5", "1 234", "1.234,5", "1,234.5", no-break and thin spaces, a leading apostrophe,
    "45 %", negative numbers as "-3", "−3" or "(3)". Raises CellError("not-a-number") otherwise.
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise CellError("not-a-number")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError("not-a-number", "not-finite")
        return ParsedNumber(raw)
    if isinstance(raw, int):
        try:
            return ParsedNumber(float(raw))
        except OverflowError:
            # An integer beyond any float (a 400-digit number in a JSON body) is infinitely large to
            # the value rule, which refuses it as too large.
            return ParsedNumber(math.inf if raw > 0 else -math.inf)
    text = raw.strip().lstrip("'").strip()
    percent_sign = text.endswith("%")
    if percent_sign:
        text = text[:-1].rstrip(_GROUPING_SPACES)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text[:1] in _MINUS_SIGNS:
        negative, text = True, text[1:].lstrip()
    elif text.startswith("+"):
        text = text[1:].lstrip()
    spaced = any(ch in text for ch in _GROUPING_SPACES)
    if spaced and not re.fullmatch(r"\d{1,3}([" + _GROUPING_SPACES + r"]\d{3})*([.,]\d*)?", text):
        raise CellError("not-a-number")
    body = "".join(ch for ch in text if ch not in _GROUPING_SPACES)
    parsed = _parse_digits(body, thousands_already_grouped=spaced)
    if negative:
        parsed = ParsedNumber(
            -parsed.value,
            decimal_mark=parsed.decimal_mark,
            ambiguous_mark=parsed.ambiguous_mark,
            as_thousands=None if parsed.as_thousands is None else -parsed.as_thousands,
        )
    if percent_sign:
        parsed = ParsedNumber(
            parsed.value, True, parsed.decimal_mark, parsed.ambiguous_mark, parsed.as_thousands
        )
    return parsed


def _parse_digits(body: str, thousands_already_grouped: bool) -> ParsedNumber:
    scientific = re.fullmatch(r"\d+(?:([.,])\d+)?[eE][+-]?\d+", body)
    if scientific:
        # "1,5E+04" is how a French or Romanian Excel shows 15000; 1e309 reads as infinity, which the
        # value rule refuses as too large.
        mark = scientific.group(1)
        return ParsedNumber(float(body.replace(",", ".")), decimal_mark=mark)
    if not re.fullmatch(r"\d*[.,]?\d+|\d+([.,]\d+)*([.,]\d*)?", body) or not any(
        ch.isdigit() for ch in body
    ):
        raise CellError("not-a-number")
    marks = [ch for ch in body if ch in ".,"]
    if not marks:
        return ParsedNumber(float(body))
    if len(set(marks)) == 2:
        decimal = marks[-1]
        grouping = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if marks.count(decimal) != 1 or not _valid_groups(whole, grouping):
            raise CellError("not-a-number")
        return ParsedNumber(
            float(whole.replace(grouping, "") + "." + fraction), decimal_mark=decimal
        )
    mark = marks[0]
    if len(marks) > 1:
        if thousands_already_grouped or not _valid_groups(body, mark):
            raise CellError("not-a-number")
        # "1.234.567" groups with dots, so in this file the decimal mark is the comma.
        other = "," if mark == "." else "."
        return ParsedNumber(float(body.replace(mark, "")), decimal_mark=other)
    whole, _, fraction = body.partition(mark)
    as_decimal = float((whole or "0") + "." + (fraction or "0"))
    clearly_decimal = (
        thousands_already_grouped
        or len(fraction) != 3
        or not whole
        or whole.startswith("0")
        or len(whole) > 3
    )
    if clearly_decimal:
        return ParsedNumber(as_decimal, decimal_mark=mark)
    return ParsedNumber(as_decimal, ambiguous_mark=mark, as_thousands=float(whole + fraction))


def _valid_groups(digits: str, grouping: str) -> bool:
    groups = digits.split(grouping)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups[1:])


# --- dates -------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)


# The years a monitoring date can fall in (rules.limits says why). A date outside is a typo (0001-01-01,
# 9999-12-31) that would stretch every timeline.
DATE_YEARS = (EARLIEST_DATE.year, LATEST_DATE.year)


def parse_date(raw: object) -> date:
    """A date from a date cell or from text: 31.12.2024, 31.12.2024., 31/12/2024, 31-12-2024, 2024-12-31.

    Raises CellError("not-a-date") for anything else, including dates outside DATE_YEARS.
    """
    day = read_date(raw)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise CellError("not-a-date", "out-of-range", first=DATE_YEARS[0], last=DATE_YEARS[1])
    return day


def read_date(raw: object) -> date:
    """``parse_date`` without the DATE_YEARS window, for a rule that words its own bounds (a stage event
    is "in the future" before it is "after 2039": rules.stages)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise CellError("not-a-date")
    text = raw.strip().lstrip("'").strip().rstrip(".")
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    day_first = re.fullmatch(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})", text)
    year_first = re.fullmatch(r"(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})", text)
    try:
        if day_first:
            day, month, year = (int(part) for part in day_first.groups())
            # "31.12.24" is 2024; "01.01.0001" is the year 1 (refused), not 2001.
            two_digits = len(day_first.group(3)) == 2
            return date(year + 2000 if two_digits else year, month, day)
        if year_first:
            year, month, day = (int(part) for part in year_first.groups())
            return date(year, month, day)
    except ValueError:
        raise CellError("not-a-date", "not-real") from None
    raise CellError("not-a-date")


def excel_serial_to_date(serial: float) -> date:
    """Excel's day numbers (1900 system), for dates that arrive as plain numbers."""
    return _EXCEL_EPOCH + timedelta(days=int(serial))


# --- periods -----------------------------------------------------------------------------------


class PeriodLike(Protocol):
    number: int
    start_date: date
    end_date: date

    @property
    def label(self) -> str: ...


# Words that name a reporting period or a semester, in English, French, Romanian, Croatian and Latvian.
PERIOD_WORDS = frozenset(
    {
        "p",
        "s",
        "rp",
        "period",
        "periode",
        "perioada",
        "perioadei",
        "razdoblje",
        "periods",
        "posms",
        "reporting",
        "de",
        "raportare",
        "rapport",
        "izvjestajno",
        "parskata",
        "semester",
        "semestre",
        "semestrul",
        "semestru",
        "semestar",
        "semestris",
        "sem",
        "no",
        "nr",
        "n",
        "br",
    }
)
# Words that name a calendar half-year, with the fillers around ordinals ("1st", "1er", "2nd", "gada").
HALF_YEAR_WORDS = frozenset(
    {
        "s",
        "h",
        "hy",
        "sem",
        "semester",
        "semestre",
        "semestrul",
        "semestru",
        "semestar",
        "semestris",
        "half",
        "polugodiste",
        "pusgads",
    }
)
_FILLER_WORDS = frozenset(
    {
        "st",
        "nd",
        "er",
        "e",
        "eme",
        "of",
        "year",
        "annee",
        "anul",
        "godine",
        "gada",
        "g",
        "lea",
        "al",
    }
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


def parse_period(raw: object, periods: Sequence[PeriodLike]) -> int:
    """The number of the reporting period a cell names.

    Accepts "P3", "3", "S3", "Semester 3", "Période 3", "3. razdoblje"; a date (cell or text) inside the
    period; a date range inside one period; a calendar half-year ("2024-S1", "S1 2024", "2024 H1",
    "Sem. 1 2024") when exactly one period overlaps it. Raises CellError "unknown-period" or
    "ambiguous-period" (the message lists the candidate periods).
    """
    if isinstance(raw, date):
        return _period_of_range(parse_date(raw), parse_date(raw), periods, raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 20000 <= raw <= 80000:
            day = excel_serial_to_date(raw)
            return _period_of_range(day, day, periods, raw)
        if float(raw).is_integer():
            return _known_number(int(raw), periods)
        raise CellError("unknown-period")
    if not isinstance(raw, str) or not raw.strip():
        raise CellError("unknown-period")
    text = raw.strip().lstrip("'").strip()
    day_range = _date_range(text)
    if day_range:
        return _period_of_range(*day_range, periods, raw)
    tokens = re.findall(r"\d+|[^\W\d_]+", fold(text))
    years = [t for t in tokens if len(t) == 4 and t.isdigit() and t.startswith(("19", "20"))]
    others = [t for t in tokens if t not in years]
    numbers = [int(t) if t.isdigit() else _ROMAN[t] for t in others if t.isdigit() or t in _ROMAN]
    words = [t for t in others if not t.isdigit() and t not in _ROMAN]
    is_half_year = len(years) == 1 and len(numbers) == 1 and numbers[0] in (1, 2)
    if is_half_year and words and all(w in HALF_YEAR_WORDS | _FILLER_WORDS for w in words):
        return _period_of_half_year(int(years[0]), numbers[0], periods, raw)
    if not years and len(numbers) == 1 and all(w in PERIOD_WORDS | _FILLER_WORDS for w in words):
        return _known_number(numbers[0], periods)
    raise CellError("unknown-period")


def _date_range(text: str) -> tuple[date, date] | None:
    try:
        day = parse_date(text)
        return day, day
    except CellError:
        pass
    separator = r"\s*(?:[-\u2013\u2014/]|\.\.|\bto\b|\bau\b|\bdo\b|\bpana la\b|\blidz\b)\s*"
    for match in re.finditer(separator, text):
        try:
            return parse_date(text[: match.start()]), parse_date(text[match.end() :])
        except CellError:
            continue
    return None


def _known_number(number: int, periods: Sequence[PeriodLike]) -> int:
    if any(p.number == number for p in periods):
        return number
    labels = ", ".join(p.label for p in periods)
    raise CellError("unknown-period", "not-in-project", names_a_period=True, labels=labels)


def _describe(period: PeriodLike) -> str:
    return f"{period.label} ({period.start_date:%d.%m.%Y}-{period.end_date:%d.%m.%Y})"


def _period_of_range(first: date, last: date, periods: Sequence[PeriodLike], raw: object) -> int:
    if last < first:
        raise CellError("unknown-period", "reversed", names_a_period=True)
    candidates = [p for p in periods if p.start_date <= last and first <= p.end_date]
    if (
        len(candidates) == 1
        and candidates[0].start_date <= first
        and last <= candidates[0].end_date
    ):
        return candidates[0].number
    if len(candidates) > 1:
        listed = " or ".join(_describe(p) for p in candidates)
        raise CellError("ambiguous-period", listed=listed)
    first_period, last_period = (
        min(periods, key=lambda p: p.number),
        max(periods, key=lambda p: p.number),
    )
    raise CellError(
        "unknown-period",
        "outside",
        names_a_period=True,
        first=f"{first_period.start_date:%d.%m.%Y}",
        last=f"{last_period.end_date:%d.%m.%Y}",
    )


def _period_of_half_year(year: int, half: int, periods: Sequence[PeriodLike], raw: object) -> int:
    first = date(year, 1, 1) if half == 1 else date(year, 7, 1)
    last = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    candidates = [p for p in periods if p.start_date <= last and first <= p.end_date]
    if len(candidates) == 1:
        return candidates[0].number
    if not candidates:
        return _period_of_range(first, last, periods, raw)
    listed = " or ".join(_describe(p) for p in candidates)
    raise CellError("ambiguous-period", "half-year", listed=listed, example=candidates[0].label)
