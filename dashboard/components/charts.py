"""Pure figure builders (plotly.graph_objects: about 5x cheaper than plotly.express, ../shared/TECH.md)
and the card every chart sits in.

Builders take tidy DataFrames from dashboard/queries and return figures; they never touch the database.
Every axis says its unit; every chart card carries a source line (``chart_card(..., source=...)``).
Text that people typed (partner names, units, period labels, geo codes) goes into a figure only through
``figure_text``: plotly would draw its markup (dashboard/components/figure_text.py). ``base_layout`` and
``line_label`` escape their texts themselves; the builders escape names, categories and template parts.

Each figure is built from one layout dict: a named template (``template="plotly_white"``) costs about
35 ms per figure to resolve and ``add_hline`` about 10 ms per line, which made a page of panels slow.

Made to be read on a projector too (issue 12): no chart text under ``CHART_TEXT_PX``, numbers on axes
written like the tables (the reader's separators, never "40k"), labels of lines that meet merged or
moved apart (``place_line_labels``), and an explicit y range so partner panels can share one scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.components.colours import TARGET_COLOUR, partner_colour, reference_colour
from dashboard.components.figure_text import figure_text
from dashboard.components.stages import stage_label
from i18n import _
from rules.formatting import (
    format_chart_label,
    format_number,
    format_percent,
    percent_suffix,
    plotly_separators,
)

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
# The smallest text on a dashboard chart (ticks, legends, line labels): readable on a 1920x1080
# projector from the back of the room. Meeting slides use 20 px (components/slides.py).
CHART_TEXT_PX = 14
# A line label's height with its padding, and the plot height of an indicator panel (340 px figure less
# margins, axis title and a two-row legend), both rounded so that labels are kept apart rather than not.
LABEL_PX = 20
PANEL_PLOT_PX = 190


GRID = "#e3e7ec"
AXIS = {"gridcolor": GRID, "zeroline": False, "linecolor": "#adb5bd", "automargin": True}


def base_layout(*, x_title: str, y_title: str, height: int = 360, **extra) -> dict:
    """The house layout: readable fonts, white background, light grid, legend on top, titled axes.
    The titles are plain text (escaped here); ``extra`` entries are merged in (``xaxis``/``yaxis``
    dicts update the axis defaults)."""
    layout = {
        "template": "none",
        "font": {"family": FONT, "size": CHART_TEXT_PX, "color": "#212529"},
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
    y: float,
    text: str,
    *,
    side: str,
    colour: str = TARGET_COLOUR,
    size: int = CHART_TEXT_PX,
    below: bool = False,
    shift: int = 0,
) -> dict:
    """A label (plain text, escaped here) sitting just above the horizontal line at ``y`` (just below it
    when ``below``), at the ``side`` ("left"/"right"), moved up by ``shift`` pixels."""
    return {
        "xref": "paper", "x": 0 if side == "left" else 1, "xanchor": side, "yref": "y", "y": y,
        "yanchor": "top" if below else "bottom", "yshift": shift, "text": figure_text(text),
        "showarrow": False, "font": {"size": size, "color": colour},
    }  # fmt: skip


@dataclass(frozen=True)
class LineLabel:
    """A reference line's label before placement: its value, text, side and colour."""

    y: float
    text: str
    side: str = "left"
    colour: str = TARGET_COLOUR


def place_line_labels(
    labels: Sequence[LineLabel], y_range: Sequence[float], plot_px: float = PANEL_PLOT_PX
) -> list[dict]:
    """Annotations for the labels of horizontal lines, none over another: labels of lines at the same
    value become one ("target 70 · Latvia's national target: 70 % by 2027", the first label's side and
    colour); a label that would cover the one under it goes below its own line when there is room there,
    else moves up. ``y_range`` is the axis range and ``plot_px`` the plot's height, to measure in pixels.
    """
    merged: list[LineLabel] = []
    for label in sorted(labels, key=lambda item: item.y):
        if merged and math.isclose(merged[-1].y, label.y, rel_tol=1e-9, abs_tol=1e-9):
            first = merged[-1]
            merged[-1] = LineLabel(
                first.y, f"{first.text} · {label.text}", first.side, first.colour
            )
        else:
            merged.append(label)
    low, high = float(y_range[0]), float(y_range[1])
    scale = plot_px / (high - low) if high > low else 0.0
    annotations: list[dict] = []
    boxes: list[tuple[float, float]] = []  # each placed label's bottom and top, in pixels
    for label in merged:
        position = (label.y - low) * scale
        if boxes and position < boxes[-1][1]:
            # Room under the previous label's own line? Then it goes there and this one stays put.
            before = annotations[-1]
            before_position = (before["y"] - low) * scale
            floor = boxes[-2][1] if len(boxes) > 1 else 0.0
            if before["yshift"] == 0 and before_position - LABEL_PX >= floor:
                before["yanchor"] = "top"
                boxes[-1] = (before_position - LABEL_PX, before_position)
        shift = max(0, math.ceil(boxes[-1][1] - position)) if boxes else 0
        annotations.append(
            line_label(label.y, label.text, side=label.side, colour=label.colour, shift=shift)
        )
        boxes.append((position + shift, position + shift + LABEL_PX))
    return annotations


def value_range(numbers, *, percentage: bool = False) -> list[float]:
    """The y range [low, high] that shows every number (values, targets, baselines, reference levels)
    with room above the highest for its line's label; 0-100 for percentages that stay within it."""
    finite = [float(n) for n in numbers if n is not None and not pd.isna(n)]
    highest = max(finite, default=0.0)
    lowest = min(0.0, *finite) if finite else 0.0
    if percentage and highest <= 100 and lowest >= 0:
        return [0.0, 100.0]
    top = highest * HEADROOM if highest > 0 else 1.0
    return [lowest * HEADROOM, top]


HEADROOM = 1.12


def number_axis(y_range: Sequence[float]) -> dict:
    """Axis ticks written like the tables: grouped thousands with the reader's separators (base_layout's
    ``separators``), never plotly's SI suffixes ("40k" next to "6 000"); one decimal only on short
    ranges, whose ticks fall on halves."""
    span = abs(float(y_range[1]) - float(y_range[0]))
    return {"tickformat": ",.0f" if span > 5 else ",.1f"}


def pipeline_figure(pipeline: pd.DataFrame, colours: Mapping[str, str] | None = None) -> go.Figure:
    """Policy changes by stage (rows, in pipeline order, abandoned last) stacked by partner.

    ``pipeline``: partner_code, partner_label, stage, changes. ``colours`` (partner_code -> colour)
    replaces the partners' own, for stacks of groups rather than partners.
    """
    stages = PIPELINE_STAGES + (["abandoned"] if (pipeline["stage"] == "abandoned").any() else [])
    labels = [figure_text(stage_label(stage)) for stage in stages]
    widest = int(pipeline.groupby("stage")["changes"].sum().max()) if not pipeline.empty else 0
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
                marker_color=(colours or {}).get(code) or partner_colour(code),
                hovertemplate=f"{label}<br>%{{y}}: %{{x}}<extra></extra>",
            )
        )
    layout = base_layout(
        x_title=_("policy changes (count)"),
        y_title="",
        height=340,
        barmode="stack",
        legend={"traceorder": "normal"},
        # Whole numbers: a tick per change while they are few, plotly's own ticks past that.
        xaxis={"rangemode": "tozero", **({"dtick": 1} if widest <= 12 else {"tickformat": "d"})},
        yaxis={"autorange": "reversed"},
    )
    return go.Figure(data=traces, layout=layout)


def progress_figure(
    progress: pd.DataFrame,
    indicator_label: str,
    unit: str,
    *,
    as_of: int | None = None,
    period_labels: Mapping[int, str] | None = None,
) -> go.Figure:
    """Progress to target, one bar per partner: % of the way from baseline to target, with a tick for
    where the partner should be by now. A partner whose latest value is older than period ``as_of``
    (its number) is marked: its label names the period of its value, its bar is hatched.

    ``progress``: partner_code, partner_label, current, target, progress_pct, expected_pct and, for the
    marking, latest_period (the number of the period of the latest value).
    """
    rows = progress.iloc[::-1]  # first partner on top
    labels_by_number = period_labels or {}
    stale = [
        as_of is not None and not pd.isna(latest) and int(latest) < as_of
        for latest in (rows["latest_period"] if "latest_period" in rows else [None] * len(rows))
    ]
    # The figures go into the axis label, so they stay readable at any width (bar text gets clipped).
    labels = []
    for label, current, target, latest, old in zip(
        rows["partner_label"], rows["current"], rows["target"],
        rows["latest_period"] if "latest_period" in rows else [None] * len(rows), stale, strict=True,
    ):  # fmt: skip
        if pd.isna(current):
            figures = _("no data yet")
        elif old:
            period = labels_by_number.get(int(latest), f"P{int(latest)}")
            figures = _("{current} / {target} {unit} (value of {period})").format(
                current=_format(current), target=_format(target), unit=figure_text(unit),
                period=figure_text(period),
            )  # fmt: skip
        else:
            figures = f"{_format(current)} / {_format(target)} {figure_text(unit)}"
        labels.append(f"{figure_text(label)}<br>{figures}")
    bars = go.Bar(
        y=labels,
        x=rows["progress_pct"].fillna(0).clip(lower=0).tolist(),
        orientation="h",
        marker={
            "color": [partner_colour(code) for code in rows["partner_code"]],
            # Hatched: an older value than the others', not to be read as this period's.
            "pattern": {"shape": ["/" if old else "" for old in stale], "fgcolor": "#ffffff"},
        },
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
        height=90 + 56 * len(rows),
        showlegend=False,
        bargap=0.35,
        xaxis={"range": [0, highest], "ticksuffix": percent_suffix(), "tickformat": ",.0f"},
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
    y_range: Sequence[float] | None = None,
) -> go.Figure:
    """One partner's values over the reporting periods against its target.

    ``series``: end_date, value (NaN where the partner reported "no value"); ``periods``: label, end_date
    of the periods shown; ``milestones``: end_date, value; ``references``: geo, year, value of a
    comparable public series (its latest value per geo is drawn as a level, named in the legend);
    ``policy_targets``: (label, value) drawn as dotted lines. ``y_range``: the scale the panels being
    compared share; None: the panel's own (``value_range`` of what it draws).
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
                    name=f"Eurostat {figure_text(row.geo)} {row.year}: "
                    + format_percent(row.value, decimals=None),
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
        labels.append(LineLabel(value, label))
    if target is not None:
        shapes.append(hline(target, colour, "dash"))
        # First, so that where it meets a policy target the merged label starts with the partner's own.
        labels.insert(
            0, LineLabel(target, _("target {value}").format(value=_format(target)), "right", colour)
        )
    if baseline is not None and not percentage:
        shapes.append(hline(baseline, "#8c8c8c", "dot", width=1))
        labels.append(LineLabel(baseline, _("baseline"), "left", "#6c757d"))
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
    if y_range is None:
        levels = [] if references is None or references.empty else references["value"].tolist()
        y_range = value_range(
            [*series["value"], *(m for m in ([] if milestones is None else milestones["value"]))]
            + [label.y for label in labels]
            + levels,
            percentage=percentage,
        )
    yaxis = {"range": list(y_range), **number_axis(y_range)}
    if percentage:
        yaxis["ticksuffix"] = percent_suffix()
    layout = base_layout(
        x_title=_("reporting period"),
        y_title=unit_title,
        height=340,
        # A legend only when there is more than the partner's own line; at the bottom of the
        # figure (container), where plotly makes room for it whatever the width.
        showlegend=len(traces) > 1,
        legend={"yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"t": 20},
        xaxis=xaxis,
        yaxis=yaxis,
        shapes=shapes,
        annotations=place_line_labels(labels, y_range),
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
                text=[None if pd.isna(v) else format_number(v) for v in by_geo],
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
        yaxis={"range": [0, 100], "ticksuffix": percent_suffix(), "tickformat": ",.0f"},
        shapes=[hline(value, TARGET_COLOUR, "dot") for _label, value in policy_targets],
        annotations=place_line_labels(
            [LineLabel(value, label) for label, value in policy_targets], [0, 100], plot_px=220
        ),
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
