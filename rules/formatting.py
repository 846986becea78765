"""The one number and date formatter: tables, charts, exports' readable texts, reports and messages all
write numbers and dates through here (Babel), so "1 234.5" never sits next to "1,234.5".

The locale is the current language's (i18n.current_language): each reader sees numbers and dates the way
their language writes them. English follows the European Commission's English Style Guide: a narrow
no-break space groups thousands ("1 234 567"), the decimal mark is a point. French: 1 234,5 and 12,5 %;
Romanian and Croatian: 1.234,5 and 12,5%; Latvian: 1 234,5 and 12,5% (CLDR's symbols, through Babel).
Integers stay integers where people read them: 42.0 is written "42".
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from i18n import _, current_language

NARROW_NO_BREAK_SPACE = "\u202f"
# Babel's locale for each interface language.
LOCALES = {"en": "en", "fr": "fr_FR", "ro": "ro_RO", "hr": "hr_HR", "lv": "lv_LV"}
# How each language writes a percentage after the number: French spaces it (a narrow no-break space),
# the European Commission's English too; Romanian, Croatian and Latvian write it close.
PERCENT_SUFFIX = {
    "en": " %", "fr": "\u202f%", "ro": "%", "hr": "%", "lv": "%",
}  # fmt: skip
# A day as each language writes it in reports: 31.12.2025, 31/12/2025, 31.12.2025. (HR, LV).
DATE_PATTERNS = {
    "en": "dd.MM.yyyy", "fr": "dd/MM/yyyy", "ro": "dd.MM.yyyy", "hr": "dd.MM.yyyy.",
    "lv": "dd.MM.yyyy.",
}  # fmt: skip


def current_locale() -> str:
    """Babel's locale for the current language."""
    return LOCALES.get(current_language(), "en")


def _language(locale: str) -> str:
    return locale.split("_")[0]


def plotly_separators(locale: str | None = None) -> str:
    """Plotly's ``separators`` (decimal mark, then thousands separator) for the locale: chart axes and
    hover labels then write numbers as the tables do."""
    locale = locale or current_locale()
    group = get_group_symbol(locale)
    if _language(locale) == "en":
        group = NARROW_NO_BREAK_SPACE
    return get_decimal_symbol(locale) + group


def percent_suffix(locale: str | None = None) -> str:
    """What follows a percentage in the locale (" %", "\u202f%" or "%"), e.g. for a chart axis's ticks."""
    return PERCENT_SUFFIX.get(_language(locale or current_locale()), "%")


def format_percent(value: float, *, decimals: int = 1, locale: str | None = None) -> str:
    """A percentage (already in %) as the language writes it: 12.5 % / 12,5 % / 12,5%."""
    locale = locale or current_locale()
    return format_number(value, decimals=decimals, locale=locale) + PERCENT_SUFFIX.get(
        _language(locale), "%"
    )


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
        return format_percent(value)
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
    """A day as the reader's language writes it in reports: 31.12.2024, 31/12/2024 (French)."""
    locale = locale or current_locale()
    pattern = DATE_PATTERNS.get(_language(locale), "dd.MM.yyyy")
    return babel_format_date(day, format=pattern, locale=locale)


def format_datetime(moment: datetime, locale: str | None = None) -> str:
    """A moment in UTC to the minute: 2026-11-27 14:05 (sortable, unambiguous in every language)."""
    return f"{moment:%Y-%m-%d %H:%M}"
