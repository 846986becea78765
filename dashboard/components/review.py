"""Pure builders for the review: a submission waiting for an officer with its values and decision
buttons, the decisions list, the period-lock grid, and the banners a partner sees (returned, waiting)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.filters import MANY_BODIES
from dashboard.components.pager import paged_table
from i18n import N_, _, ngettext
from rules.formatting import format_datetime, format_value

# Up to this many values a submission's table shows them all; past it, a page of them at a time.
VALUES_IN_FULL = 20

STATUS_LABELS = {
    "submitted": N_("awaiting approval"),
    "approved": N_("approved"),
    "returned": N_("returned"),
}
STATUS_COLOURS = {"submitted": "warning", "approved": "success", "returned": "danger"}


def status_badge(status: str) -> dbc.Badge:
    return dbc.Badge(
        _(STATUS_LABELS.get(status, status)),
        color=STATUS_COLOURS.get(status, "secondary"),
        className="review-badge ms-1",
    )


def source_label(row) -> str:
    if row.upload_id is not None:
        return _("upload #{id} ({file})").format(id=row.upload_id, file=row.filename or "-")
    return _("a correction on the partner page")


def submission_card(row, values: pd.DataFrame) -> dbc.Card:
    """One submission waiting for review: where from, who, when, the values (approved -> submitted)
    and the decision: approve, or return with a comment (required). ``values`` holds them all for a
    small submission, the first page of them for one over VALUES_IN_FULL."""
    key = {"submission": row.id, "values": int(row.pending_values)}
    count = ngettext("{n} value", "{n} values", int(row.pending_values)).format(
        n=int(row.pending_values)
    )
    header = html.Div(
        [
            html.Strong(f"{row.partner_code} · {row.partner_name}"),
            " · ",
            source_label(row),
            " · ",
            _("sent by {who} on {when}").format(
                who=row.submitted_by, when=format_datetime(row.submitted_at)
            ),
            " · ",
            count,
        ]
    )
    # A large submission's values go to a table paged on the server: only its first page is read.
    small = int(row.pending_values) <= VALUES_IN_FULL
    table_rows = [
        html.Tr(
            [
                html.Td(value.indicator_code, title=value.indicator_name),
                html.Td(value.period_label),
                html.Td(
                    format_value(value.approved_value, value.value_kind, value.unit)
                    if value.has_approved
                    else html.Span(_("none yet"), className="text-muted"),
                    className="text-end",
                ),
                html.Td("→", className="text-center text-muted"),
                html.Td(
                    format_value(value.value, value.value_kind, value.unit, missing=_("no value")),
                    className="text-end fw-semibold",
                ),
                html.Td(value.source_cell or "", className="text-muted small"),
            ]
        )
        for value in (values.itertuples(index=False) if small else ())
    ]
    table = (
        _paged_values(row.id, values, int(row.pending_values))
        if not small
        else dbc.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("Indicator")),
                            html.Th(_("Period")),
                            html.Th(_("Approved now"), className="text-end"),
                            html.Th(""),
                            html.Th(_("Submitted"), className="text-end"),
                            html.Th(_("Cell")),
                        ]
                    )
                ),
                html.Tbody(table_rows),
            ],
            size="sm",
            hover=True,
            responsive=True,
            className="mb-2",
        )
    )
    return dbc.Card(
        [
            dbc.CardHeader(header),
            dbc.CardBody(
                [
                    table
                    if len(values)
                    else html.P(
                        _("A later submission replaced every value of this one."),
                        className="text-muted",
                    ),
                    dbc.Textarea(
                        id={"type": "review-comment", **key},
                        placeholder=_(
                            "Comment for the partner (required to return; optional to approve)"
                        ),
                        rows=2,
                        maxLength=5000,
                        className="mb-2",
                    ),
                    dbc.Button(
                        _("Approve"),
                        id={"type": "review-approve", **key},
                        color="success",
                        className="me-2",
                        n_clicks=0,
                    ),
                    dbc.Button(
                        _("Return to the partner"),
                        id={"type": "review-return", **key},
                        color="outline-danger",
                        n_clicks=0,
                    ),
                ]
            ),
        ],
        className="mb-3 review-submission",
        id=f"review-submission-{row.id}",
    )


def value_rows(values: pd.DataFrame) -> list[dict]:
    """A page of a large submission's values as the paged table's rows, formatted for reading."""
    return [
        {
            "indicator": f"{value.indicator_code} — {value.indicator_name}",
            "period": value.period_label,
            "approved": format_value(value.approved_value, value.value_kind, value.unit)
            if value.has_approved
            else _("none yet"),
            "submitted": format_value(
                value.value, value.value_kind, value.unit, missing=_("no value")
            ),
            "cell": value.source_cell or "",
        }
        for value in values.itertuples(index=False)
    ]


def value_pages(total: int) -> int:
    return max(1, -(-total // VALUES_IN_FULL))


def _paged_values(submission_id: int, first_page: pd.DataFrame, total: int) -> html.Div:
    """A large submission's values (a region body's workbook holds 150 and more), VALUES_IN_FULL at a
    time: the server reads, sorts and searches them (pages/review.py), so only the page shown is sent."""
    key = {"submission": submission_id}
    columns = [
        {"name": _("Indicator"), "id": "indicator"},
        {"name": _("Period"), "id": "period"},
        {"name": _("Approved now"), "id": "approved"},
        {"name": _("Submitted"), "id": "submitted"},
        {"name": _("Cell"), "id": "cell"},
    ]
    # The input inside its label names it for screen readers (dbc.Input takes no aria-label).
    search = html.Label(
        [
            html.Span(_("Find among the submission's values"), className="visually-hidden"),
            dbc.Input(
                id={"type": "review-values-search", **key},
                type="search",
                debounce=True,
                maxLength=100,
                placeholder=_("Find an indicator, a period or a cell"),
                className="review-values-search",
            ),
        ],
        className="d-block mb-2",
    )
    table = paged_table(
        {"type": "review-values", **key}, columns, value_rows(first_page), VALUES_IN_FULL,
        style_table={"marginBottom": "0.5rem"},
        page_action="custom", page_current=0, page_count=value_pages(total),
        sort_action="custom", sort_mode="single", sort_by=[],
    )  # fmt: skip
    return html.Div([search, table])


def decisions_table(rows) -> html.Div:
    if not rows:
        return html.P(_("No decisions yet."), className="text-muted")
    body = [
        html.Tr(
            [
                html.Td(format_datetime(row.decided_at) if row.decided_at else ""),
                html.Td(row.partner_code),
                html.Td(source_label(row)),
                html.Td(status_badge(row.status)),
                html.Td(row.decided_by or ""),
                html.Td(row.decision_comment or "", className="text-break"),
            ]
        )
        for row in rows
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("When")),
                html.Th(_("Partner")),
                html.Th(_("What")),
                html.Th(_("Decision")),
                html.Th(_("By")),
                html.Th(_("Comment")),
            ]
        )
    )
    return dbc.Table([head, html.Tbody(body)], size="sm", responsive=True, id="review-decisions")


def locks_grid(partners: list[tuple[str, str]], periods: list[str], locks) -> dbc.Table:
    """Partners down, periods across; a padlock where the period is locked for the partner (by a lock
    of that partner or of every partner), with who locked it and why as the cell's tooltip."""
    by_cell = {}
    for lock in locks:
        codes = (
            [code for code, _name in partners] if lock.partner_code is None else [lock.partner_code]
        )
        for code in codes:
            by_cell.setdefault((code, lock.period_label), lock)

    def cell(code: str, period: str) -> html.Td:
        return lock_cell(by_cell.get((code, period)))

    def lock_cell(lock) -> html.Td:
        if lock is None:
            return html.Td("", className="lock-cell")
        tip = _("Locked by {who} on {when}").format(
            who=lock.locked_by, when=format_datetime(lock.locked_at)
        ) + (f": {lock.reason}" if lock.reason else "")
        return html.Td(
            html.Span("🔒", role="img", **{"aria-label": _("locked")}),
            title=tip,
            className="lock-cell text-center",
        )

    head = html.Thead(html.Tr([html.Th(_("Partner")), *[html.Th(p) for p in periods]]))
    if len(partners) <= MANY_BODIES:
        rows = [
            html.Tr([html.Th(name), *[cell(code, p) for p in periods]]) for code, name in partners
        ]
        return dbc.Table([head, html.Tbody(rows)], size="sm", bordered=True, id="review-locks-grid")
    # Hundreds of bodies: one row for the locks of every partner, then only the bodies with a lock of
    # their own; the others are counted.
    everyone = {lock.period_label: lock for lock in locks if lock.partner_code is None}
    own = {lock.partner_code for lock in locks if lock.partner_code is not None}
    names = dict(partners)

    rows = [html.Tr([html.Th(_("Every partner")), *[lock_cell(everyone.get(p)) for p in periods]])]
    rows += [
        html.Tr([html.Th(names[code]), *[cell(code, p) for p in periods]])
        for code, _name in partners
        if code in own
    ]
    others = len(partners) - len(own & set(names))
    return html.Div(
        [
            dbc.Table([head, html.Tbody(rows)], size="sm", bordered=True, id="review-locks-grid"),
            html.P(
                ngettext(
                    "{n} other partner has no lock of its own.",
                    "{n} other partners have no lock of their own.",
                    others,
                ).format(n=others),
                className="text-muted small",
            ),
        ]
    )


def returned_banner(row, component_id: str) -> dbc.Alert | None:
    """What a partner reads when an officer returned its latest submission."""
    if row is None:
        return None
    return dbc.Alert(
        [
            html.Strong(
                _("Returned by {who} on {when}:").format(
                    who=row.decided_by or "-", when=format_datetime(row.decided_at)
                )
            ),  # fmt: skip
            " ",
            html.Q(row.decision_comment, className="returned-comment"),
            html.Br(),
            _("It concerns {what}. Correct the values and send the workbook again.").format(
                what=source_label(row)
            ),
        ],
        color="danger",
        id=component_id,
    )


def waiting_note(count: int, component_id: str) -> dbc.Alert | None:
    if not count:
        return None
    return dbc.Alert(
        ngettext(
            "{n} value awaits approval by a monitoring officer; the committee sees the approved "
            "values until then.",
            "{n} values await approval by a monitoring officer; the committee sees the approved "
            "values until then.",
            count,
        ).format(n=count),
        color="info",
        id=component_id,
    )
