"""Pure figure builders (plotly.graph_objects: about 5x cheaper than plotly.express, ../shared/TECH.md)
and the card every chart sits in.

Builders take tidy DataFrames from dashboard/queries and return figures; they never touch the database.
Every axis says its unit; every chart card carries a source line (``chart_card(..., source=...)``).
Text that people typed (partner names, units, period labels, geo codes) goes into a figure only through
``figure_text``: plotly would draw its markup (dashboard/components/figure_text.py). ``base_layout`` and
``line_label`` escape their texts themselves; the builders escape names, categories and template parts.

Each figure is built from one layout dict: a named template (``template="plotly_white"``) costs about
35 ms per figure to resolve and ``add_hline`` about 10 ms per line, which made a page of panels slow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.components.colours import TARGET_COLOUR, partner_colour, reference_colour
from dashboard.components.figure_text import figure_text
from dashboard.components.stages import stage_label
from i18n import _
from rules.formatting import format_chart_label, plotly_separators

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # No "Share chart..." (it uploads the chart, partner data included, to Plotly Cloud).
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "sendChartToCloud",
        "sendDataToCloud",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
PIPELINE_STAGES = ["identified", "proposed", "submitted", "adopted", "implemented", "validated"]
REFERENCE_DASHES = ["dash", "dot", "dashdot", "longdash"]


GRID = "#e3e7ec"
AXIS = {"gridcolor": GRID, "zeroline": False, "linecolor": "#adb5bd", "automargin": True}


def base_layout(*, x_title: str, y_title: str, height: int = 360, **extra) -> dict:
    """The house layout: readable fonts, white background, light grid, legend on top, titled axes.
    The titles are plain text (escaped here); ``extra`` entries are merged in (``xaxis``/``yaxis``
    dicts update the axis defaults)."""
    layout = {
        "template": "none",
        "font": {"family": FONT, "size": 13, "color": "#212529"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
        # Decimal mark and thousands separator as the reader's language writes them.
        "separators": plotly_separators(),
        "xaxis": {**AXIS, "title": {"text": figure_text(x_title)}},
        "yaxis": {**AXIS, "title": {"text": figure_text(y_title)}},
    }
    for key, value in extra.items():
        if key in ("xaxis", "yaxis", "legend", "margin"):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def hline(y: float, colour: str, dash: str, width: float = 1.5) -> dict:
    """A horizontal line across the plot at ``y`` (a layout shape)."""
    return {
        "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
        "line": {"color": colour, "dash": dash, "width": width}, "layer": "below",
    }  # fmt: skip


def vline(x: float, colour: str, dash: str, width: float = 1.5) -> dict:
    return {
        "type": "line", "yref": "paper", "y0": 0, "y1": 1, "xref": "x", "x0": x, "x1": x,
        "line": {"color": colour, "dash": dash, "width": width}, "layer": "below",
    }  # fmt: skip


def line_label(
    y: float, text: str, *, side: str, colour: str = TARGET_COLOUR, size: int = 11
) -> dict:
    """A label (plain text, escaped here) sitting just above the horizontal line at ``y``, at the
    ``side`` ("left"/"right")."""
    return {
        "xref": "paper", "x": 0 if side == "left" else 1, "xanchor": side, "yref": "y", "y": y,
        "yanchor": "bottom", "text": figure_text(text), "showarrow": False,
        "font": {"size": size, "color": colour},
    }  # fmt: skip


def pipeline_figure(pipeline: pd.DataFrame) -> go.Figure:
    """Policy changes by stage (rows, in pipeline order, abandoned last) stacked by partner.

    ``pipeline``: partner_code, partner_label, stage, changes.
    """
    stages = PIPELINE_STAGES + (["abandoned"] if (pipeline["stage"] == "abandoned").any() else [])
    labels = [figure_text(stage_label(stage)) for stage in stages]
    traces = []
    for (code, partner), rows in pipeline.groupby(["partner_code", "partner_label"], sort=False):
        counts = rows.set_index("stage")["changes"].reindex(stages, fill_value=0)
        label = figure_text(partner)
        traces.append(
            go.Bar(
                name=label,
                y=labels,
                x=counts.tolist(),
                orientation="h",
                marker_color=partner_colour(code),
                hovertemplate=f"{label}<br>%{{y}}: %{{x}}<extra></extra>",
            )
        )
    layout = base_layout(
        x_title=_("policy changes (count)"),
        y_title="",
        height=340,
        barmode="stack",
        legend={"traceorder": "normal"},
        xaxis={"dtick": 1, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
    )
    return go.Figure(data=traces, layout=layout)


def progress_figure(progress: pd.DataFrame, indicator_label: str, unit: str) -> go.Figure:
    """Progress to target, one bar per partner: % of the way from baseline to target, with a tick for
    where the partner should be by now.

    ``progress``: partner_code, partner_label, current, target, progress_pct, expected_pct.
    """
    rows = progress.iloc[::-1]  # first partner on top
    # The figures go into the axis label, so they stay readable at any width (bar text gets clipped).
    labels = [
        f"{figure_text(label)}<br>"
        + (
            _("no data yet")
            if pd.isna(current)
            else f"{_format(current)} / {_format(target)} {figure_text(unit)}"
        )
        for label, current, target in zip(
            rows["partner_label"], rows["current"], rows["target"], strict=True
        )
    ]
    bars = go.Bar(
        y=labels,
        x=rows["progress_pct"].fillna(0).clip(lower=0).tolist(),
        orientation="h",
        marker_color=[partner_colour(code) for code in rows["partner_code"]],
        name=_("reached"),
        # A whole sentence with plotly's own placeholders (%{y}: the partner, %{x}: the share).
        hovertemplate=f"{figure_text(indicator_label)} · "
        + _("%{y}: %{x:.0f} % of target")
        + "<extra></extra>",
    )
    expected = go.Scatter(
        y=labels,
        x=rows["expected_pct"].tolist(),
        mode="markers",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": TARGET_COLOUR}},
        name=_("expected by now"),
        hovertemplate=_("%{y}: expected %{x:.0f} %") + "<extra></extra>",
    )
    highest = max(110.0, float(rows["progress_pct"].fillna(0).max()) + 10)
    layout = base_layout(
        x_title=_("% of the way to target"),
        y_title="",
        height=90 + 52 * len(rows),
        showlegend=False,
        bargap=0.35,
        xaxis={"range": [0, highest], "ticksuffix": " %"},
        shapes=[vline(100, TARGET_COLOUR, "dot")],
    )
    return go.Figure(data=[bars, expected], layout=layout)


def period_ticks(periods: pd.DataFrame) -> tuple[list[date], list[str]]:
    """Tick positions (period end dates) and labels ("P3", escaped) for a period date axis; hovering
    a point shows its date."""
    values = list(periods["end_date"])
    return values, [figure_text(label) for label in periods["label"]]


def _pending_symbols(series: pd.DataFrame) -> list[str] | str:
    if "pending" not in series or not series["pending"].any():
        return "circle"
    return ["circle-open" if pending else "circle" for pending in series["pending"]]


def indicator_panel_figure(
    series: pd.DataFrame,
    periods: pd.DataFrame,
    *,
    partner_code: str,
    unit_title: str,
    target: float | None = None,
    baseline: float | None = None,
    milestones: pd.DataFrame | None = None,
    references: pd.DataFrame | None = None,
    policy_targets: Sequence[tuple[str, float]] = (),
    percentage: bool = False,
) -> go.Figure:
    """One partner's values over the reporting periods against its target.

    ``series``: end_date, value (NaN where the partner reported "no value"); ``periods``: label, end_date
    of the periods shown; ``milestones``: end_date, value; ``references``: geo, year, value of a
    comparable public series (its latest value per geo is drawn as a level, named in the legend);
    ``policy_targets``: (label, value) drawn as dotted lines.
    """
    colour = partner_colour(partner_code)
    tick_values, tick_labels = period_ticks(periods)
    x_range = (
        [min(tick_values) - pd.Timedelta(days=120), max(tick_values) + pd.Timedelta(days=60)]
        if len(tick_values)
        else None
    )
    traces, shapes, labels = [], [], []
    if references is not None and not references.empty and x_range:
        # Yearly points would mostly fall outside the project's periods, and labels on the plot
        # collide when values are close (EU27 55.6, HR 58.95): a level, named in the legend.
        latest = references.sort_values("year").groupby("geo", sort=False).tail(1)
        for index, row in enumerate(latest.itertuples()):
            traces.append(
                go.Scatter(
                    x=x_range,
                    y=[row.value, row.value],
                    mode="lines",
                    name=f"Eurostat {figure_text(row.geo)} {row.year}: {row.value:g} %",
                    line={
                        "color": reference_colour(row.geo),
                        "dash": REFERENCE_DASHES[index % 4],
                        "width": 1.5,
                    },
                    hoverinfo="name",
                )
            )
    for label, value in policy_targets:
        shapes.append(hline(value, TARGET_COLOUR, "dot"))
        labels.append(line_label(value, label, side="left"))
    if target is not None:
        shapes.append(hline(target, colour, "dash"))
        labels.append(
            line_label(
                target,
                _("target {value}").format(value=_format(target)),
                side="right",
                colour=colour,
                size=12,
            )
        )
    if baseline is not None and not percentage:
        shapes.append(hline(baseline, "#8c8c8c", "dot", width=1))
        labels.append(line_label(baseline, _("baseline"), side="left", colour="#6c757d"))
    if milestones is not None and not milestones.empty:
        traces.append(
            go.Scatter(
                x=list(milestones["end_date"]),
                y=milestones["value"].tolist(),
                mode="markers",
                name=_("milestone"),
                marker={"symbol": "diamond-open", "size": 10, "color": colour},
            )
        )
    traces.append(
        go.Scatter(
            x=list(series["end_date"]),
            y=[None if pd.isna(v) else v for v in series["value"]],
            mode="lines+markers",
            name=_("reported"),
            line={"color": colour, "width": 3},
            # An open marker: a value awaiting an officer's approval (``pending``, when shown at all).
            marker={"size": 8, "symbol": _pending_symbols(series)},
            connectgaps=False,
            # Numeric dates: plotly's month names would be English whatever the reader's language.
            hovertemplate=_("period ending %{x|%d.%m.%Y}: %{y:,}") + "<extra></extra>",
        )
    )
    xaxis = (
        {"tickvals": tick_values, "ticktext": tick_labels, "range": x_range, "tickangle": 0}
        if x_range
        else {}
    )
    yaxis = {"rangemode": "tozero", "separatethousands": True}
    if percentage:
        highest = series["value"].max()
        top = 100 if pd.isna(highest) or highest <= 100 else float(highest) * 1.05
        yaxis.update(range=[0, top], ticksuffix=" %")
    layout = base_layout(
        x_title=_("reporting period"),
        y_title=unit_title,
        height=340,
        # A legend only when there is more than the partner's own line; at the bottom of the
        # figure (container), where plotly makes room for it whatever the width.
        showlegend=len(traces) > 1,
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "font": {"size": 11}},
        margin={"t": 20},
        xaxis=xaxis,
        yaxis=yaxis,
        shapes=shapes,
        annotations=labels,
    )
    return go.Figure(data=traces, layout=layout)


YEAR_GREYS = ["#bdbdbd", "#8c8c8c", "#5a5a5a", "#262626"]


def reference_figure(references: pd.DataFrame, *, unit_title: str, policy_targets=()) -> go.Figure:
    """A public series as grouped bars: one group per geo (in the order given), one bar per survey
    year, older years lighter. ``references``: geo, year, value. ``policy_targets``: (label, value)
    drawn as dotted lines."""
    geos = list(dict.fromkeys(references["geo"]))
    years = sorted(references["year"].unique())
    greys = YEAR_GREYS[-len(years) :] if len(years) <= len(YEAR_GREYS) else None
    traces = []
    for index, (year, rows) in enumerate(references.groupby("year", sort=True)):
        by_geo = rows.set_index("geo")["value"].reindex(geos)
        traces.append(
            go.Bar(
                x=[figure_text(geo) for geo in geos],
                y=[None if pd.isna(v) else v for v in by_geo],
                name=str(year),
                marker_color=greys[index] if greys else None,
                text=[None if pd.isna(v) else f"{v:g}" for v in by_geo],
                textposition="outside",
                hovertemplate=_("%{{x}}, survey {year}: %{{y}} %").format(year=year)
                + "<extra></extra>",
            )
        )
    layout = base_layout(
        x_title=_("country (EU27: European Union)"),
        y_title=unit_title,
        height=340,
        barmode="group",
        # Years only (a legend title would push "2025" off a phone screen); hover says "survey".
        yaxis={"range": [0, 100], "ticksuffix": " %"},
        shapes=[hline(value, TARGET_COLOUR, "dot") for _label, value in policy_targets],
        annotations=[line_label(value, label, side="left") for label, value in policy_targets],
    )
    return go.Figure(data=traces, layout=layout)


def _format(value: float) -> str:
    return format_chart_label(value)


def graph(component_id, figure: go.Figure, **kwargs) -> dcc.Graph:
    """A dcc.Graph with the house configuration (PNG export from the toolbar, no plotly logo)."""
    return dcc.Graph(id=component_id, figure=figure, config=GRAPH_CONFIG, **kwargs)


def chart_card(
    title: str,
    body,
    *,
    source: str,
    downloads=None,
    demo: bool = False,
    subtitle: str | None = None,
    card_id: str | None = None,
) -> dbc.Card:
    """A titled card: chart, then the source line, then the download buttons. ``demo`` adds a badge
    saying that the figures are invented."""
    header = [html.H2(title, className="chart-title")]
    if demo:
        header.append(
            dbc.Badge(
                _("demo data"), color="warning", text_color="dark", className="ms-2 demo-badge"
            )
        )
    children = [html.Div(header, className="d-flex align-items-center flex-wrap")]
    if subtitle:
        children.append(html.P(subtitle, className="chart-subtitle text-muted small mb-1"))
    children.append(body)
    children.append(html.P(source, className="chart-source small text-muted mb-1"))
    if downloads is not None:
        children.append(downloads)
    extra = {"id": card_id} if card_id else {}
    return dbc.Card(dbc.CardBody(children), className="chart-card mb-3", **extra)
