"""An indicator's name in the reader's language: the officer's translation where there is one, else the
English name (``name_is_translated`` tells the Setup and officers' views which are missing)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, literal

from i18n import DEFAULT_LANGUAGE, current_language
from models import Indicator
from rules.units import STANDARD_UNITS, unit_label


def _translated_column(language: str):
    return None if language == DEFAULT_LANGUAGE else getattr(Indicator, f"name_{language}", None)


def indicator_name(language: str | None = None) -> ColumnElement[str]:
    """SQL for the indicator's name in ``language`` (default: the current one), falling back to English."""
    column = _translated_column(language or current_language())
    return Indicator.name if column is None else func.coalesce(column, Indicator.name)


def name_is_translated(language: str | None = None) -> ColumnElement[bool]:
    """SQL: True when the name shown is in ``language`` (always for English)."""
    column = _translated_column(language or current_language())
    return literal(True) if column is None else column.is_not(None)


def indicator_unit(language: str | None = None) -> ColumnElement[str]:
    """SQL for the indicator's unit in the current language, labelled ``unit``."""
    if (language or current_language()) == DEFAULT_LANGUAGE:
        return Indicator.unit.label("unit")
    return case(
        {unit: unit_label(unit) for unit in STANDARD_UNITS}, value=Indicator.unit,
        else_=Indicator.unit,
    ).label("unit")  # fmt: skip
