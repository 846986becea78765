"""Tables in the words of the programme reports (baseline, target, previously reported, current report),
upload outcomes and value revisions. Pure builders over DataFrames from dashboard.queries; all text that
people typed is passed as plain text."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components.review import status_badge
from i18n import N_, _, ngettext
from rules.formatting import format_value
from rules.problems import Problem

OUTCOME_COLOURS = {
    "imported": "success",
    "unchanged": "secondary",
    "dry-run": "info",
    "outdated": "warning",
    "rejected": "danger",
    "unreadable": "danger",
}
SOURCE_LABELS = {
    "upload": N_("upload"),
    "manual": N_("entered or corrected on the page"),
    "demo": N_("demo data"),
}


def problem_counts(errors: int, warnings: int) -> str:
    """ "1 error, 2 warnings" (each in the plural form its language needs)."""
    error_text = ngettext("{n} error", "{n} errors", errors).format(n=errors)
    warning_text = ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
    return _("{errors}, {warnings}").format(errors=error_text, warnings=warning_text)


def _cell(value, row, *, missing: str = "–") -> str:
    text = format_value(value, row.value_kind)
    return text or missing


def indicator_table(
    report: pd.DataFrame,
    period_label: str,
    correct_type: str | None,
    history_href: str | None = None,
    enter_type: str | None = None,
) -> html.Div:
    """One row per indicator. ``correct_type`` (a pattern-matching id type) adds a "Correct" button on
    each reported value, ``enter_type`` an "Enter" button on each value not reported yet
    (``{"type": enter_type, "indicator": code}``); None shows the table read-only. ``history_href`` (a
    URL ending in "indicator=") links each indicator to the history of its values."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("Indicator")),
                html.Th(_("Unit"), className="d-none d-md-table-cell"),
                html.Th(_("Baseline"), className="text-end"),
                html.Th(_("Target"), className="text-end"),
                html.Th(_("Previously reported"), className="text-end"),
                html.Th(
                    _("Current report ({period})").format(period=period_label), className="text-end"
                ),
                html.Th(_("Source"), className="d-none d-md-table-cell"),
                html.Th("", **{"aria-label": _("Actions")}) if correct_type or enter_type else None,
            ]
        )
    )
    rows = []
    for row in report.itertuples():
        if not row.reported:
            current = html.Span(_("not reported yet"), className="text-muted fst-italic")
        elif row.current is None or math.isnan(row.current):
            current = html.Span(_("no value (n/a)"), className="text-muted")
        else:
            current = html.Strong(format_value(row.current, row.value_kind))
        status = getattr(row, "review_status", "approved")
        if row.reported and status != "approved":
            # The partner's latest value, not yet what the committee sees.
            approved = getattr(row, "approved_value", None)
            title = _("approved value: {value}").format(
                value=format_value(approved, row.value_kind, missing=_("none yet"))
            )
            current = html.Span(
                [current, html.Span(status_badge(status), title=title)],
                className="value-pending",
            )
        source = ""
        if row.reported:
            source = _(SOURCE_LABELS.get(row.source_kind, row.source_kind))
            if (
                row.source_kind == "upload"
                and row.upload_id is not None
                and not pd.isna(row.upload_id)
            ):
                source = _("upload #{id}").format(id=int(row.upload_id))
                if isinstance(row.source_cell, str) and row.source_cell:
                    source += f" · {row.source_cell}"
        action = None
        if correct_type or enter_type:
            button = None
            if row.reported and correct_type:
                button = dbc.Button(
                    _("Correct"),
                    id={"type": correct_type, "observation": int(row.observation_id)},
                    size="sm",
                    color="outline-primary",
                    n_clicks=0,
                )
            elif not row.reported and enter_type:
                button = dbc.Button(
                    _("Enter"),
                    id={"type": enter_type, "indicator": row.indicator_code},
                    size="sm",
                    color="outline-secondary",
                    n_clicks=0,
                    title=_("Enter a value received outside a workbook, with where it comes from"),
                )
            action = html.Td(button)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(row.indicator_code, className="indicator-code"),
                            dcc.Link(
                                _("history"),
                                href=history_href + row.indicator_code,
                                className="small ms-2 d-print-none",
                                title=_("Every change of this indicator's values"),
                            )
                            if history_href
                            else None,
                            html.Br(),
                            html.Small(row.indicator_name, className="text-muted"),
                        ]
                    ),
                    html.Td(row.unit, className="d-none d-md-table-cell"),
                    html.Td(_cell(row.baseline, row), className="text-end"),
                    html.Td(
                        _cell(row.target, row),
                        className="text-end text-nowrap",
                        title=_("demo data") if row.target_is_demo else None,
                    ),
                    html.Td(_cell(row.previously_reported, row), className="text-end"),
                    html.Td(current, className="text-end"),
                    html.Td(source, className="small d-none d-md-table-cell"),
                    action,
                ],
                id={"type": "partner-indicator-row", "indicator": row.indicator_code},
            )
        )
    return dbc.Table(
        [header, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="indicator-table align-middle",
    )


OUTCOME_LABELS = {
    "imported": N_("imported"),
    "unchanged": N_("unchanged"),
    "dry-run": N_("dry run"),
    "outdated": N_("preview out of date"),
    "rejected": N_("rejected"),
    "unreadable": N_("unreadable"),
}


# A background upload's state while it has no outcome of its own yet (or lost it: failed).
JOB_LABELS = {
    "queued": N_("queued"),
    "running": N_("running · {percent} %"),
    "failed": N_("background job failed"),
}


def job_or_outcome_badge(row) -> dbc.Badge:
    """The outcome of an upload, or, while a background worker has it, its state and progress."""
    state = getattr(row, "job_state", None)
    if state in JOB_LABELS:
        return dbc.Badge(
            _(JOB_LABELS[state]).format(percent=int(row.job_progress or 0)),
            color="danger" if state == "failed" else "info",
            className=f"outcome job-{state}",
        )
    return outcome_badge(row.outcome)


def outcome_badge(outcome: str) -> dbc.Badge:
    return dbc.Badge(
        _(OUTCOME_LABELS.get(outcome, outcome)),
        color=OUTCOME_COLOURS.get(outcome, "secondary"),
        className=f"outcome outcome-{outcome}",
    )


def upload_counts(row) -> str:
    return ngettext(
        "{read} row: {new} new, {updated} updated, {unchanged} unchanged, {invalid} invalid",
        "{read} rows: {new} new, {updated} updated, {unchanged} unchanged, {invalid} invalid",
        row.rows_read,
    ).format(
        read=row.rows_read,
        new=row.rows_inserted,
        updated=row.rows_updated,
        unchanged=row.rows_unchanged,
        invalid=row.rows_invalid,
    )


def uploads_table(
    uploads: pd.DataFrame,
    download_type: str | None,
    show_partner: bool = True,
    annotated_type: str | None = None,
):
    """Upload history: when, who, partner, file, outcome, counts, problems, and download buttons with
    pattern-matching ids ``{"type": download_type, "upload": id}`` for the file as it was sent and
    ``{"type": annotated_type, "upload": id}`` for it annotated with its problems."""
    if uploads.empty:
        return html.P(_("No uploads yet."), className="text-muted")
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("#")),
                html.Th(_("When (UTC)")),
                html.Th(_("Who"), className="d-none d-md-table-cell"),
                html.Th(_("Partner")) if show_partner else None,
                html.Th(_("File")),
                html.Th(_("Outcome")),
                html.Th(_("Rows"), className="d-none d-lg-table-cell"),
                html.Th(_("Problems"), className="text-end"),
            ]
        )
    )
    rows = []
    for row in uploads.itertuples():
        file_cell = (
            html.Button(
                row.filename,
                id={"type": download_type, "upload": int(row.upload_id)},
                className="btn btn-link btn-sm p-0 text-start",
                title=_("Download the file as it was sent"),
                n_clicks=0,
            )
            if download_type
            else row.filename
        )
        problems = (
            [
                stored_problems(row.issues, row.error_count),
                html.Button(
                    _("annotated workbook"),
                    id={"type": annotated_type, "upload": int(row.upload_id)},
                    className="btn btn-link btn-sm p-0 ms-1 align-baseline",
                    title=_("The file with each problem marked in its cell"),
                    n_clicks=0,
                )
                if annotated_type and row.outcome != "unreadable"
                else None,
            ]
            if row.issue_count
            else _("none")
        )
        rows.append(
            html.Tr(
                [
                    html.Td(str(row.upload_id)),
                    html.Td(f"{row.uploaded_at:%Y-%m-%d %H:%M}", className="text-nowrap"),
                    html.Td(row.uploaded_by, className="d-none d-md-table-cell"),
                    html.Td(row.partner_code or "–") if show_partner else None,
                    html.Td(file_cell, className="text-break"),
                    html.Td(job_or_outcome_badge(row)),
                    html.Td(upload_counts(row), className="small d-none d-lg-table-cell"),
                    html.Td(problems, className="text-end small"),
                ]
            )
        )
    return dbc.Table(
        [header, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="uploads-table",
    )


STORED_PROBLEMS_SHOWN = 100


def stored_problems(issues: list[dict], errors: int) -> html.Details:
    """An upload's stored problems behind their counts ("5 errors, 1 warning"): opened, each with its
    cell, what was typed and the sentence (rendered now, in the reader's language)."""
    problems = [Problem.from_dict(item) for item in issues]
    ordered = sorted(problems, key=lambda problem: not problem.is_error)
    rows = [
        html.Tr(
            [
                html.Td(
                    _("error") if problem.is_error else _("warning"),
                    className="text-danger" if problem.is_error else "text-warning-emphasis",
                ),
                html.Td(problem.location or "–", className="problem-cell text-nowrap"),
                html.Td(problem.value, className="text-break"),
                html.Td(problem.message, className="text-break"),
            ],
            className="stored-problem",
        )
        for problem in ordered[:STORED_PROBLEMS_SHOWN]
    ]
    more = len(problems) - STORED_PROBLEMS_SHOWN
    return html.Details(
        [
            html.Summary(problem_counts(errors, len(problems) - errors)),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Severity")),
                                html.Th(_("Cell")),
                                html.Th(_("You wrote")),
                                html.Th(_("What to do")),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                className="stored-problems-table text-start mt-1 mb-0",
            ),
            html.P(
                _("… and {more} more in the annotated workbook.").format(more=more),
                className="small text-muted mb-0",
            )
            if more > 0
            else None,
        ],
        className="stored-problems",
    )


def revisions_table(revisions: pd.DataFrame) -> html.Div:
    """Value changes: which value, from what to what, who, when, why, from which upload."""
    if revisions.empty:
        return html.P(
            _("No value has been changed yet: corrections and re-imports appear here."),
            className="text-muted",
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(_("When (UTC)")),
                html.Th(_("Partner")),
                html.Th(_("Indicator")),
                html.Th(_("Period")),
                html.Th(_("From"), className="text-end"),
                html.Th(_("To"), className="text-end"),
                html.Th(_("Changed by")),
                html.Th(_("Through")),
                html.Th(_("Reason")),
            ]
        )
    )
    rows = []
    for row in revisions.itertuples():
        if row.upload_id is not None and not pd.isna(row.upload_id):
            through = _("upload #{id} ({file})").format(
                id=int(row.upload_id), file=row.upload_filename
            )
        else:
            through = _("entered on the page") if row.entered else _("correction on the page")
        previous = (
            _("not reported")
            if row.entered
            else format_value(row.previous_value, row.value_kind) or _("n/a")
        )
        rows.append(
            html.Tr(
                [
                    html.Td(f"{row.changed_at:%Y-%m-%d %H:%M}", className="text-nowrap"),
                    html.Td(row.partner_code),
                    html.Td(row.indicator_code, title=row.indicator_name),
                    html.Td(row.period_label),
                    html.Td(previous, className="text-end"),
                    html.Td(
                        format_value(row.new_value, row.value_kind) or _("n/a"),
                        className="text-end",
                    ),
                    html.Td(row.changed_by),
                    html.Td(through, className="small"),
                    html.Td(row.reason, className="small text-break"),
                ],
                className="revision-row",
            )
        )
    return dbc.Table(
        [header, html.Tbody(rows)],
        size="sm",
        hover=True,
        responsive=True,
        className="revisions-table",
    )
