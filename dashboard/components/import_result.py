"""What a dry run or an import found: the outcome, the row counts, the problems with their cell references
and the values that would change (old -> new). Pure builders over importers.workbook_import.ImportResult."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.report import problem_counts
from dashboard.components.stages import stage_badge
from i18n import N_, _
from rules.formatting import format_date, format_number, format_value
from rules.units import unit_label

STATUS_TEXT = {
    "dry-run": (
        "success",
        N_("The workbook is fine. Check the changes below, then import them."),
    ),
    "imported": (
        "success",
        N_("Imported. The new values are on the partner's page and the charts."),
    ),
    "unchanged": ("secondary", N_("Nothing to import: every value is already in the database.")),
    "rejected": (
        "danger",
        N_(
            "The workbook has problems, so nothing was imported. Fix the cells listed below (the "
            "annotated workbook marks them in red), then drop the corrected file again."
        ),
    ),
    "unreadable": ("danger", N_("The file could not be read as a workbook; see why below.")),
    "outdated": (
        "warning",
        N_(
            "Nothing was imported: the stored values changed after your preview (someone imported or "
            "corrected them meanwhile). Below is what the file would do now; check it and import again."
        ),
    ),
    "busy": (
        "warning",
        N_(
            "Nothing was imported: another import for the same partner was being saved for too long. "
            "Try again in a minute."
        ),
    ),
}
CHANGES_SHOWN = 200
ISSUES_SHOWN = 500


def result_summary(result, filename: str, nothing_new: bool = False) -> dbc.Alert:
    colour, text = STATUS_TEXT.get(result.status, ("info", result.status))
    text = _(text)
    if nothing_new:
        colour, text = (
            "secondary",
            _("The workbook is fine, and every value in it is already imported."),
        )
    if result.status == "imported" and getattr(result, "review", None) == "submitted":
        text = _(
            "Imported and submitted for review: a monitoring officer approves the values before the "
            "steering committee sees them. Your partner's page shows them marked “awaiting approval”."
        )
    return dbc.Alert(
        [html.Strong(filename), html.Br(), text],
        color=colour,
        id="upload-status",
        className=f"upload-status-{result.status}",
    )


def counts_row(rows) -> dbc.Row:
    """Five small figures: rows read, new, updated, unchanged, invalid."""
    figures = [
        (_("rows read"), rows.read, "dark"),
        (_("new"), rows.inserted, "success"),
        (_("updated"), rows.updated, "primary"),
        (_("unchanged"), rows.unchanged, "secondary"),
        (_("invalid"), rows.invalid, "danger" if rows.invalid else "secondary"),
    ]
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [
                        html.Div(format_number(count), className=f"h3 mb-0 text-{c}"),
                        html.Div(label, className="small text-muted"),
                    ],
                    className="count-box",
                ),
                xs=4,
                md=True,
            )
            for label, count, c in figures
        ],
        className="g-2 mb-3 text-center",
        id="upload-counts",
    )


def issues_table(issues) -> html.Div:
    """Every problem: severity, where (Sheet!D14), what was typed, and what to do."""
    if not issues:
        return html.P(_("No problems found."), className="text-success", id="upload-no-issues")
    ordered = sorted(issues, key=lambda i: (not i.is_error, i.sheet, _cell_order(i.cell)))
    rows = [
        html.Tr(
            [
                html.Td(
                    dbc.Badge(
                        _("error") if issue.is_error else _("warning"),
                        color="danger" if issue.is_error else "warning",
                        text_color=None if issue.is_error else "dark",
                    )
                ),
                html.Td(issue.location or "–", className="problem-cell"),
                html.Td(issue.value, className="text-break"),
                html.Td(issue.message),
            ],
            className="upload-issue",
        )
        for issue in ordered[:ISSUES_SHOWN]
    ]
    more = len(ordered) - ISSUES_SHOWN
    errors = sum(1 for i in issues if i.is_error)
    return html.Div(
        [
            html.H3(
                _("Problems: {counts}").format(counts=problem_counts(errors, len(issues) - errors)),
                className="h6",
            ),
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
                responsive=True,
                className="issues-table",
                id="upload-issues",
            ),
            html.P(
                _("… and {more} more in the annotated workbook.").format(more=more),
                className="small text-muted",
            )
            if more > 0
            else None,
        ]
    )


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits) if digits else 0, letters)


def changes_table(changes, title: str) -> html.Div:
    """The values an import writes (or would write): indicator, period, cell, old -> new, each value
    written with its unit (84.3 % -> 87.5 %; a count's unit in its own column)."""
    if not changes:
        return html.Div()
    rows = [
        html.Tr(
            [
                html.Td(change.indicator, className="indicator-code"),
                html.Td(change.period),
                html.Td(change.cell, className="problem-cell"),
                html.Td(
                    _("new") if change.is_new else _shown_value(change, change.old_value),
                    className="text-end text-muted" if change.is_new else "text-end",
                ),
                html.Td("→", className="text-center"),
                html.Td(html.Strong(_shown_value(change, change.new_value)), className="text-end"),
                html.Td(
                    "" if change.value_kind == "percentage" else unit_label(change.unit),
                    className="small text-muted",
                ),
            ],
            className="upload-change",
        )
        for change in changes[:CHANGES_SHOWN]
    ]
    more = len(changes) - CHANGES_SHOWN
    return html.Div(
        [
            html.H3(title, className="h6"),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Indicator")),
                                html.Th(_("Period")),
                                html.Th(_("Cell")),
                                html.Th(_("Old value"), className="text-end"),
                                html.Th(""),
                                html.Th(_("New value"), className="text-end"),
                                html.Th(_("Unit")),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                responsive=True,
                hover=True,
                className="changes-table",
                id="upload-changes",
            ),
            html.P(_("… and {more} more.").format(more=more), className="small text-muted")
            if more > 0
            else None,
        ]
    )


def _shown_value(change, value) -> str:
    return format_value(value, change.value_kind) or _("n/a")


def policy_changes_table(changes, title: str) -> html.Div:
    """The Policy changes sheet's rows an import adds (or would add): a stage event with its date and
    note, or an evidence link, each with its cell."""
    if not changes:
        return html.Div()
    rows = []
    for change in changes:
        if change.stage is not None:
            what = [
                stage_badge(change.stage),
                " ",
                _("since {day}").format(day=format_date(change.occurred_on)),
            ]
            detail = change.note
        else:
            what = _("evidence link")
            detail = html.A(change.url, href=change.url, target="_blank", rel="noopener noreferrer")
        rows.append(
            html.Tr(
                [
                    html.Td(change.change, className="change-code"),
                    html.Td(change.cell, className="problem-cell"),
                    html.Td(what),
                    html.Td(detail, className="small text-break"),
                ],
                className="upload-policy-change",
            )
        )
    return html.Div(
        [
            html.H3(title, className="h6"),
            dbc.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Policy change")),
                                html.Th(_("Cell")),
                                html.Th(_("Adds")),
                                html.Th(_("Note or link")),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                size="sm",
                responsive=True,
                className="policy-changes-table",
                id="upload-policy-changes",
            ),
        ]
    )
