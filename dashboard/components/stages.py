"""How policy-change stages look everywhere: one colour per stage, in pipeline order."""

import dash_bootstrap_components as dbc

from i18n import _

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
    "identified": _("identified"),
    "proposed": _("proposed"),
    "submitted": _("submitted"),
    "adopted": _("adopted"),
    "implemented": _("implemented"),
    "validated": _("validated"),
    "abandoned": _("abandoned"),
}


def stage_badge(stage: str) -> dbc.Badge:
    return dbc.Badge(
        STAGE_LABELS.get(stage, stage),
        color=STAGE_COLOURS.get(stage, "light"),
        className=f"stage-badge stage-{stage}",
        pill=stage == "validated",
    )
