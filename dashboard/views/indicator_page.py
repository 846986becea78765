"""What the indicator pages (e-service uptake, digital skills, policy progress) share: filters from the
URL, the indicator panels and, where one compares, a reference chart of a Eurostat series. A view, not a
page: the pages register themselves and call ``build_layout`` and ``register_url_callback``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, html

from dashboard.access import Permission, current_actor
from dashboard.components.charts import chart_card, graph, reference_figure
from dashboard.components.downloads import download_buttons
from dashboard.components.empty_states import no_data_alert
from dashboard.components.filters import (
    MANY_BODIES,
    filter_bar,
    filters_from_controls,
    group_filters,
    indicator_select,
    narrow_to_group,
    option_values,
    parse_filters,
    partner_filter,
    partner_filter_notice,
    period_slider,
    scale_switch,
    submitted_switch,
    to_search,
    url_location,
    values_shown_note,
)
from dashboard.components.indicator_distribution import distribution_card
from dashboard.components.indicator_panels import IndicatorView, indicator_panels
from dashboard.components.links import linked
from dashboard.database import read_session
from dashboard.figure_cache import remember
from dashboard.queries.benchmarks import BENCHMARK_COLUMNS, EU, benchmark_series
from dashboard.queries.catalogue import indicators, reporting_periods, visible_partners
from dashboard.queries.data_version import SETUP, VALUES
from dashboard.queries.indicators import (
    cumulative,
    describe_sources,
    indicator_milestones,
    indicator_targets,
    indicator_values,
)
from dashboard.queries.values import ValueView
from i18n import _
from models.partner import BODY_TYPES


@dataclass(frozen=True)
class IndicatorPage:
    """One page's settings. ``policy_targets(geos)`` -> {geo: [(label, value %)]}. The page charts the
    indicators of ``categories`` and ``extra_codes`` except ``excluded_codes`` (charted on another
    page); without a ``series_code`` it has no reference chart."""

    name: str  # id prefix and download names
    path: str  # the page's address, for links to a group of bodies
    title: str
    intro: str
    categories: tuple[str, ...]
    extra_codes: tuple[str, ...] = ()
    excluded_codes: tuple[str, ...] = ()
    series_code: str | None = None
    reference_title: str = ""
    # Indicators measured like the series: draw it on their panels.
    overlay_codes: tuple[str, ...] = ()
    policy_targets: Callable[[list[str]], dict[str, list[tuple[str, float]]]] = lambda geos: {}


def build_layout(page: IndicatorPage, query: dict):
    today = date.today()
    actor = current_actor()
    with read_session() as session:
        partners = visible_partners(session, actor)
        catalogue = indicators(
            session, categories=list(page.categories), codes=list(page.extra_codes)
        )
        catalogue = catalogue[~catalogue["code"].isin(page.excluded_codes)]
        periods = reporting_periods(session)
        if partners.empty or catalogue.empty or periods.empty:
            return html.Div([html.H1(_(page.title)), no_data_alert(f"{page.name}-empty")])
        all_partners = partners
        partners, counties = narrow_to_group(partners, query)
        codes = partners["code"].tolist()
        filters = parse_filters(
            query,
            partner_codes=codes,
            period_numbers=periods["number"].tolist(),
            indicator_codes=catalogue["code"].tolist(),
            counties=counties,
            body_types=BODY_TYPES,
        )
        indicator = catalogue.set_index("code").loc[filters.indicator or catalogue["code"].iloc[0]]
        indicator["code"] = indicator.name
        chosen = filters.selected_partners(codes)
        first, last = filters.period_bounds(periods["number"].tolist())
        allowed = any(actor.can(Permission.READ_SUBMITTED, code) for code in codes)
        value_view = ValueView(actor, filters.include_submitted and allowed)
        chosen_partners = partners[partners["code"].isin(chosen)]
        # The values, their panels and the reference chart: the expensive part, kept in the cache.
        panels, reference = remember(
            session, f"{page.name}.charts",
            (indicator.name, tuple(chosen), first, last, value_view.include_submitted, filters),
            lambda: _charts(
                session, page, indicator, chosen_partners, periods, (first, last), value_view,
                filters, today,
            ),
            actions=VALUES + SETUP, partner_codes=chosen,
        )  # fmt: skip
    return html.Div(
        [
            url_location(f"{page.name}-url"),
            html.H1(_(page.title)),
            html.P(_(page.intro), className="text-muted"),
            filter_bar(
                *group_filters(page.name, all_partners, filters),
                partner_filter(f"{page.name}-partners", partners, chosen, filters),
                indicator_select(
                    f"{page.name}-indicator",
                    [
                        (c, f"{c} — {n}")
                        for c, n in zip(catalogue["code"], catalogue["name"], strict=True)
                    ],
                    indicator.name,
                ),
                period_slider(
                    f"{page.name}-periods",
                    list(zip(periods["number"], periods["label"], strict=True)),
                    (first, last),
                ),
                submitted_switch(f"{page.name}-submitted", value_view.include_submitted, allowed),
                scale_switch(f"{page.name}-scale", filters.own_scale),
            ),
            partner_filter_notice(filters, chosen, f"{page.name}-partner-notice"),
            # Without a partner the panels would be empty charts: the notice says what to do.
            panels if chosen else None,
            reference,
        ]
    )


def _charts(session, page, indicator, chosen_partners, periods, shown, value_view, filters, today):
    """(the indicator panels, the reference card or None) for the chosen partners and periods; past
    MANY_BODIES partners, the distribution of their values instead of a panel each."""
    first, last = shown
    chosen = chosen_partners["code"].tolist()
    # Running totals start at the first period whatever range is shown.
    is_sum = indicator["aggregation"] == "sum"
    values = indicator_values(
        session, indicator.name, chosen, None if is_sum else (first, last), view=value_view
    )
    if is_sum:
        values = cumulative(values)
        values = values[values["period_number"].between(first, last)]
    geos = [EU, *dict.fromkeys(chosen_partners["country"])]
    references = (
        benchmark_series(session, page.series_code, geos)
        if page.series_code
        else pd.DataFrame(columns=BENCHMARK_COLUMNS)
    )
    reference = (
        _reference_card(page, references, chosen_partners, geos) if page.series_code else None
    )
    if len(chosen) > MANY_BODIES:
        shown_periods = periods[periods["number"].between(first, last)]
        source = " ".join(
            (
                _("Source: {sources}.").format(sources=describe_sources(values)),
                values_shown_note(value_view.include_submitted),
            )
        )
        return distribution_card(
            page.name, page.path, indicator, values, chosen_partners, shown_periods, filters,
            source,
        ), reference  # fmt: skip
    targets = indicator_targets(session, indicator.name, chosen)
    milestones = indicator_milestones(session, indicator.name, chosen)
    view = IndicatorView(
        page=page.name,
        indicator=indicator,
        partners=chosen_partners,
        periods=periods[periods["number"].between(first, last)],
        values=values.reset_index(drop=True),
        targets=targets,
        milestones=milestones,
        today=today,
        cumulative=is_sum,
        references=references if indicator.name in page.overlay_codes else pd.DataFrame(),
        policy_targets=page.policy_targets(geos) if indicator.name in page.overlay_codes else {},
        own_scale=filters.own_scale,
        source=" ".join(
            part
            for part in (
                _("Source: {sources}.").format(sources=describe_sources(values)),
                values_shown_note(value_view.include_submitted),
                _("Reference lines: Eurostat {series}.").format(series=page.series_code)
                if indicator.name in page.overlay_codes and not references.empty
                else "",
            )
            if part
        ),
    )
    return indicator_panels(view), reference


def _reference_card(page: IndicatorPage, references: pd.DataFrame, partners, geos) -> dbc.Card:
    missing = [geo for geo in geos if geo not in set(references["geo"])]
    targets = [item for geo in geos for item in page.policy_targets(geos).get(geo, [])]
    if references.empty:
        body = html.P(_("No reference figures stored for these countries."), className="text-muted")
    else:
        body = graph(
            f"{page.name}-reference",
            reference_figure(
                references, unit_title=_("% of individuals aged 16-74"), policy_targets=targets
            ),
        )
    notes = []
    if missing:
        notes.append(
            html.P(
                _("No verified figure stored for {countries}.").format(
                    countries=", ".join(missing)
                ),
                className="text-muted small mb-1",
            )
        )
    links = [
        html.A(
            f"{geo} {year}", href=url, target="_blank", rel="noopener noreferrer", className="me-2"
        )
        for geo, year, url in references[["geo", "year", "source_url"]].itertuples(
            index=False, name=None
        )
    ]
    name = _(references["series_name"].iloc[0]) if not references.empty else page.series_code
    return chart_card(
        _(page.reference_title),
        html.Div([body, *notes]),
        subtitle=name,
        source=html.Span(
            linked(
                _("Source: Eurostat {series}; figures as published in: {links}").format(
                    series=page.series_code, links="{links}"
                ),
                links=html.Span(links),
            )
        ),
        downloads=download_buttons(
            f"{page.name}-reference",
            references.drop(columns=["series_name"]),
            f"{page.name}-eurostat",
        ),
        card_id=f"{page.name}-reference-card",
    )


def register_url_callback(page: IndicatorPage) -> None:
    """Controls -> URL: the page is then rendered again from the URL (components/filters.py)."""

    @callback(
        Output(f"{page.name}-url", "search"),
        Input(f"{page.name}-partners", "value"),
        Input(f"{page.name}-periods", "value"),
        Input(f"{page.name}-indicator", "value"),
        Input(f"{page.name}-submitted", "value"),
        Input(f"{page.name}-scale", "value"),
        Input(f"{page.name}-county", "value"),
        Input(f"{page.name}-type", "value"),
        State(f"{page.name}-partners", "options"),
        State(f"{page.name}-periods", "marks"),
        State(f"{page.name}-indicator", "options"),
        prevent_initial_call=True,
    )
    def _filters_to_url(
        partners,
        periods,
        indicator,
        submitted,
        own_scale,
        county,
        body_type,
        partner_options,
        period_marks,
        indicators,
    ):
        # A new group shows all of its bodies: the bodies picked in the old one may not be in it.
        regrouped = ctx.triggered_id in (f"{page.name}-county", f"{page.name}-type")
        filters = filters_from_controls(
            None if regrouped else partners,
            periods,
            indicator,
            all_partners=option_values(partner_options),
            all_periods=[int(number) for number in period_marks or {}],
            default_indicator=(option_values(indicators) or [None])[0],
            include_submitted=submitted is True,
            own_scale=own_scale is True,
            county=county,
            body_type=body_type,
        )
        return to_search(filters)
