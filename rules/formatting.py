"""The one number and date formatter: tables, charts, exports' readable texts, reports and messages all
write numbers and dates through here (Babel), so "1 234.5" never sits next to "1,234.5".

The locale is English for now (``current_locale``); the languages issue chooses it per user. English
numbers follow the European Commission's English Style Guide: a narrow no-break space groups thousands
("1 234 567"), the decimal mark is a point; other locales use their own symbols as Babel knows them.
Integers stay integers where people read them: 42.0 is written "42".
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, get_group_symbol

from i18n import _

NARROW_NO_BREAK_SPACE = "\u202f"


def current_locale() -> str:
    """The locale numbers and dates are written in (English until users choose a language)."""
    return "en"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(
    value: float | int, *, decimals: int | None = None, locale: str | None = None
) -> str:
    """``value`` with grouped thousands; ``decimals`` fixed, or None for as many as needed (at most 6)
    and none for integral values."""
    locale = locale or current_locale()
    if isinstance(value, float) and not math.isfinite(value):
        return "∞" if value > 0 else ("-∞" if value < 0 else "–")
    if decimals is None:
        pattern = "#,##0" if float(value).is_integer() else "#,##0.######"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=locale)
    if locale.split("_")[0] == "en":
        text = text.replace(get_group_symbol(locale), NARROW_NO_BREAK_SPACE)
    return text


def format_value(value, value_kind: str = "count", unit: str = "", *, missing: str = "") -> str:
    """An indicator value for people: percentages with one decimal and " %", counts and amounts with
    grouped thousands (two decimals at most); ``missing`` for no value."""
    if _is_missing(value):
        return missing
    if value_kind == "percentage":
        return format_number(value, decimals=1) + " %"
    if float(value).is_integer():
        return format_number(value)
    return format_number(round(float(value), 2))


def format_chart_label(value) -> str:
    """A number written on a chart: no decimals for integers, one otherwise; a dash for no value."""
    if _is_missing(value):
        return "–"
    return format_number(value) if float(value).is_integer() else format_number(value, decimals=1)


def format_plain(value: object) -> str:
    """Any stored value as people read it in messages and the audit trail: numbers through the number
    formatter (integers without ".0"), dates as dates, yes/no for booleans, text as it is."""
    if _is_missing(value):
        return _("n/a")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def format_field(value: object) -> str:
    """A field's stored value in a confirmation or the audit trail: "(empty)" when there is none."""
    if value is None or value == "":
        return _("(empty)")
    return format_plain(value)


def format_date(day: date, locale: str | None = None) -> str:
    """A day as people read it in the partnership's reports: 31.12.2024 (the form partners type)."""
    return babel_format_date(day, format="dd.MM.yyyy", locale=locale or current_locale())


def format_datetime(moment: datetime, locale: str | None = None) -> str:
    """A moment in UTC to the minute: 2026-11-27 14:05 (sortable, unambiguous in every language)."""
    return f"{moment:%Y-%m-%d %H:%M}"
