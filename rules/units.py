"""Units of measure as the reader's language writes them."""

from __future__ import annotations

from i18n import N_, _

# The units of the shipped indicator catalogue (seed/reference_data.py), translated where shown; a unit an
# officer types on the Setup page is shown as typed.
STANDARD_UNITS = (
    N_("services"), N_("transactions"), N_("users"), N_("residents"), N_("staff"), N_("meetings"),
    N_("public institutions"), N_("users/year"), N_("participations"), N_("strategy/action plan"),
    N_("organisations"), N_("solutions"), N_("joint strategy/action plan"),
)  # fmt: skip


def unit_label(unit: str | None) -> str | None:
    """A unit as the reader's language writes it (standard units only)."""
    return _(unit) if unit in STANDARD_UNITS else unit
