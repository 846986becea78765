"""Digital skills: the DSK-* indicators per partner against targets, with Eurostat's basic digital
skills figures for the partner's country and the EU and the policy targets (EU 80 % by 2030,
Latvia 70 % by 2027)."""

import dash

from dashboard.queries.benchmarks import SKILLS_SERIES, skills_policy_targets
from dashboard.views.indicator_page import IndicatorPage, build_layout, register_url_callback
from i18n import N_, _, page_title
from rules.formatting import format_percent


def _policy_targets(geos: list[str]) -> dict[str, list[tuple[str, float]]]:
    targets: dict[str, list[tuple[str, float]]] = {}
    for geo, label, value, year in skills_policy_targets(geos):
        text = _("{label}: {value} by {year}").format(
            label=_(label), value=format_percent(value, decimals=0), year=year
        )
        targets.setdefault(geo, []).append((text, value))
    return targets


PAGE = IndicatorPage(
    name="dsk",
    path="/digital-skills",
    title=N_("Digital skills"),
    intro=N_(
        "Residents and staff trained, and the share of residents with at least basic digital skills, "
        "against each partner's target. Eurostat's national figures and the EU and Latvian targets "
        "are drawn for reference."
    ),
    categories=("digital skills",),
    extra_codes=(),
    series_code=SKILLS_SERIES,
    reference_title=N_("Reference: people with at least basic digital skills (Eurostat)"),
    overlay_codes=("DSK-BASIC",),
    policy_targets=_policy_targets,
)

dash.register_page(
    __name__,
    path="/digital-skills",
    name=N_("Digital skills"),
    title=page_title("Digital skills"),
    order=30,
)


def layout(**query):
    return build_layout(PAGE, query)


register_url_callback(PAGE)
