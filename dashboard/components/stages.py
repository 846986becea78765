"""How policy-change stages look everywhere: one colour per stage, in pipeline order."""

import dash_bootstrap_components as dbc

from i18n import N_, _

STAGE_COLOURS = {
    "identified": "secondary",
    "proposed": "info",
    "submitted": "primary",
    "adopted": "warning",
    "implemented": "success",
    "validated": "success",
    "abandoned": "dark",
}

STAGE_LABELS = {
    "identified": N_("identified"),
    "proposed": N_("proposed"),
    "submitted": N_("submitted"),
    "adopted": N_("adopted"),
    "implemented": N_("implemented"),
    "validated": N_("validated"),
    "abandoned": N_("abandoned"),
}


def stage_badge(stage: str) -> dbc.Badge:
    return dbc.Badge(
        stage_label(stage),
        color=STAGE_COLOURS.get(stage, "light"),
        className=f"stage-badge stage-{stage}",
        pill=stage == "validated",
    )


def stage_label(stage: str) -> str:
    """A stage's name in the reader's language."""
    return _(STAGE_LABELS.get(stage, stage))
