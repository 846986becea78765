"""Policy instruments: each partner's instrument, its policy changes and their stage history.

Filters (partner, stage, type of change) live in the URL query string (``?partner=MDPWA,REDEA&stage=adopted``):
changing one pushes a new URL and the page is rendered again from it, so links and the back button work.
A partner records a new stage event (with a link or a document as evidence) in the form at the bottom.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.access import AccessDenied, current_actor
from dashboard.components.filters import filter_bar, parse_filters
from dashboard.components.stages import STAGE_LABELS, stage_badge
from dashboard.components.timeline import event_timeline, evidence_list, stage_pipeline
from dashboard.database import app_settings, perform, read_session
from dashboard.queries.instruments import (
    change_types,
    evidence_document,
    evidence_items,
    instruments_with_changes,
    stage_events,
)
from dashboard.queries.partner import partner_codes_visible_to
from i18n import _
from models import EVIDENCE_KINDS, PolicyChangeError, Stage
from services.policy_changes import NewEvidence, record_stage_event

dash.register_page(
    __name__,
    path="/instruments",
    name=_("Policy instruments"),
    title=_("Policy instruments"),
    order=10,
)

FILTER_KEYS = ("partner", "stage", "type")
DOWNLOAD_TYPE = "instruments-evidence"


def layout(**query):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        filters = _filters(query, visible)
        types = change_types(session)
        content = _instrument_list(session, visible, filters)
    return html.Div(
        [
            dcc.Location(id="instruments-url", refresh="callback-nav"),
            dcc.Download(id="instruments-download"),
            dcc.Store(id="instruments-change"),
            html.H1(_("Policy instruments")),
            _filter_bar(visible, types, filters),
            html.Div(content, id="instruments-list"),
            _record_modal(),
        ]
    )


def _filters(query: dict, visible: list[str]) -> dict[str, list[str]]:
    """Partner (the shared URL convention), stage and type of change from the query string."""
    partners = parse_filters(query, partner_codes=visible).partners
    return {
        "partner": list(partners or []),
        "stage": _split(query.get("stage", "")),
        "type": _split(query.get("type", "")),
    }


def _split(raw: str | list) -> list[str]:
    """URL values as a list: ``"A,B"`` and ``?x=A&x=B`` both mean [A, B]."""
    values = raw if isinstance(raw, list) else [raw]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def _filter_bar(visible: list[str], types: pd.DataFrame, filters: dict) -> dbc.Card:
    def dropdown(key: str, label: str, options: list[dict]) -> html.Div:
        known = {o["value"] for o in options}
        return html.Div(
            [
                dbc.Label(label, html_for=f"instruments-filter-{key}", className="filter-label"),
                dcc.Dropdown(
                    id=f"instruments-filter-{key}",
                    options=options,
                    value=[v for v in filters[key] if v in known],
                    multi=True,
                    placeholder=_("All"),
                ),
            ]
        )

    return filter_bar(
        dropdown("partner", _("Partner"), [{"label": c, "value": c} for c in visible]),
        dropdown(
            "stage", _("Stage"), [{"label": STAGE_LABELS[s], "value": s} for s in STAGE_LABELS]
        ),
        dropdown(
            "type",
            _("Type of change"),
            [{"label": r.label, "value": r.code} for r in types.itertuples()],
        ),
    )


def _instrument_list(
    session, visible: list[str], filters: dict, open_change: str | None = None
) -> list:
    partners = [c for c in filters["partner"] if c in visible] or visible
    changes = instruments_with_changes(
        session, partners, stages=filters["stage"] or None, change_types=filters["type"] or None
    )
    if changes.empty:
        return [
            dbc.Alert(
                _(
                    "No partners yet. Load the demo data with `sharing demo`, or add the partners "
                    "on the Setup page."
                ),
                color="info",
                id="instruments-empty",
            )
        ]
    change_ids = [int(i) for i in changes["change_id"].dropna()]
    events = stage_events(session, change_ids)
    evidence = evidence_items(session, change_ids)
    actor = current_actor()
    filtered = any(filters.values())
    return [
        _instrument_card(
            rows, events, evidence, actor.can_edit(rows.iloc[0].partner_code), filtered, open_change
        )
        for _id, rows in changes.groupby("instrument_id", sort=False)
    ]


def _instrument_card(
    rows, events, evidence, can_edit: bool, filtered: bool, open_change: str | None
) -> dbc.Card:
    first = rows.iloc[0]
    change_rows = rows.dropna(subset=["change_code"])
    if change_rows.empty:
        body = html.P(
            _("No policy change matches these filters.")
            if filtered
            else _("No policy changes recorded yet."),
            className="text-muted mb-0",
        )
    else:
        body = dbc.Accordion(
            [
                _change_item(
                    row,
                    events[events["change_id"] == row.change_id],
                    evidence[evidence["change_id"] == row.change_id],
                    can_edit,
                )
                for row in change_rows.itertuples()
            ],
            always_open=True,
            # After recording an event the page is rendered again: keep that change open.
            **(
                {"active_item": [open_change]}
                if open_change in set(change_rows["change_code"])
                else {"start_collapsed": True}
            ),
            flush=True,
        )
    reference = " — ".join(
        str(x) for x in (first.instrument_kind, first.legal_reference) if isinstance(x, str) and x
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    dcc.Link(
                        html.Strong(first.partner_code), href=f"/partners/{first.partner_code}"
                    ),
                    " · ",
                    first.partner_name,
                ]
            ),
            dbc.CardBody(
                [
                    html.H2(first.instrument_title, className="h5 card-title"),
                    html.P(reference, className="text-muted small"),
                    body,
                ]
            ),
        ],
        className="mb-3 instrument-card",
    )


def _change_item(row, events, evidence, can_edit: bool) -> dbc.AccordionItem:
    since = _("since {date}").format(date=row.stage_since) if row.stage_since else ""
    title = html.Div(
        [
            html.Span(row.change_code, className="change-code"),
            html.Span(row.change_title, className="change-title"),
            html.Span(
                [stage_badge(row.stage), html.Small(since, className="text-muted ms-1")],
                className="change-stage",
            ),
            dbc.Badge(_("demo data"), color="light", text_color="secondary", className="ms-1")
            if row.is_demo
            else None,
        ],
        className="change-heading",
    )
    record_button = (
        dbc.Button(
            _("Record a stage event"),
            id={"type": "instruments-record-open", "change": row.change_code},
            color="primary",
            size="sm",
            n_clicks=0,
        )
        if can_edit
        else None
    )
    return dbc.AccordionItem(
        [
            html.P(row.change_description, className="mb-2") if row.change_description else None,
            html.P(
                [html.Span(_("Type of change: "), className="text-muted"), row.change_type_label],
                className="small mb-2",
            ),
            stage_pipeline(row.stage),
            dbc.Row(
                [
                    dbc.Col(
                        [html.H3(_("Stage history"), className="h6"), event_timeline(events)],
                        md=7,
                    ),
                    dbc.Col(
                        [
                            html.H3(_("Evidence"), className="h6"),
                            evidence_list(evidence, DOWNLOAD_TYPE),
                        ],
                        md=5,
                    ),
                ],
                className="mt-2",
            ),
            record_button,
        ],
        title=title,
        item_id=row.change_code,
    )


def _record_modal() -> dbc.Modal:
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
                                            {"label": STAGE_LABELS[s], "value": s}
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
                                type="url",
                                placeholder=_("Link (https://...)"),
                                className=field,
                            ),
                            dcc.Upload(
                                id="instruments-record-evidence-file",
                                children=html.Div(
                                    [_("or drop a document here, or "), html.A(_("choose a file"))]
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
    Output("instruments-url", "search"),
    Input("instruments-filter-partner", "value"),
    Input("instruments-filter-stage", "value"),
    Input("instruments-filter-type", "value"),
    prevent_initial_call=True,
)
def update_url(partners, stages, types):
    """A filter changed: push the new query string; the page router renders the filtered page."""
    pairs = [
        (key, ",".join(values))
        for key, values in zip(FILTER_KEYS, (partners, stages, types), strict=True)
        if values
    ]
    return "?" + urlencode(pairs, safe=",") if pairs else ""


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
        rows = instruments_with_changes(session, partner_codes_visible_to(session, current_actor()))
    row = rows[rows["change_code"] == code]
    if row.empty:
        raise dash.exceptions.PreventUpdate
    row = row.iloc[0]
    current = [_("Current stage: "), stage_badge(row.stage), " ", row.change_title]
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
    return [_("Document: "), html.Strong(filename)]


@callback(
    Output("instruments-record-feedback", "children"),
    Output("instruments-record-feedback", "is_open"),
    Output("instruments-record-modal", "is_open", allow_duplicate=True),
    Output("instruments-list", "children"),
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
        return _("Give the date of the event (day, month, year)."), True, True, no_update
    if not stage:
        return _("Choose the new stage."), True, True, no_update
    try:
        evidence = _new_evidence(kind, ev_title, ev_url, file_contents, filename)
        perform(record_stage_event, code, stage, occurred_on, note or "", evidence)
    except (PolicyChangeError, AccessDenied, ValueError) as error:
        return str(error), True, True, no_update
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        filters = _filters(dict(parse_qsl((search or "").lstrip("?"))), visible)
        content = _instrument_list(session, visible, filters, open_change=code)
    return "", False, False, content


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
    Output("instruments-download", "data"),
    Input({"type": DOWNLOAD_TYPE, "sha256": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_evidence(_clicks):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        document = evidence_document(session, trigger["sha256"], visible)
    if document is None:
        raise dash.exceptions.PreventUpdate
    title, content = document
    return dcc.send_bytes(content, _download_name(title, trigger["sha256"]))


def _download_name(title: str, sha256: str) -> str:
    """The original file name kept in the title ("Decision (decision.pdf)"), else one from the hash
    with the original extension."""
    match = re.search(r"([\w .-]+\.[A-Za-z0-9]{1,5})\)?$", title)
    if match:
        return match.group(1).strip()
    extension = re.search(r"(\.[A-Za-z0-9]{1,5})\)?$", title)
    return f"evidence-{sha256[:12]}{extension.group(1) if extension else ''}"


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
