"""E-service uptake: the ESU-* indicators and RCR11 per partner over the reporting periods, against
targets, next to Eurostat's e-government users series (isoc_ciegi_ac, from 2022 only)."""

import dash

from dashboard.queries.benchmarks import EGOV_SERIES
from dashboard.views.indicator_page import IndicatorPage, build_layout, register_url_callback
from i18n import N_, page_title

PAGE = IndicatorPage(
    name="esu",
    path="/e-services",
    title=N_("E-service uptake"),
    intro=N_(
        "How many people use the partners' e-services, period by period, against each partner's "
        "target. Eurostat's share of people using public e-services is shown for reference: it "
        "measures a country, not a municipality, so compare trends, not levels."
    ),
    categories=("e-service uptake",),
    extra_codes=("RCR11",),
    series_code=EGOV_SERIES,
    reference_title=N_("Reference: people using public e-services (Eurostat)"),
)

dash.register_page(
    __name__,
    path="/e-services",
    name=N_("E-service uptake"),
    title=page_title("E-service uptake"),
    order=20,
)


def layout(**query):
    return build_layout(PAGE, query)


register_url_callback(PAGE)
