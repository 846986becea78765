"""Imports: the history of uploads (each downloadable as originally sent) and the history of every value
change (which upload or correction changed it, from what to what).

The revision filters (partner, indicator, period) live in the URL query string.
"""

from __future__ import annotations

from pathlib import PurePath

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, callback, ctx, dcc, html, no_update

from dashboard.access import Permission, current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.filters import (
    filter_bar,
    labelled_dropdown,
    parse_filters,
    partner_filter_notice,
)
from dashboard.components.pager import newer_older_pager, page_bounds, page_number, pager
from dashboard.components.report import OUTCOME_LABELS, revisions_table, uploads_table
from dashboard.database import read_session
from dashboard.queries.partner import partner_codes_visible_to, reporting_periods
from dashboard.queries.uploads import (
    file_not_kept,
    indicator_codes,
    original_file,
    upload_count,
    upload_history,
    upload_record,
    value_revisions,
)
from i18n import N_, _, page_title
from models.upload import OUTCOMES
from rules.problems import Problem
from workbooks.annotate import AnnotationTooLarge, annotate_workbook

dash.register_page(
    __name__, path="/imports", name=N_("Imports"), title=page_title("Imports"), order=80
)

DOWNLOAD_TYPE = "imports-original"
ANNOTATED_TYPE = "imports-annotated"
# Uploads and value changes per page (``page=``, ``changes=``): the region's hundreds of bodies send
# thousands of workbooks and change tens of thousands of values.
UPLOADS_PAGE_SIZE = 25
REVISIONS_PAGE_SIZE = 25


def layout(**query):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor, Permission.READ_UPLOADS)
        indicators = indicator_codes(session)
        periods = list(reporting_periods(session)["label"])
        filters = parse_filters(query, partner_codes=visible, indicator_codes=indicators)
        period = query.get("period") if query.get("period") in periods else None
        outcomes = _outcomes(query)
        chosen = filters.selected_partners(visible)
        # The partner filter applies to both lists; uploads nobody could attribute show only unfiltered.
        # Dry runs are listed too: a partner's refused previews are what an officer helps with.
        listing = {
            "include_unassigned": filters.partners is None and actor.can_edit(None),
            "include_dry_runs": True,
            "outcomes": outcomes,
        }
        total = upload_count(session, chosen, **listing)
        page, pages, first = page_bounds(page_number(query), total, UPLOADS_PAGE_SIZE)
        uploads = upload_history(session, chosen, limit=UPLOADS_PAGE_SIZE, offset=first, **listing)
        # One more than a page: whether there are older changes, without counting them all.
        changes_page = page_number(query, "changes")
        revisions = value_revisions(
            session,
            chosen,
            indicator_codes=[filters.indicator] if filters.indicator else None,
            period_labels=[period] if period else None,
            limit=REVISIONS_PAGE_SIZE + 1,
            offset=(changes_page - 1) * REVISIONS_PAGE_SIZE,
        )
        has_older = len(revisions) > REVISIONS_PAGE_SIZE
        revisions = revisions.head(REVISIONS_PAGE_SIZE)
    pairs = [
        (key, ",".join(value) if isinstance(value, list) else str(value))
        for key, value in query.items()
        if key in ("partner", "outcome", "indicator", "period") and value
    ]
    # Each list's pager keeps the other list's page.
    on_uploads_page = [("page", str(page))] if page > 1 else []
    on_changes_page = [("changes", str(changes_page))] if changes_page > 1 else []
    nav = (
        pager(
            "/imports", pairs + on_changes_page, page, pages,
            _("Uploads {first}–{last} of {total} (page {page} of {pages})").format(
                first=first + 1, last=first + len(uploads), total=total, page=page, pages=pages
            ),
            _("Pages of uploads"),
        )
        if pages > 1
        else None
    )  # fmt: skip
    first_change = (changes_page - 1) * REVISIONS_PAGE_SIZE
    changes_nav = (
        newer_older_pager(
            "/imports", pairs + on_uploads_page, changes_page, has_older,
            _("Changes {first}–{last}, newest first").format(
                first=first_change + 1, last=first_change + len(revisions)
            ) if len(revisions) else _("No changes this far back."),
            _("Pages of value changes"), key="changes",
        )
        if has_older or changes_page > 1
        else None
    )  # fmt: skip
    notice = partner_filter_notice(filters, chosen, "imports-partner-notice")
    # A partner filter that matches nobody would make both lists say "No uploads yet": the notice
    # says why instead.
    shown = bool(chosen) or filters.partners is None
    nobody = html.P(_("No partner chosen."), className="text-muted")
    return html.Div(
        [
            dcc.Location(id="imports-url", refresh="callback-nav"),
            dcc.Download(id="imports-download"),
            html.H1(_("Imports")),
            html.Div(id="imports-notice"),
            html.P(
                _("Every workbook sent, as it was sent, and every change of a reported value."),
                className="text-muted",
            ),
            filter_bar(
                _dropdown(
                    "partner", _("Partner"), visible, list(filters.partners or []), multi=True
                ),
                labelled_dropdown(
                    "imports-filter-outcome",
                    _("Outcome"),
                    [(outcome, _(OUTCOME_LABELS[outcome])) for outcome in OUTCOMES],
                    outcomes,
                    multi=True,
                ),
                _dropdown("indicator", _("Indicator"), indicators, filters.indicator),
                _dropdown("period", _("Period"), periods, period),
            ),
            html.P(
                _(
                    "Partner filters both lists; outcome filters the uploads; indicator and period "
                    "filter the value history."
                ),
                className="small text-muted mt-n2",
            ),
            notice,
            dbc.Card(
                [
                    dbc.CardHeader(html.H2(_("Uploads"), className="h5 mb-0")),
                    dbc.CardBody(
                        html.Div(
                            [
                                nav,
                                uploads_table(
                                    uploads, DOWNLOAD_TYPE, annotated_type=ANNOTATED_TYPE
                                ),
                            ]
                            if shown
                            else nobody,
                            id="imports-uploads",
                        )
                    ),
                ],
                className="mb-4",
            ),
            html.H2(_("Value history"), className="h4", id="imports-history"),
            html.P(
                _(
                    "Every change of a reported value: which upload or correction changed it, "
                    "from what to what, who and why."
                ),
                className="text-muted",
            ),
            changes_nav if shown else None,
            html.Div(revisions_table(revisions) if shown else nobody, id="imports-revisions"),
        ]
    )


def _dropdown(key: str, label: str, values: list[str], value, multi: bool = False) -> html.Div:
    return labelled_dropdown(f"imports-filter-{key}", label, [(v, v) for v in values], value, multi)


def _outcomes(query: dict) -> list[str]:
    """The outcomes chosen in the URL (``outcome=rejected,dry-run``), known ones only, in order."""
    raw = query.get("outcome") or ""
    wanted = {part.strip().lower() for value in ([raw] if isinstance(raw, str) else raw)
              for part in value.split(",")}  # fmt: skip
    return [outcome for outcome in OUTCOMES if outcome in wanted]


@callback(
    Output("imports-url", "search"),
    Input("imports-filter-partner", "value"),
    Input("imports-filter-outcome", "value"),
    Input("imports-filter-indicator", "value"),
    Input("imports-filter-period", "value"),
    prevent_initial_call=True,
)
def update_url(partners, outcomes, indicator, period):
    pairs = []
    if partners:
        pairs.append("partner=" + ",".join(partners))
    if outcomes:
        pairs.append("outcome=" + ",".join(outcomes))
    if indicator:
        pairs.append(f"indicator={indicator}")
    if period:
        pairs.append(f"period={period}")
    return "?" + "&".join(pairs) if pairs else ""


@callback(
    Output("imports-download", "data"),
    Output("imports-notice", "children", allow_duplicate=True),
    Input({"type": DOWNLOAD_TYPE, "upload": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_original(_clicks):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor, Permission.READ_UPLOADS)
        unassigned = actor.can_edit(None)
        not_kept = file_not_kept(session, trigger["upload"], visible, include_unassigned=unassigned)
        if not_kept:
            return no_update, _not_kept_alert(not_kept)
        found = original_file(session, trigger["upload"], visible, include_unassigned=unassigned)
    if found is None or found[1] is None:
        raise NotFound(_("There is no such upload."))
    filename, content = found
    return dcc.send_bytes(content, filename), None


def _not_kept_alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="warning", dismissable=True, id="imports-not-kept")


@callback(
    Output("imports-download", "data", allow_duplicate=True),
    Output("imports-notice", "children", allow_duplicate=True),
    Input({"type": ANNOTATED_TYPE, "upload": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_annotated(_clicks):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor, Permission.READ_UPLOADS)
        unassigned = actor.can_edit(None)
        not_kept = file_not_kept(session, trigger["upload"], visible, include_unassigned=unassigned)
        if not_kept:
            return no_update, _not_kept_alert(not_kept)
        found = original_file(session, trigger["upload"], visible, include_unassigned=unassigned)
        record = upload_record(session, trigger["upload"], visible, include_unassigned=unassigned)
    if found is None or found[1] is None or record is None:
        raise NotFound(_("There is no such upload."))
    filename, content = found
    issues = [Problem.from_dict(item) for item in record["issues"]]
    try:
        annotated = annotate_workbook(content, filename, issues)
    except AnnotationTooLarge as refusal:
        alert = dbc.Alert(refusal.message, color="warning", id="imports-annotation-too-large")
        return no_update, alert
    return dcc.send_bytes(annotated, f"{PurePath(filename).stem}-annotated.xlsx"), None
