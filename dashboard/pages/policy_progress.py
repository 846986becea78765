"""Policy progress: the indicators neither the e-service nor the digital-skills page charts (stakeholder
meetings, the Interreg programme's output and result indicators, context figures) per partner over the
reporting periods against targets, so every indicator has a chart over time."""

import dash

from dashboard.views.indicator_page import IndicatorPage, build_layout, register_url_callback
from i18n import N_, page_title

PAGE = IndicatorPage(
    name="policy",
    path="/policy-progress",
    title=N_("Policy progress"),
    intro=N_(
        "Stakeholder group meetings and the programme's output and result indicators (joint actions, "
        "strategies, solutions taken up), period by period, against each partner's target."
    ),
    categories=("policy progress", "programme output", "programme result", "context"),
    excluded_codes=("RCR11",),  # charted with the e-services it counts the users of
)

dash.register_page(
    __name__, path="/policy-progress", name=N_("Policy progress"), title=page_title("Policy progress"),
    order=40,
)  # fmt: skip


def layout(**query):
    return build_layout(PAGE, query)


register_url_callback(PAGE)
