"""The overview's cards, pure builders from the queries' DataFrames (no database access): headline
figures, the policy-change pipeline, progress to target, the status matrix and data freshness."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.charts import (
    chart_card,
    graph,
    pipeline_figure,
    progress_figure,
)
from dashboard.components.downloads import download_buttons
from dashboard.components.empty_states import (
    SETUP_PATH,
    missing_period_note,
    partner_link,
)
from dashboard.components.links import linked
from dashboard.components.stages import STAGE_LABELS, stage_label
from i18n import N_, _, ngettext
from rules.formatting import format_date

STATUS_COLOURS = {"on track": "success", "behind": "danger", "no data": "secondary"}
STATUS_LABELS = {"on track": N_("on track"), "behind": N_("behind"), "no data": N_("no data")}


def demo_banner(pipeline: pd.DataFrame, progress: pd.DataFrame):
    """Headline figures carry no badge of their own: say once, on top, when they rest on demo data."""
    if not (pipeline["demo_changes"].sum() or progress["demo_values"].sum()):
        return None
    return dbc.Alert(
        [
            dbc.Badge(_("demo data"), color="warning", text_color="dark", className="me-2"),
            *linked(
                _(
                    "Policy-change histories, targets and indicator values on this page are "
                    "invented for illustration (loaded by {command}); partners, instruments and "
                    "Eurostat figures are real."
                ),
                command=html.Code("sharing demo"),
            ),
        ],
        color="light",
        className="py-2 small",
        id="overview-demo-banner",
    )


def as_of(period) -> html.P:
    if period is None:
        return html.P(_("No reporting period has ended yet."), className="text-muted")
    return html.P(
        _(
            "Figures up to the last ended reporting period {period} ({start} – {end}; reports due "
            "{due})."
        ).format(
            period=period.label, start=format_date(period.start_date),
            end=format_date(period.end_date), due=format_date(period.due_date),
        ),
        className="text-muted as-of",
    )  # fmt: skip


def _headline(title: str, figure: str, detail, card_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(title, className="headline-title"),
                    html.Div(figure, className="headline-figure"),
                    html.Div(detail, className="headline-detail"),
                ]
            ),
            className="headline-card h-100",
            id=card_id,
        ),
        xs=12,
        sm=6,
        xl=3,
        className="mb-3",
    )


def headline_cards(pipeline, instruments, progress, freshness, period) -> dbc.Row:
    by_stage = pipeline.groupby("stage")["changes"].sum()
    stage_parts = [
        _("{stage}: {count}").format(stage=stage_label(stage), count=int(by_stage[stage]))
        for stage in STAGE_LABELS
        if stage in by_stage.index
    ]
    improved = int((instruments["validated_changes"] > 0).sum())
    status = progress["status"].value_counts()
    if freshness is not None and period is not None:
        up_to_date = int((freshness["values_in_period"] > 0).sum())
        fresh_figure = f"{up_to_date} / {len(freshness)}"
        fresh_detail = _("partners have reported {period}").format(period=period.label)
    else:
        fresh_figure, fresh_detail = "–", _("no reporting period has ended yet")
    return dbc.Row(
        [
            _headline(
                _("Policy changes"),
                str(int(by_stage.sum())),
                " · ".join(stage_parts) or _("none recorded yet"),
                "overview-card-changes",
            ),
            _headline(
                _("Instruments improved"),
                f"{improved} / {len(instruments)}",
                _("with a validated improvement"),
                "overview-card-instruments",
            ),
            # Counts partner x indicator targets, not indicators: the title says so (issue 12).
            _headline(
                _("Targets on track"),
                f"{int(status.get('on track', 0))} / {len(progress)}",
                _("{behind} behind · {no_data} without data (partner × indicator targets)").format(
                    behind=int(status.get("behind", 0)), no_data=int(status.get("no data", 0))
                ),
                "overview-card-indicators",
            ),
            _headline(_("Up to date"), fresh_figure, fresh_detail, "overview-card-freshness"),
        ]
    )


def pipeline_card(pipeline: pd.DataFrame) -> dbc.Card:
    if pipeline.empty:
        body = _empty_chart(
            _(
                "No policy changes recorded yet: a partner records one, stage by stage, on the "
                "{link}."
            ),
            _("Policy instruments page"),
            "/instruments",
        )
    else:
        body = graph("overview-pipeline", pipeline_figure(pipeline))
    export = pipeline.rename(columns={"changes": "policy_changes"}).drop(columns="partner_label")
    return chart_card(
        _("Policy-change pipeline"),
        body,
        subtitle=_("Policy changes by their current stage, per partner"),
        source=_("Source: stage events recorded by the partners (policy instruments page)."),
        downloads=None
        if pipeline.empty
        else download_buttons("overview-pipeline", export, "policy-change-pipeline"),
        demo=bool(pipeline["demo_changes"].sum()) if not pipeline.empty else False,
    )


def _empty_chart(sentence: str, link_text: str, href: str) -> dbc.Alert:
    """An empty chart's explanation: a whole sentence whose ``{link}`` leads where to act."""
    return dbc.Alert(
        linked(sentence, link=html.A(link_text, href=href)), color="light", className="empty-chart"
    )


def progress_card(
    progress: pd.DataFrame, indicator: str | None, period=None, period_labels=None
) -> dbc.Card:
    """Progress to target of ``indicator`` per partner, as of ``period`` (the last ended one): a value
    older than that period is marked with its own (``period_labels``: number -> label)."""
    rows = progress[progress["indicator_code"] == indicator]
    if rows.empty:
        title = _("Progress to target")
        body = _empty_chart(
            _("No targets set yet: the monitoring officers set them on the {link}."),
            _("Setup page"),
            SETUP_PATH,
        )
    else:
        first = rows.iloc[0]
        title = _("Progress to target: {indicator}").format(indicator=first.indicator_name)
        body = graph(
            "overview-progress",
            progress_figure(
                rows,
                first.indicator_code,
                first.unit,
                as_of=period.number if period is not None else None,
                period_labels=period_labels,
            ),
        )
    export = rows[
        ["partner_code", "indicator_code", "unit", "baseline", "target", "current",
         "progress_pct", "expected_pct", "status"]
    ]  # fmt: skip
    return chart_card(
        title,
        body,
        subtitle=_(
            "How far each partner has come from its baseline to its final target; the black tick is "
            "where a straight line (or the milestone) says it should be by now. A hatched bar is an "
            "older value: its period is named."
        ),
        source=_(
            "Source: values and targets reported by the partners, up to the last ended period."
        ),
        downloads=None
        if rows.empty
        else download_buttons("overview-progress", export, "progress-to-target"),
        demo=bool(rows["demo_values"].sum() or rows["is_demo"].any()),
    )


def indicator_href(code: str, category: str, partners: Sequence[str] | None = None) -> str:
    """The indicator page that charts ``code`` over the periods, showing ``partners`` (None: all), so
    drilling down from the overview keeps its partner filter."""
    pairs = {"indicator": code}
    if partners is not None:
        pairs["partner"] = ",".join(partners)
    query = urlencode(pairs, safe=",")
    if category == "e-service uptake" or code == "RCR11":
        return f"/e-services?{query}"
    if category == "digital skills":
        return f"/digital-skills?{query}"
    return f"/policy-progress?{query}"


def status_matrix(
    progress: pd.DataFrame, chosen: list[str], labels: dict, partners: Sequence[str] | None = None
) -> dbc.Card:
    """Each indicator's status per partner; an indicator links to its chart over the periods, for the
    ``partners`` of the overview's filter (None: all)."""
    if progress.empty:
        content = _empty_chart(
            _("No targets set yet: the monitoring officers set them on the {link}."),
            _("Setup page"),
            SETUP_PATH,
        )
    else:
        header = html.Tr(
            [html.Th(_("Indicator"))]
            + [html.Th(labels[code], className="text-center") for code in chosen]
        )
        statuses = dict(
            zip(
                zip(progress["indicator_code"], progress["partner_code"], strict=True),
                progress["status"],
                strict=True,
            )
        )
        body = []
        for code, name, category in progress.drop_duplicates("indicator_code")[
            ["indicator_code", "indicator_name", "category"]
        ].itertuples(index=False, name=None):
            row = [
                html.Td(
                    [
                        html.A(
                            code,
                            href=indicator_href(code, category, partners),
                            className="fw-semibold",
                        ),
                        html.Br(),
                        html.Small(name, className="text-muted"),
                    ]
                )
            ]
            for partner in chosen:
                status = statuses.get((code, partner))
                if status is not None:
                    row.append(
                        html.Td(
                            dbc.Badge(_(STATUS_LABELS[status]), color=STATUS_COLOURS[status]),
                            className="text-center align-middle",
                        )
                    )
                else:
                    row.append(
                        html.Td(
                            "–",
                            className="text-center text-muted align-middle",
                            title=_("no target"),
                        )
                    )
            body.append(html.Tr(row))
        content = dbc.Table(
            [html.Thead(header), html.Tbody(body)],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-0 status-matrix",
            id="overview-status-matrix",
        )
    return chart_card(
        _("Indicators at a glance"),
        content,
        subtitle=_(
            "On track: at least 90 % of the progress expected by now; – : no target for this partner."
        ),
        source=_(
            "Source: values and targets reported by the partners, up to the last ended period."
        ),
        demo=bool(progress["demo_values"].sum()) if not progress.empty else False,
    )


def freshness_card(freshness: pd.DataFrame | None, period) -> dbc.Card:
    if freshness is None or period is None:
        return chart_card(
            _("Data freshness"),
            html.P(_("No reporting period has ended yet."), className="text-muted"),
            source=_(
                "Source: reporting periods (programme rules: reports due 3 months after a period)."
            ),
        )
    rows = []
    for row in freshness.itertuples():
        reported = row.values_in_period > 0
        status = (
            dbc.Badge(_("reported"), color="success")
            if reported
            else html.Span(
                [
                    dbc.Badge(_("missing"), color="danger", className="me-1"),
                    html.Small(
                        missing_period_note(row.partner_name, row.partner_code, period.label)
                    ),
                ]
            )
        )
        rows.append(
            html.Tr(
                [
                    html.Td(html.A(row.partner_name, href=partner_link(row.partner_code))),
                    html.Td(row.last_reported_period or _("never"), className="text-center"),
                    html.Td(status),
                ],
                className="" if reported else "table-warning",
            )
        )
    days_left = (period.due_date - date.today()).days
    due = (
        ngettext("due in {n} day", "due in {n} days", days_left).format(n=days_left)
        if days_left >= 0
        else ngettext("overdue by {n} day", "overdue by {n} days", -days_left).format(n=-days_left)
    )
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(_("Partner")),
                        html.Th(_("Last reported"), className="text-center"),
                        html.Th(period.label),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        size="sm",
        responsive=True,
        className="mb-0",
        id="overview-freshness",
    )
    return chart_card(
        _("Data freshness"),
        table,
        subtitle=_("{period} ended {end}; reports are due {due_date} ({due}).").format(
            period=period.label,
            end=format_date(period.end_date),
            due_date=format_date(period.due_date),
            due=due,
        ),  # fmt: skip
        source=_("Source: values stored per partner and period (uploads, corrections, demo data)."),
    )
