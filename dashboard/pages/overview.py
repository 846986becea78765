"""Overview, the steering committee's first screen: headline figures, the policy-change pipeline,
progress to target and who has not yet reported the last ended period.

Filters (partners, the indicator of the progress chart) live in the URL: see components/filters.py.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html

from dashboard.access import Permission, current_actor
from dashboard.components.empty_states import (
    no_data_alert,
)
from dashboard.components.filters import (
    MANY_BODIES,
    filter_bar,
    filters_from_controls,
    group_filters,
    includes_submitted,
    indicator_select,
    narrow_to_group,
    option_values,
    parse_filters,
    partner_filter,
    partner_filter_notice,
    submitted_switch,
    to_search,
    url_location,
    values_shown_note,
)
from dashboard.components.overview_cards import (
    as_of,
    demo_banner,
    freshness_card,
    headline_cards,
    pipeline_card,
    progress_card,
    status_matrix,
)
from dashboard.components.overview_region import region_cards
from dashboard.database import read_session
from dashboard.figure_cache import remember
from dashboard.queries.catalogue import reporting_periods, visible_partners
from dashboard.queries.data_version import POLICY, SETUP, VALUES
from dashboard.queries.overview import (
    change_pipeline,
    classify_progress,
    instruments_improved,
    latest_ended_period,
    reporting_freshness,
    target_progress,
)
from dashboard.queries.values import ValueView
from dashboard.views.meeting_report import meeting_entry
from i18n import N_, _, page_title
from models.partner import BODY_TYPES

dash.register_page(__name__, path="/", name=N_("Overview"), title=page_title("Overview"), order=0)


def layout(**query):
    today = date.today()
    actor = current_actor()
    with read_session() as session:
        partners = all_partners = visible_partners(session, actor)
        if partners.empty:
            return html.Div([html.H1(_("Overview")), no_data_alert("overview-empty")])
        periods = reporting_periods(session)
        partners, counties = narrow_to_group(partners, query)
        codes = partners["code"].tolist()
        allowed = any(actor.can(Permission.READ_SUBMITTED, code) for code in codes)
        view = ValueView(actor, includes_submitted(query) and allowed)
        period = latest_ended_period(session, today)
        number = period.number if period else None
        progress_all = remember(
            session, "overview.progress", (tuple(codes), number, view.include_submitted),
            lambda: target_progress(session, codes, number, view=view),
            actions=VALUES + SETUP, partner_codes=codes,
        )  # fmt: skip
        filters = parse_filters(
            query,
            partner_codes=codes,
            indicator_codes=progress_all["indicator_code"].unique().tolist(),
            counties=counties,
            body_types=BODY_TYPES,
        )
        chosen = filters.selected_partners(codes)
        listed = progress_all
        if len(codes) > MANY_BODIES:
            # Among many bodies, the indicators most of them have targets for come first.
            counts = progress_all["indicator_code"].value_counts()
            listed = progress_all.assign(
                _bodies=progress_all["indicator_code"].map(counts)
            ).sort_values("_bodies", ascending=False, kind="stable")
        indicator_options = listed.drop_duplicates("indicator_code")[
            ["indicator_code", "indicator_name"]
        ].itertuples(index=False, name=None)
        indicator_options = [(code, f"{code} — {name}") for code, name in indicator_options]
        indicator = filters.indicator or (indicator_options[0][0] if indicator_options else None)
        labels = dict(zip(partners["code"], partners["short_name"], strict=True))
        # The figures and aggregates of the chosen partners: the expensive part, kept in the cache.
        banner, body = remember(
            session, "overview.body",
            (tuple(chosen), tuple(codes), number, view.include_submitted, indicator, filters),
            lambda: _body(
                session, progress_all[progress_all["partner_code"].isin(chosen)], chosen, view,
                period, periods, labels, indicator, filters, partners,
            ),
            actions=VALUES + SETUP + POLICY, partner_codes=chosen,
        )  # fmt: skip
    notice = partner_filter_notice(filters, chosen, "overview-partner-notice")
    return html.Div(
        [
            url_location("overview-url"),
            html.H1(_("Overview")),
            as_of(period),
            meeting_entry(
                period.label if period else None, filters.partners, view.include_submitted
            ),
            html.P(values_shown_note(view.include_submitted), className="text-muted small"),
            banner,
            filter_bar(
                *group_filters("overview", all_partners, filters),
                partner_filter("overview-partners", partners, chosen, filters),
                indicator_select("overview-indicator", indicator_options, indicator)
                if indicator
                else None,
                submitted_switch("overview-submitted", view.include_submitted, allowed),
            ),
            notice,
            *body,
        ],
        className="overview-page",
    )


def _body(
    session, progress_all, chosen, view, period, periods, labels, indicator, filters, partners
):
    """(the demo banner, the cards) for the ``chosen`` partners; without any, no cards: the notice
    says why (cards of nobody would read "No targets set yet"). Past MANY_BODIES partners the cards
    below the headline figures are aggregates by group (components/overview_region.py)."""
    pipeline = change_pipeline(session, chosen)
    progress = classify_progress(
        progress_all,
        periods_elapsed=period.number if period else 0,
        periods_total=len(periods),
    )
    banner = demo_banner(pipeline, progress)
    if not chosen:
        return banner, []
    instruments = instruments_improved(session, chosen)
    freshness = reporting_freshness(session, chosen, period.number, view=view) if period else None
    if len(chosen) > MANY_BODIES:
        return banner, [
            headline_cards(pipeline, instruments, progress, freshness, period),
            *region_cards(pipeline, progress, freshness, partners, period, indicator, filters),
        ]
    return banner, [
        headline_cards(pipeline, instruments, progress, freshness, period),
        dbc.Row(
            [
                dbc.Col(pipeline_card(pipeline), xs=12, xl=6),
                dbc.Col(
                    progress_card(
                        progress,
                        indicator,
                        period,
                        dict(zip(periods["number"], periods["label"], strict=True)),
                    ),
                    xs=12,
                    xl=6,
                ),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(status_matrix(progress, chosen, labels, filters.partners), xs=12, xl=7),
                dbc.Col(freshness_card(freshness, period), xs=12, xl=5),
            ]
        ),
    ]


@callback(
    Output("overview-url", "search"),
    Input("overview-partners", "value"),
    Input("overview-indicator", "value"),
    Input("overview-submitted", "value"),
    Input("overview-county", "value"),
    Input("overview-type", "value"),
    State("overview-partners", "options"),
    State("overview-indicator", "options"),
    prevent_initial_call=True,
)
def _filters_to_url(
    partners, indicator, submitted, county, body_type, partner_options, indicator_options
):
    # A new group shows all of its bodies: the bodies picked in the old one may not be in it.
    regrouped = ctx.triggered_id in ("overview-county", "overview-type")
    filters = filters_from_controls(
        None if regrouped else partners,
        None,
        indicator,
        all_partners=option_values(partner_options),
        all_periods=[],
        default_indicator=(option_values(indicator_options) or [None])[0],
        include_submitted=submitted is True,
        county=county,
        body_type=body_type,
    )
    return to_search(filters)
