"""An indicator over the periods for many bodies at once: the median, the middle half and the middle
80 % of the bodies' values per period, and each group's median of the last period shown, linked to the
group's own page. What the indicator pages show instead of one panel per body past MANY_BODIES (a
panel each is drawn once a handful of bodies is picked)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import base_layout, chart_card, graph
from dashboard.components.downloads import download_buttons
from dashboard.components.figure_text import figure_text
from dashboard.components.filters import MANY_BODIES, ViewFilters
from dashboard.components.overview_region import group_name, grouping
from i18n import _
from rules.formatting import format_number

QUANTILES = {"q10": 0.10, "q25": 0.25, "median": 0.50, "q75": 0.75, "q90": 0.90}
BAND_OUTER = "rgba(0, 114, 178, 0.12)"  # Okabe-Ito blue, light: the middle 80 %
BAND_INNER = "rgba(0, 114, 178, 0.30)"  # darker: the middle half
MEDIAN = "#0072B2"


def period_quantiles(values: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Per period shown (in order): label, bodies (how many reported a value) and QUANTILES of the
    values; periods without any value keep NaN quantiles."""
    reported = values[values["value"].notna()]
    grouped = reported.groupby("period_number")["value"]
    table = pd.DataFrame({name: grouped.quantile(q) for name, q in QUANTILES.items()})
    table["bodies"] = grouped.size()
    frame = periods[["number", "label"]].set_index("number").join(table)
    frame["bodies"] = frame["bodies"].fillna(0).astype(int)
    return frame.reset_index(names="period_number")


def _hover(text: str, **tokens: str) -> str:
    """A translated sentence for a hover template, escaped, its placeholders replaced by plotly's
    ``%{...}`` tokens (which escaping would spoil)."""
    escaped = figure_text(text)
    for name, token in tokens.items():
        escaped = escaped.replace(figure_text("{" + name + "}"), token)
    return escaped


def distribution_figure(quantiles: pd.DataFrame, unit: str) -> go.Figure:
    labels = [figure_text(label) for label in quantiles["label"]]

    def band(low: str, high: str, colour: str, name: str) -> list[go.Scatter]:
        return [
            go.Scatter(
                x=labels, y=quantiles[high], mode="lines", line={"width": 0}, hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=labels, y=quantiles[low], mode="lines", line={"width": 0}, fill="tonexty",
                fillcolor=colour, name=figure_text(name), hoverinfo="skip",
            ),
        ]  # fmt: skip

    median_name = figure_text(_("median"))
    traces = [
        *band("q10", "q90", BAND_OUTER, _("middle 80 % of the bodies")),
        *band("q25", "q75", BAND_INNER, _("middle half of the bodies")),
        go.Scatter(
            x=labels,
            y=quantiles["median"],
            mode="lines+markers",
            line={"color": MEDIAN, "width": 3},
            name=median_name,
            customdata=quantiles[["bodies", "q25", "q75"]].to_numpy(),
            hovertemplate=(
                f"%{{x}}: {median_name} %{{y:,.4~g}}<br>"
                + _hover(
                    _("middle half: {low} to {high}"),
                    low="%{customdata[1]:,.4~g}",
                    high="%{customdata[2]:,.4~g}",
                )
                + "<br>"
                + _hover(_("bodies reporting: {n}"), n="%{customdata[0]}")
                + "<extra></extra>"
            ),
        ),
    ]
    layout = base_layout(x_title=_("reporting period"), y_title=unit, height=380)
    return go.Figure(data=traces, layout=layout)


def _group_href(page_path: str, column: str, value, filters: ViewFilters) -> str | None:
    if value is None or pd.isna(value):
        return None
    pairs = {"county": filters.county, "type": filters.body_type, "indicator": filters.indicator}
    pairs["county" if column == "county" else "type"] = value
    return page_path + "?" + urlencode({key: item for key, item in pairs.items() if item})


def _group_medians(values, partners, last_label, page_path, filters) -> html.Div:
    """Each group's median (and how many of its bodies reported) for the last period shown."""
    column, heading = grouping(filters)
    if values.empty:
        return html.Div()
    latest = values[values["period_number"] == values["period_number"].max()]
    latest = latest.join(partners.set_index("code")[["county", "body_type"]], on="partner_code")
    groups = (
        latest.assign(_group=latest[column].astype(object).where(latest[column].notna(), None))
        .groupby("_group", dropna=False)["value"]
        .agg(["median", "count"])
        .reset_index()
        .sort_values("median", ascending=False, na_position="last")
    )
    rows = []
    for value, median, count in groups.itertuples(index=False, name=None):
        name = group_name(column, value)
        href = _group_href(page_path, column, value, filters)
        rows.append(
            html.Tr(
                [
                    html.Td(html.A(name, href=href) if href else name),
                    html.Td(
                        "–" if pd.isna(median) else format_number(median), className="text-end"
                    ),
                    html.Td(str(int(count)), className="text-end"),
                ]
            )
        )
    return html.Div(
        [
            html.H3(
                _("Median of {period} by group").format(period=last_label), className="h6 mt-3"
            ),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(heading),
                                html.Th(_("Median"), className="text-end"),
                                html.Th(_("Bodies reporting"), className="text-end"),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                className="mb-0 group-medians",
            ),
        ]
    )


def distribution_card(
    page_name: str,
    page_path: str,
    indicator,
    values: pd.DataFrame,
    partners: pd.DataFrame,
    periods: pd.DataFrame,
    filters: ViewFilters,
    source: str,
) -> dbc.Card:
    """The card for ``partners`` (more than MANY_BODIES) and one indicator over ``periods``."""
    quantiles = period_quantiles(values, periods)
    if quantiles["bodies"].sum() == 0:
        body = html.P(
            _("None of these bodies has reported this indicator yet."), className="text-muted"
        )
        downloads = None
    else:
        last = quantiles[quantiles["bodies"] > 0].iloc[-1]
        body = html.Div(
            [
                graph(
                    f"{page_name}-distribution", distribution_figure(quantiles, indicator["unit"])
                ),
                _group_medians(values, partners, last["label"], page_path, filters),
            ]
        )
        downloads = download_buttons(
            f"{page_name}-distribution",
            quantiles.drop(columns=["period_number"]),
            f"{page_name}-{indicator.name}-distribution",
        )
    return chart_card(
        _("{indicator} across {n} bodies").format(indicator=indicator["name"], n=len(partners)),
        body,
        subtitle=_(
            "The line is the median body; the bands hold the middle half and the middle 80 % of the "
            "bodies' values. Pick up to {n} bodies above to see a panel for each."
        ).format(n=MANY_BODIES),
        source=source,
        downloads=downloads,
        card_id=f"{page_name}-distribution-card",
    )
