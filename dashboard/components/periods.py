"""How a reporting period is named in lists people choose from: its label and its dates."""

from __future__ import annotations

from i18n import _
from rules.formatting import format_date


def period_label(period) -> str:
    """ "P7 (01.03.2026–31.08.2026)" for a row with ``label``, ``start_date`` and ``end_date``."""
    return _("{label} ({start}–{end})").format(
        label=period.label, start=format_date(period.start_date), end=format_date(period.end_date)
    )
