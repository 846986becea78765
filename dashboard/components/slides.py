"""The meeting's slides: pure builders from the Meeting view model (dashboard/queries/meeting.py) to Dash
components, made for a 1920x1080 projector: one idea per slide, body text at least 28 px, chart text at
least 20 px (CSS in assets/50-meeting.css), high contrast, the partners' colour-blind-safe colours.

Charts come from the same specifications as the PDF's (reports/charts.py); texts from reports/wording.py,
so the room and the minutes say the same. Every slide fits the screen: long lists are cut with "and N
more (in the report)".
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from dashboard.components.charts import FONT
from dashboard.components.figure_text import figure_text
from dashboard.queries.meeting import Meeting
from i18n import _, ngettext
from reports import wording
from reports.charts import BarChart, chart_for
from rules.formatting import format_date, format_number, plotly_separators

CHART_TEXT = 22  # px: every text of a slide's chart (ticks, legend, labels)
CHART_WIDTH, CHART_HEIGHT = 1792, 720
MAX_MOVES = 8
MAX_ISSUES = 5
INK = "#111111"


def _more(count: int) -> str:
    return ngettext("and {n} more (in the report)", "and {n} more (in the report)", count).format(
        n=count
    )


def chart_figure(chart: BarChart, *, height: int = CHART_HEIGHT) -> go.Figure:
    """``chart`` drawn by plotly at projector sizes (texts escaped with figure_text)."""
    categories = [figure_text(text) for text in chart.categories]
    traces = []
    for series in chart.series:
        traces.append(
            go.Bar(
                name=figure_text(series.name),
                y=categories,
                x=[None if v is None else v for v in series.values],
                orientation="h",
                marker_color=list(series.colours) if series.colours else series.colour,
                text=[figure_text(t) for t in series.texts] if series.texts else None,
                textposition="inside" if chart.stacked else "outside",
                insidetextanchor="middle",
                textfont={"size": CHART_TEXT},
                cliponaxis=False,
                hoverinfo="skip",
            )
        )
    for marks in chart.marks:
        traces.append(
            go.Scatter(
                name=figure_text(marks.name),
                y=categories,
                x=list(marks.values),
                mode="markers",
                marker={
                    "symbol": "line-ns",
                    "size": 44,
                    "line": {"width": 5, "color": marks.colour},
                },
                hoverinfo="skip",
            )
        )
    shapes, annotations = [], []
    levels = max((line.level for line in chart.lines), default=-1) + 1
    for line in chart.lines:
        shapes.append(
            {
                "type": "line", "xref": "x", "x0": line.value, "x1": line.value, "yref": "paper",
                "y0": 0, "y1": 1, "line": {"color": line.colour, "dash": line.dash, "width": 3},
            }
        )  # fmt: skip
        annotations.append(
            {
                "xref": "x", "x": line.value, "yref": "paper", "y": 1 + 0.01 + 0.055 * line.level,
                "yanchor": "bottom", "text": figure_text(line.label), "showarrow": False,
                "font": {"size": CHART_TEXT, "color": line.colour},
            }
        )  # fmt: skip
    xaxis = {
        "range": [0, chart.axis_max],
        "title": {"text": figure_text(chart.axis_title), "font": {"size": CHART_TEXT}},
        "tickfont": {"size": CHART_TEXT},
        "gridcolor": "#d0d5da",
        "zeroline": False,
        "automargin": True,
    }
    if chart.percent_axis:
        xaxis["ticksuffix"] = " %"
    if chart.integer_axis:
        xaxis["dtick"] = 1 if chart.axis_max <= 12 else None
    layout = {
        "template": "none",
        "width": CHART_WIDTH,
        "height": height,
        "font": {"family": FONT, "size": CHART_TEXT, "color": INK},
        "separators": plotly_separators(),
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "barmode": "stack" if chart.stacked else "group",
        "bargap": 0.25,
        "margin": {"l": 10, "r": 40, "t": 60 + 40 * levels, "b": 10},
        "legend": {
            "orientation": "h", "yanchor": "bottom", "y": 1 + 0.06 * levels + 0.02, "x": 0,
            "font": {"size": CHART_TEXT}, "traceorder": "normal",
        },
        "uniformtext": {"minsize": CHART_TEXT, "mode": "show"},
        "xaxis": xaxis,
        "yaxis": {
            "autorange": "reversed", "tickfont": {"size": CHART_TEXT}, "automargin": True,
            "ticksuffix": "  ",
        },
        "shapes": shapes,
        "annotations": annotations,
    }  # fmt: skip
    return go.Figure(data=traces, layout=layout)


def _chart(topic: str, meeting: Meeting):
    chart = chart_for(topic, meeting)
    if chart is None or chart.is_empty:
        return html.P(_("Nothing to chart for these partners and this period."), className="lead")
    return dcc.Graph(
        id=f"meeting-chart-{topic}",
        figure=chart_figure(chart),
        config={"displayModeBar": False, "staticPlot": True, "responsive": False},
        className="meeting-chart",
    )


def _headline(meeting: Meeting):
    cards = [
        html.Div(
            [
                html.Div(figure.label, className="headline-label"),
                html.Div(figure.figure, className="headline-number"),
                html.Div(figure.detail, className="headline-text"),
            ],
            className="meeting-card",
            id=f"meeting-headline-{figure.key}",
        )
        for figure in wording.headline_figures(meeting)
    ]
    return html.Div(cards, className="meeting-cards")


def _moves(meeting: Meeting):
    if not meeting.moves:
        return html.P(wording.no_moves(meeting), className="lead")
    shown = meeting.moves[:MAX_MOVES]
    rows = [
        html.Tr(
            [
                html.Td(format_date(move.occurred_on)),
                html.Td(meeting.label(move.partner_code)),
                html.Td(move.change_code),
                html.Td(
                    _("{before} → {after}").format(
                        before=wording.stage_name(move.from_stage),
                        after=wording.stage_name(move.to_stage),
                    )
                ),
            ]
        )
        for move in shown
    ]
    header = wording.moves_header()
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(header[0]),
                        html.Th(header[1]),
                        html.Th(header[2]),
                        html.Th(_("Stage")),
                    ]
                )
            ),
            html.Tbody(rows),
        ],  # fmt: skip
        className="meeting-table",
    )
    extra = len(meeting.moves) - len(shown)
    return html.Div([table, html.P(_more(extra), className="meeting-more") if extra else None])


def _issue_items(meeting: Meeting) -> dict[str, list[str]]:
    period = meeting.period.label
    issues = meeting.issues
    return {
        "late": [
            _("{partner}: nothing for {period}, due {date}").format(
                partner=meeting.label(item.partner_code),
                period=period,
                date=format_date(item.due_date),
            )  # fmt: skip
            for item in issues.late
        ],
        "stuck": [
            _("{change}: {stage} since {period}").format(
                change=item.change_code,
                stage=wording.stage_name(item.stage),
                period=item.since_period or "–",
            )  # fmt: skip
            for item in issues.stuck
        ],
        "awaiting": [
            ngettext("{partner}: {count} value", "{partner}: {count} values", item.values).format(
                partner=meeting.label(item.partner_code), count=format_number(item.values)
            )
            for item in issues.awaiting
        ],
    }


def _issues(meeting: Meeting):
    items = _issue_items(meeting)
    columns = []
    for key, heading, _sentences in wording.issue_groups(meeting):
        entries = items[key]
        shown = [html.Li(text) for text in entries[:MAX_ISSUES]]
        if len(entries) > MAX_ISSUES:
            shown.append(html.Li(_more(len(entries) - MAX_ISSUES), className="meeting-more"))
        columns.append(
            html.Div(
                [
                    html.H2(heading),
                    html.Ul(shown) if shown else html.P(wording.no_issue(key)),
                ],
                className="meeting-issue",
                id=f"meeting-issues-{key}",
            )
        )
    return html.Div(columns, className="meeting-issues")


def slide_source(topic: str, meeting: Meeting) -> str:
    """The short source line a slide has room for (the report has the full one)."""
    period = meeting.period.label
    if topic in ("pipeline", "moves"):
        text = _("Source: stage events the partners recorded up to {date}.").format(
            date=format_date(meeting.period.end_date)
        )
    elif topic == "skills":
        text = _(
            "Source: the partners' values up to {period}; Eurostat {series}; EU and Latvian targets."
        ).format(period=period, series=meeting.skills.series_code.split(":")[0])
    elif topic == "issues":
        text = _("Source: values sent, submissions awaiting review and stage events.")
    else:
        text = _("Source: the partners' targets and values up to {period}.").format(period=period)
    if meeting.has_demo and topic not in ("issues",):
        text += " " + _("Demo data.")
    stale = {
        "e-services": any(row.is_stale for row in meeting.e_services),
        "skills": any(row.is_stale for row in meeting.skills.rows),
    }
    if stale.get(topic):
        text += " " + wording.stale_note()
    return text


BUILDERS = {"headline": _headline, "moves": _moves, "issues": _issues}


def slide(topic: str, meeting: Meeting, number: int, current: int) -> html.Section:
    body = BUILDERS[topic](meeting) if topic in BUILDERS else _chart(topic, meeting)
    return html.Section(
        [
            html.H1(wording.title(topic, meeting), className="slide-title"),
            html.Div(body, className="slide-body"),
            html.P(slide_source(topic, meeting), className="slide-source"),
        ],
        className="meeting-slide" + (" is-current" if number == current else ""),
        id=f"meeting-slide-{number}",
        **{
            "data-slide": str(number),
            "data-topic": topic,
            "aria-hidden": str(number != current).lower(),
        },
    )


def footer(meeting: Meeting, current: int, count: int, extra) -> html.Footer:
    period, data_date, values, language = wording.footer_parts(meeting)
    return html.Footer(
        [
            html.Span(period, id="meeting-footer-period"),
            html.Span(data_date, id="meeting-footer-date"),
            html.Span(values, id="meeting-footer-values"),
            html.Span(language, id="meeting-footer-language"),
            html.Span(extra, className="meeting-footer-actions"),
            html.Span(
                f"{current} / {count}",  # numbers only: the keyboard script rewrites it
                id="meeting-counter",
                **{"aria-live": "polite"},
            ),
        ],
        className="meeting-footer",
    )
