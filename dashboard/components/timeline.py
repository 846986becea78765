"""How a policy change's history looks: the pipeline of stages reached and the dated stage events.

Pure builders: they take rows from dashboard.queries.instruments and return components. Everything a partner
typed (titles, notes, evidence titles) is passed as plain text, never as HTML or markdown.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.components.stages import stage_badge, stage_label
from i18n import _
from models import PROGRESS_STAGES, Stage


def stage_pipeline(current_stage: str) -> html.Ol:
    """The stages on the way to validation, those reached filled in; an abandoned change says so."""
    if current_stage == Stage.ABANDONED:
        return html.Ol(
            html.Li(stage_label("abandoned"), className="pipeline-step reached abandoned"),
            className="stage-pipeline",
            **{"aria-label": _("Stage: abandoned")},
        )
    reached = Stage(current_stage).rank
    steps = [
        html.Li(
            stage_label(stage.value),
            className="pipeline-step"
            + (" reached" if stage.rank <= reached else "")
            + (" current" if stage.rank == reached else ""),
        )
        for stage in PROGRESS_STAGES
    ]
    return html.Ol(
        steps,
        className="stage-pipeline",
        **{"aria-label": _("Stage: {stage}").format(stage=stage_label(current_stage))},
    )


def event_timeline(events: pd.DataFrame) -> html.Ol | html.P:
    """The dated stage events of one change, newest first (the question is usually "what happened last")."""
    if events.empty:
        return html.P(_("No stage events recorded yet."), className="text-muted small")
    items = [
        html.Li(
            [
                html.Div(
                    [
                        html.Time(str(row.occurred_on), className="timeline-date"),
                        " ",
                        stage_badge(row.stage),
                    ]
                ),
                html.Div(row.note, className="timeline-note") if row.note else None,
                html.Div(
                    _("recorded by {who}").format(who=row.recorded_by),
                    className="timeline-meta text-muted",
                ),
            ],
            className=f"timeline-item stage-{row.stage}",
        )
        for row in events.iloc[::-1].itertuples()
    ]
    return html.Ol(items, className="stage-timeline")


def evidence_list(evidence: pd.DataFrame, download_id_type: str) -> html.Ul | html.P:
    """Evidence items: links open in a new tab; stored documents are buttons with a pattern-matching id
    ``{"type": download_id_type, "sha256": ...}`` that the page answers with a download."""
    if evidence.empty:
        return html.P(_("No evidence yet."), className="text-muted small mb-0")
    items = []
    for row in evidence.itertuples():
        has_link = isinstance(row.url, str) and bool(row.url)
        has_file = isinstance(row.file_sha256, str) and bool(row.file_sha256)
        parts = [html.Span(_(row.kind), className="evidence-kind"), " "]
        if has_link:
            parts.append(
                html.A(row.title, href=row.url, target="_blank", rel="noopener noreferrer")
            )
        if has_file:
            parts.append(
                html.Button(
                    [html.Span(_("document") if has_link else row.title), " ", "⬇"],
                    id={"type": download_id_type, "sha256": row.file_sha256},
                    className="btn btn-link btn-sm p-0 ms-1 text-start align-baseline",
                    title=_("Download the document"),
                    n_clicks=0,
                )
            )
        items.append(html.Li(parts))
    return html.Ul(items, className="evidence-list")
