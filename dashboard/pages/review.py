"""Review (monitoring officers): approve or return what partner editors submitted, and lock the periods
whose reports are filed. The decisions are services.review's; this page shows and asks."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html

from dashboard.access import AccessDenied, current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.pager import page_bounds, page_number, pager
from dashboard.components.review import (
    VALUES_IN_FULL,
    decisions_table,
    locks_grid,
    submission_card,
    value_pages,
    value_rows,
)
from dashboard.database import DatabaseBusy, perform, read_session
from dashboard.queries.catalogue import reporting_periods, visible_partners
from dashboard.queries.review import (
    count_submission_values,
    period_locks,
    recent_decisions,
    submission_values,
    visible_submission,
    waiting_submissions,
)
from i18n import N_, _, ngettext, page_title
from services.review import (
    ReviewError,
    approve_submission,
    lock_period,
    return_submission,
    unlock_period,
)

# Submissions per page of the waiting list: a region body's submission holds 150 values and more.
WAITING_PAGE_SIZE = 5

dash.register_page(
    __name__, path="/review", name=N_("Review"), title=page_title("Review"), order=85
)

ALL_PARTNERS = "*"


def layout(**query):
    return html.Div(
        [
            html.H1(_("Review")),
            html.P(
                _(
                    "What partner editors import or correct waits here until you approve it; the "
                    "steering committee's views show approved values. Return a submission with a "
                    "comment to ask the partner for corrections."
                ),
                className="text-muted",
            ),
            html.Div(id="review-message"),
            html.H2(_("Waiting for review"), className="h4 mt-3"),
            html.Div(waiting_list(page_number(query)), id="review-waiting"),
            html.H2(_("Locked periods"), className="h4 mt-4"),
            html.P(
                _(
                    "Lock a period once its report is filed: its values then refuse every import "
                    "and correction until an officer unlocks it, with a reason."
                ),
                className="text-muted",
            ),
            html.Div(locks_view(), id="review-locks"),
            lock_form(),
            html.H2(_("Recent decisions"), className="h4 mt-4"),
            html.Div(decisions_view(), id="review-decisions-view"),
        ]
    )


def waiting_list(page: int = 1):
    """The submissions waiting for review, WAITING_PAGE_SIZE a page (the region's bodies may have
    hundreds waiting), each with its values; only the shown page's values are read."""
    actor = current_actor()
    with read_session() as session:
        codes = visible_partners(session, actor)["code"].tolist()
        waiting = waiting_submissions(session, codes)
        page, pages, first = page_bounds(page, len(waiting), WAITING_PAGE_SIZE)
        shown = waiting[first : first + WAITING_PAGE_SIZE]
        cards = [
            submission_card(row, submission_values(session, row.id, limit=VALUES_IN_FULL))
            for row in shown
        ]
    if not cards:
        return dbc.Alert(_("Nothing is waiting for review."), color="light", id="review-nothing")
    if pages == 1:
        return cards
    summary = _("Submissions {first}–{last} of {total} (page {page} of {pages})").format(
        first=first + 1, last=first + len(shown), total=len(waiting), page=page, pages=pages
    )
    nav = pager("/review", [], page, pages, summary, _("Pages of submissions"))
    return [nav, *cards, nav]


def locks_view():
    actor = current_actor()
    with read_session() as session:
        partners = visible_partners(session, actor)
        periods = reporting_periods(session)["label"].tolist()
        locks = period_locks(session)
    pairs = list(zip(partners["code"], partners["short_name"], strict=True))
    return locks_grid(pairs, periods, locks)


def decisions_view():
    actor = current_actor()
    with read_session() as session:
        codes = visible_partners(session, actor)["code"].tolist()
        return decisions_table(recent_decisions(session, codes))


def lock_form() -> dbc.Card:
    actor = current_actor()
    with read_session() as session:
        partners = visible_partners(session, actor)
        periods = reporting_periods(session)["label"].tolist()
    partner_options = [{"label": _("Every partner"), "value": ALL_PARTNERS}] + [
        {"label": f"{code} · {name}", "value": code}
        for code, name in zip(partners["code"], partners["short_name"], strict=True)
    ]
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Period"), html_for="review-lock-period"),
                            dcc.Dropdown(
                                id="review-lock-period",
                                options=[{"label": p, "value": p} for p in periods],
                                clearable=False,
                            ),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Partner"), html_for="review-lock-partner"),
                            dcc.Dropdown(
                                id="review-lock-partner",
                                options=partner_options,
                                value=ALL_PARTNERS,
                                clearable=False,
                            ),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Reason"), html_for="review-lock-reason"),
                            dbc.Input(id="review-lock-reason", maxLength=5000),
                        ],
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Button(_("Lock"), id="review-lock", color="secondary", n_clicks=0),
                            dbc.Button(
                                _("Unlock"),
                                id="review-unlock",
                                color="outline-secondary",
                                className="ms-2",
                                n_clicks=0,
                            ),
                        ],
                        md=3,
                        className="d-flex align-items-end",
                    ),
                ],
                className="g-2",
            )
        ),
        className="mt-2",
    )


@callback(
    Output("review-message", "children"),
    Output("review-waiting", "children"),
    Output("review-decisions-view", "children"),
    Input({"type": "review-approve", "submission": ALL, "values": ALL}, "n_clicks"),
    Input({"type": "review-return", "submission": ALL, "values": ALL}, "n_clicks"),
    State({"type": "review-comment", "submission": ALL, "values": ALL}, "value"),
    prevent_initial_call=True,
)
def decide(_approve_clicks, _return_clicks, comments):
    """Approve or return the submission whose button was clicked, with the values count the officer
    saw: if a newer upload changed it meanwhile, nothing is decided and the list is shown again."""
    trigger = ctx.triggered_id
    if not trigger or not any(item["value"] for item in ctx.triggered):
        raise dash.exceptions.PreventUpdate
    submission, seen = trigger["submission"], trigger["values"]
    comment = next(
        (
            value
            for spec, value in zip(ctx.states_list[0], comments, strict=True)
            if spec["id"]["submission"] == submission
        ),
        "",
    )
    try:
        if trigger["type"] == "review-approve":
            count = perform(approve_submission, submission, comment or "", expected_values=seen)
            message = dbc.Alert(
                ngettext(
                    "Submission {id} approved: {n} value is now in the committee's views.",
                    "Submission {id} approved: {n} values are now in the committee's views.",
                    count,
                ).format(id=submission, n=count),
                color="success",
                id="review-done",
            )
        else:
            count = perform(return_submission, submission, comment or "", expected_values=seen)
            message = dbc.Alert(
                _("Submission {id} returned to the partner with your comment.").format(
                    id=submission
                ),
                color="info",
                id="review-done",
            )
    except (ReviewError, AccessDenied) as refusal:
        message = dbc.Alert(str(refusal), color="danger", id="review-refused")
    except DatabaseBusy:
        message = dbc.Alert(
            _("The partner's data was busy; nothing was decided. Try again in a minute."),
            color="warning",
            id="review-refused",
        )
    return message, waiting_list(), decisions_view()


@callback(
    Output({"type": "review-values", "submission": MATCH}, "data"),
    Output({"type": "review-values", "submission": MATCH}, "page_count"),
    Output({"type": "review-values", "submission": MATCH}, "page_current"),
    Input({"type": "review-values", "submission": MATCH}, "page_current"),
    Input({"type": "review-values", "submission": MATCH}, "sort_by"),
    Input({"type": "review-values-search", "submission": MATCH}, "value"),
    prevent_initial_call=True,
)
def page_of_values(page, sort_by, search):
    """The page of a large submission's values the officer turned to, sorted by the column clicked
    and narrowed to what the search box holds (a new search starts again at the first page)."""
    submission = ctx.outputs_list[0]["id"]["submission"]
    search = search or ""
    page = 0 if ctx.triggered_id and ctx.triggered_id["type"] == "review-values-search" else page
    sort = [(item["column_id"], item["direction"] == "desc") for item in sort_by or ()]
    with read_session() as session:
        if not visible_submission(session, current_actor(), submission):
            raise NotFound(_("There is no such submission."))
        total = count_submission_values(session, submission, search)
        pages = value_pages(total)
        page = min(max(page or 0, 0), pages - 1)
        values = submission_values(
            session, submission, search=search, sort=sort,
            offset=page * VALUES_IN_FULL, limit=VALUES_IN_FULL,
        )  # fmt: skip
    return value_rows(values), pages, page


@callback(
    Output("review-message", "children", allow_duplicate=True),
    Output("review-locks", "children"),
    Input("review-lock", "n_clicks"),
    Input("review-unlock", "n_clicks"),
    State("review-lock-period", "value"),
    State("review-lock-partner", "value"),
    State("review-lock-reason", "value"),
    prevent_initial_call=True,
)
def lock_or_unlock(_lock, _unlock, period, partner, reason):
    if not ctx.triggered_id or not any(item["value"] for item in ctx.triggered):
        raise dash.exceptions.PreventUpdate
    if not period:
        return dbc.Alert(_("Choose the period first."), color="warning"), dash.no_update
    partner_code = None if partner in (None, ALL_PARTNERS) else partner
    try:
        if ctx.triggered_id == "review-lock":
            perform(lock_period, period, partner_code, reason or "")
            text = _("{period} is locked.").format(period=period)
        else:
            perform(unlock_period, period, partner_code, reason or "")
            text = _("{period} is unlocked.").format(period=period)
        message = dbc.Alert(text, color="success", id="review-lock-done")
    except (ReviewError, AccessDenied) as refusal:
        message = dbc.Alert(str(refusal), color="danger", id="review-lock-refused")
    return message, locks_view()
