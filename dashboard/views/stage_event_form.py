"""The stage-event form of the Policy instruments page: record a new stage (with a link or a document
as evidence) through services.policy_changes, then show the list again with the change open."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.access import AccessDenied, Permission, current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.links import linked
from dashboard.components.pager import page_number
from dashboard.components.stages import STAGE_LABELS, stage_badge, stage_label
from dashboard.database import DatabaseBusy, app_settings, perform, read_session
from dashboard.queries.instruments import (
    instruments_with_changes,
)
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.views.instrument_list import instrument_list, url_filters
from i18n import _
from models import EVIDENCE_KINDS, PolicyChangeError, Stage
from rules.links import read_link
from services.policy_changes import NewEvidence, record_stage_event


def record_modal() -> dbc.Modal:
    field = "mb-2"
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(id="instruments-record-title")),
            dbc.ModalBody(
                [
                    html.Div(id="instruments-record-current", className="mb-2 small"),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(_("New stage"), html_for="instruments-record-stage"),
                                    dbc.Select(
                                        id="instruments-record-stage",
                                        options=[
                                            {"label": stage_label(s), "value": s}
                                            for s in STAGE_LABELS
                                        ],
                                    ),
                                ],
                                sm=6,
                                className=field,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(_("Date"), html_for="instruments-record-date"),
                                    dbc.Input(id="instruments-record-date", type="date"),
                                ],
                                sm=6,
                                className=field,
                            ),
                        ]
                    ),
                    dbc.Label(_("Note"), html_for="instruments-record-note"),
                    dbc.Textarea(
                        id="instruments-record-note",
                        placeholder=_(
                            "What happened (needed when abandoning or moving back a stage)"
                        ),
                        rows=3,
                        className=field,
                    ),
                    html.Fieldset(
                        [
                            html.Legend(
                                _("Evidence (needed to validate)"), className="h6 mt-2 mb-1"
                            ),
                            dbc.Select(
                                id="instruments-record-evidence-kind",
                                options=[{"label": k, "value": k} for k in EVIDENCE_KINDS],
                                value=EVIDENCE_KINDS[0],
                                className=field,
                            ),
                            dbc.Input(
                                id="instruments-record-evidence-title",
                                placeholder=_("Title, e.g. Council decision no. 12 of 3 May 2025"),
                                className=field,
                            ),
                            dbc.Input(
                                id="instruments-record-evidence-url",
                                type="text",
                                inputMode="url",
                                placeholder=_("Link (https://...)"),
                                className=field,
                            ),
                            dcc.Upload(
                                id="instruments-record-evidence-file",
                                children=html.Div(
                                    linked(
                                        _("or drop a document here, or {choose}"),
                                        choose=html.A(_("choose a file")),
                                    )
                                ),
                                className="upload-zone small",
                            ),
                            html.Div(id="instruments-record-file-name", className="small mt-1"),
                        ],
                        className="evidence-fieldset",
                    ),
                    dbc.Alert(
                        id="instruments-record-feedback",
                        is_open=False,
                        color="danger",
                        className="mt-3 mb-0",
                    ),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        _("Cancel"), id="instruments-record-cancel", color="secondary", n_clicks=0
                    ),
                    dbc.Button(
                        _("Save stage event"),
                        id="instruments-record-save",
                        color="primary",
                        n_clicks=0,
                    ),
                ]
            ),
        ],
        id="instruments-record-modal",
        is_open=False,
        size="lg",
        fullscreen="sm-down",
    )


@callback(
    Output("instruments-record-modal", "is_open"),
    Output("instruments-change", "data"),
    Output("instruments-record-title", "children"),
    Output("instruments-record-current", "children"),
    Output("instruments-record-stage", "value"),
    Output("instruments-record-date", "value"),
    Output("instruments-record-note", "value"),
    Output("instruments-record-evidence-title", "value"),
    Output("instruments-record-evidence-url", "value"),
    Output("instruments-record-evidence-file", "contents"),
    Output("instruments-record-feedback", "is_open", allow_duplicate=True),
    Input({"type": "instruments-record-open", "change": ALL}, "n_clicks"),
    Input("instruments-record-cancel", "n_clicks"),
    prevent_initial_call=True,
)
def open_record_form(_opens, _cancel):
    trigger = ctx.triggered_id
    if trigger == "instruments-record-cancel":
        return (False, *[no_update] * 9, False)
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate  # buttons appearing after a re-render, not a click
    code = trigger["change"]
    with read_session() as session:
        # Only the changes this actor may record a stage for: another partner's is "no such change".
        editable = partner_codes_visible_to(session, current_actor(), Permission.EDIT_DATA)
        rows = instruments_with_changes(session, editable)
    row = rows[rows["change_code"] == code]
    if row.empty:
        raise NotFound(_("There is no such policy change."))
    row = row.iloc[0]
    current = linked(
        _("Current stage: {stage} {title}").format(stage="{stage}", title=row.change_title),
        stage=stage_badge(row.stage),
    )
    next_stage = _next_stage(row.stage)
    title = _("Record a stage event for {code}").format(code=code)
    today = date.today().isoformat()
    return True, code, title, current, next_stage, today, "", "", "", None, False


def _next_stage(stage: str) -> str:
    current = Stage(stage)
    if current in (Stage.VALIDATED, Stage.ABANDONED):
        return current.value
    return [s for s in Stage if s.rank == current.rank + 1][0].value


@callback(
    Output("instruments-record-file-name", "children"),
    Input("instruments-record-evidence-file", "filename"),
    Input("instruments-record-evidence-file", "contents"),
    prevent_initial_call=True,
)
def show_chosen_file(filename, contents):
    if not contents:
        return ""
    return linked(_("Document: {file}"), file=html.Strong(filename))


@callback(
    Output("instruments-record-feedback", "children"),
    Output("instruments-record-feedback", "is_open"),
    Output("instruments-record-modal", "is_open", allow_duplicate=True),
    Output("instruments-list", "children"),
    Output("instruments-notice", "children"),
    Input("instruments-record-save", "n_clicks"),
    State("instruments-change", "data"),
    State("instruments-record-stage", "value"),
    State("instruments-record-date", "value"),
    State("instruments-record-note", "value"),
    State("instruments-record-evidence-kind", "value"),
    State("instruments-record-evidence-title", "value"),
    State("instruments-record-evidence-url", "value"),
    State("instruments-record-evidence-file", "contents"),
    State("instruments-record-evidence-file", "filename"),
    State("instruments-url", "search"),
    prevent_initial_call=True,
)
def save_stage_event(
    _n, code, stage, day, note, kind, ev_title, ev_url, file_contents, filename, search
):
    try:
        occurred_on = date.fromisoformat(day or "")
    except ValueError:
        return _("Give the date of the event (day, month, year)."), True, True, no_update, no_update
    if not stage:
        return _("Choose the new stage."), True, True, no_update, no_update
    # "www.smiltene.lv/..." is saved with https:// in front, and the page says so; what is no web
    # address at all goes to the service as typed, which refuses it with its sentence.
    link = read_link(ev_url or "")
    try:
        evidence = _new_evidence(
            kind, ev_title, link.url if link else ev_url, file_contents, filename
        )
        perform(record_stage_event, code, stage, occurred_on, note or "", evidence)
    except (PolicyChangeError, AccessDenied, ValueError, DatabaseBusy) as error:
        return str(error), True, True, no_update, no_update
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        query = dict(parse_qsl((search or "").lstrip("?")))
        filters = url_filters(query, visible)
        content = instrument_list(
            session, visible, filters, open_change=code, page=page_number(query)
        )
    notice = None
    if link is not None and link.scheme_added:
        notice = dbc.Alert(
            _(
                "The evidence link {typed} had no https:// in front, so it was saved as {url}; "
                "check that it opens."
            ).format(typed=ev_url.strip(), url=link.url),
            color="info",
            dismissable=True,
            id="instruments-link-completed",
        )
    return "", False, False, content, notice


def _new_evidence(kind, title, url, contents, filename) -> NewEvidence | None:
    url = (url or "").strip()
    if not url and not contents:
        return None
    content = None
    if contents:
        try:
            content = base64.b64decode(contents.split(",", 1)[1], validate=True)
        except (IndexError, binascii.Error):
            raise ValueError(_("The document could not be read; choose it again.")) from None
        limit = app_settings().max_upload_bytes
        if len(content) > limit:
            raise ValueError(
                _("The document is larger than {mb} MB; link to it instead.").format(
                    mb=limit // (1024 * 1024)
                )
            )
    title = (title or "").strip()
    if content and filename:
        title = f"{title} ({filename})" if title else filename
    return NewEvidence(
        kind=kind or "other", title=title, url=url or None, filename=filename, content=content
    )


@callback(
    Output("instruments-record-feedback", "is_open", allow_duplicate=True),
    Input("instruments-record-stage", "value"),
    Input("instruments-record-note", "value"),
    Input("instruments-record-evidence-url", "value"),
    Input("instruments-record-evidence-file", "filename"),
    prevent_initial_call=True,
)
def hide_stale_feedback(*_fields):
    """A refusal no longer applies once the user changes what it was about."""
    return False
