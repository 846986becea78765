"""One partner (/partners/<code>, the code in any case): instrument, policy changes, indicators as in the
programme reports, uploads; a single value can be corrected in place with a reason, or a value not
reported yet entered, each kept as a revision.

The reporting period shown lives in the URL (``?period=P6``), so a link reproduces the view.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.access import AccessDenied, Permission, current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.links import linked, page_path
from dashboard.components.periods import period_label
from dashboard.components.report import indicator_table, uploads_table
from dashboard.components.review import returned_banner, waiting_note
from dashboard.components.stages import stage_badge
from dashboard.database import DatabaseBusy, perform, read_session
from dashboard.queries.catalogue import indicators
from dashboard.queries.instruments import instruments_with_changes
from dashboard.queries.partner import (
    default_report_period,
    indicator_report,
    observation_detail,
    partner_codes_visible_to,
    partner_profile,
    reporting_periods,
)
from dashboard.queries.review import latest_returned, waiting_count
from dashboard.queries.uploads import upload_history
from dashboard.queries.values import latest_values
from i18n import N_, _, page_title
from rules.formatting import format_value
from rules.units import unit_label
from services.observations import CorrectionError, correct_observation, enter_value

dash.register_page(
    __name__,
    path_template="/partners/<code>",
    name=N_("Partner"),
    title=page_title("Partner"),
    nav=False,
    order=90,
)

CORRECT_TYPE = "partner-correct-open"
ENTER_TYPE = "partner-enter-open"


def layout(code: str = "", period: str = "", **_other):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor)
        code = next((known for known in visible if known.upper() == code.upper()), code)
        profile = partner_profile(session, code) if code in visible else None
        if profile is None:
            return _no_such_partner(code, visible)
        periods = reporting_periods(session)
        labels = list(periods["label"])
        chosen = period if period in labels else default_report_period(periods, date.today())
        view = latest_values(actor)
        report = indicator_report(session, code, chosen, view=view) if chosen else None
        changes = instruments_with_changes(session, [code])
        sees_uploads = actor.can(Permission.READ_UPLOADS, code)
        uploads = upload_history(session, [code], limit=20) if sees_uploads else None
        sees_review = actor.can(Permission.READ_SUBMITTED, code)
        returned = latest_returned(session, code) if sees_review else None
        waiting = waiting_count(session, code) if sees_review else 0
    can_edit = actor.can_edit(code)
    return html.Div(
        [
            dcc.Location(id="partner-url", refresh="callback-nav"),
            dcc.Store(id="partner-code", data=code),
            dcc.Store(id="partner-observation"),
            _heading(profile),
            returned_banner(returned, "partner-returned"),
            waiting_note(waiting, "partner-waiting"),
            dbc.Row(
                [
                    dbc.Col(_instrument_card(profile, changes), lg=4, className="mb-3"),
                    dbc.Col(
                        _indicator_card(report, code, periods, chosen, can_edit),
                        lg=8,
                        className="mb-3",
                    ),
                ]
            ),
            _uploads_card(uploads, can_edit) if uploads is not None else None,
            _value_modal(
                "correct",
                _("Correct a value"),
                _("Save correction"),
                _("e.g. typo in the P6 report: 1 250, not 12 500"),
            ),
            _value_modal(
                "enter",
                _("Enter a missing value"),
                _("Save value"),
                _("e.g. figure sent by Smiltene's e-mail of 3 March, the report was late"),
            ),
            dcc.Store(id="partner-entry"),
        ],
        className="partner-page",
    )


def _uploads_card(uploads, can_edit: bool) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Uploads and their outcomes"), className="h5 mb-0")),
            dbc.CardBody(
                [
                    uploads_table(uploads, None, show_partner=False),
                    html.Div(
                        [
                            dcc.Link(_("Send a workbook"), href=page_path("upload"))
                            if can_edit
                            else None,
                            " · " if can_edit else None,
                            dcc.Link(
                                _("All uploads and value history"),
                                href=page_path("imports"),
                            ),
                        ],
                        className="small",
                    ),
                ]
            ),
        ],
        className="mb-3",
    )


def _no_such_partner(code: str, visible: list[str]) -> html.Div:
    return html.Div(
        [
            html.H1(_("No such partner")),
            dbc.Alert(
                [
                    _("There is no partner with the code “{code}”.").format(code=code),
                    " ",
                    _("Choose one of these:") if visible else _("No partners are set up yet."),
                ],
                color="warning",
                id="partner-not-found",
            ),
            html.Ul([html.Li(dcc.Link(c, href=f"/partners/{c}")) for c in visible]),
        ]
    )


LEVEL_LABELS = {"national": N_("national"), "regional": N_("regional"), "local": N_("local")}


def _heading(profile) -> html.Div:
    facts = [profile.country, profile.nuts_code, _(LEVEL_LABELS.get(profile.level, profile.level))]
    if profile.role == "lead":
        facts.append(_("lead partner"))
    return html.Div(
        [
            html.Nav(
                [dcc.Link(_("Partners"), href="/partners"), " / ", profile.code],
                className="small text-muted mb-1",
                **{"aria-label": _("breadcrumb")},
            ),
            html.H1([profile.name, " ", html.Small(profile.code, className="text-muted")]),
            html.P(" · ".join(f for f in facts if f), className="text-muted"),
        ]
    )


def _instrument_card(profile, changes) -> dbc.Card:
    change_rows = changes.dropna(subset=["change_code"])
    items = [
        html.Li(
            [
                html.Span(row.change_code, className="change-code"),
                " ",
                stage_badge(row.stage),
                " ",
                row.change_title,
                dbc.Badge(_("demo data"), color="light", text_color="secondary", className="ms-1")
                if row.is_demo
                else None,
            ],
            className="mb-1",
        )
        for row in change_rows.itertuples()
    ]
    instrument_link = (
        html.A(_("Official text"), href=profile.instrument_url, target="_blank", rel="noopener")
        if profile.instrument_url
        else None
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Policy instrument"), className="h5 mb-0")),
            dbc.CardBody(
                [
                    html.H3(profile.instrument_title or _("No instrument set up"), className="h6"),
                    html.P(
                        " — ".join(
                            x
                            for x in (
                                profile.instrument_kind and _(profile.instrument_kind),
                                profile.managing_body,
                                profile.legal_reference,
                            )
                            if x
                        ),
                        className="small text-muted",
                    ),
                    instrument_link,
                    html.H3(_("Policy changes"), className="h6 mt-3"),
                    html.Ul(items, className="list-unstyled")
                    if items
                    else html.P(_("No policy changes recorded yet."), className="text-muted"),
                    dcc.Link(
                        _("Stage history and evidence"),
                        href=f"{page_path('instruments')}?partner={profile.code}",
                        className="small",
                    ),
                ]
            ),
        ],
        className="h-100",
    )


def _indicator_card(report, code: str, periods, chosen: str | None, can_edit: bool) -> dbc.Card:
    if chosen is None:
        body = dbc.Alert(
            _("No reporting periods yet: run `sharing init` to create them."), color="info"
        )
    else:
        body = html.Div(_indicator_body(report, code, chosen, can_edit), id="partner-indicators")
    options = [{"label": period_label(r), "value": r.label} for r in periods.itertuples()]
    return dbc.Card(
        [
            dbc.CardHeader(
                dbc.Row(
                    [
                        dbc.Col(html.H2(_("Indicators"), className="h5 mb-0"), xs="auto"),
                        dbc.Col(
                            dcc.Dropdown(
                                id="partner-period",
                                options=options,
                                value=chosen,
                                clearable=False,
                                searchable=False,
                            ),
                            xs=12,
                            sm=7,
                            md=6,
                            className="ms-auto",
                        ),
                    ],
                    align="center",
                    className="g-2",
                )
            ),
            dbc.CardBody(body),
        ],
        className="h-100",
    )


def _indicator_body(report, code: str, chosen: str, can_edit: bool) -> list:
    if report is None or report.empty:
        return [
            dbc.Alert(
                _(
                    "No targets or values for this partner yet. Set targets on the Setup page, "
                    "or send a workbook."
                ),
                color="info",
                id="partner-indicators-empty",
            )
        ]
    demo = report["target_is_demo"].any() or (report["source_kind"] == "demo").any()
    return [
        indicator_table(
            report,
            chosen,
            CORRECT_TYPE if can_edit else None,
            history_href=f"{page_path('imports')}?partner={code}&indicator=",
            enter_type=ENTER_TYPE if can_edit else None,
        ),
        html.P(
            _("Demo data: targets and values marked “demo data” are invented for illustration."),
            className="small text-muted",
        )
        if demo
        else None,
    ]


def _value_modal(action: str, title: str, save: str, example: str) -> dbc.Modal:
    """The dialog that corrects a value ("correct") or enters a missing one ("enter"): the value and
    the reason, ids ``partner-<action>-...``."""
    prefix = f"partner-{action}"
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(title)),
            dbc.ModalBody(
                [
                    html.Div(id=f"{prefix}-what", className="mb-2"),
                    dbc.Label(_("New value"), html_for=f"{prefix}-value"),
                    dbc.Input(id=f"{prefix}-value", inputMode="decimal", className="mb-2"),
                    dbc.FormText(_('Write 12,5 or 1 234; "n/a" when there is no value.')),
                    html.Br(),
                    dbc.Label(
                        _("Reason (required)"), html_for=f"{prefix}-reason", className="mt-2"
                    ),
                    dbc.Textarea(id=f"{prefix}-reason", rows=2, placeholder=example),
                    dbc.Alert(
                        id=f"{prefix}-feedback",
                        is_open=False,
                        color="danger",
                        className="mt-3 mb-0",
                    ),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(_("Cancel"), id=f"{prefix}-cancel", color="secondary", n_clicks=0),
                    dbc.Button(save, id=f"{prefix}-save", color="primary", n_clicks=0),
                ]
            ),
        ],
        id=f"{prefix}-modal",
        is_open=False,
        fullscreen="sm-down",
    )


@callback(
    Output("partner-url", "search"),
    Input("partner-period", "value"),
    prevent_initial_call=True,
)
def choose_period(period):
    return f"?period={period}" if period else ""


@callback(
    Output("partner-correct-modal", "is_open"),
    Output("partner-observation", "data"),
    Output("partner-correct-what", "children"),
    Output("partner-correct-value", "value"),
    Output("partner-correct-reason", "value"),
    Output("partner-correct-feedback", "is_open", allow_duplicate=True),
    Input({"type": CORRECT_TYPE, "observation": ALL}, "n_clicks"),
    Input("partner-correct-cancel", "n_clicks"),
    prevent_initial_call=True,
)
def open_correction(_opens, _cancel):
    trigger = ctx.triggered_id
    if trigger == "partner-correct-cancel":
        return False, no_update, no_update, no_update, no_update, False
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        detail = observation_detail(session, trigger["observation"], visible)
    if detail is None:
        raise NotFound(_("There is no such value."))
    current = format_value(detail.value, detail.value_kind) or _("no value (n/a)")
    what = [
        html.Strong(f"{detail.indicator_code} · {detail.period_label}"),
        html.Div(detail.indicator_name, className="small text-muted"),
        html.Div(
            linked(
                _("Current value: {value} ({unit})"), value=html.Strong(current), unit=detail.unit
            )
        ),
    ]
    value = "" if detail.value is None else f"{detail.value:g}"
    return True, detail.observation_id, what, value, "", False


@callback(
    Output("partner-correct-feedback", "children"),
    Output("partner-correct-feedback", "is_open"),
    Output("partner-correct-modal", "is_open", allow_duplicate=True),
    Output("partner-indicators", "children"),
    Input("partner-correct-save", "n_clicks"),
    State("partner-observation", "data"),
    State("partner-correct-value", "value"),
    State("partner-correct-reason", "value"),
    State("partner-code", "data"),
    State("partner-period", "value"),
    prevent_initial_call=True,
)
def save_correction(_n, observation_id, raw_value, reason, code, period):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor)
        if code not in visible or observation_detail(session, observation_id, visible) is None:
            raise NotFound(_("There is no such value."))
    try:
        perform(correct_observation, observation_id, raw_value, reason)
    except (CorrectionError, AccessDenied, DatabaseBusy) as error:
        return str(error), True, True, no_update
    with read_session() as session:
        report = indicator_report(session, code, period, view=latest_values(actor))
    return "", False, False, _indicator_body(report, code, period, actor.can_edit(code))


@callback(
    Output("partner-enter-modal", "is_open"),
    Output("partner-entry", "data"),
    Output("partner-enter-what", "children"),
    Output("partner-enter-value", "value"),
    Output("partner-enter-reason", "value"),
    Output("partner-enter-feedback", "is_open", allow_duplicate=True),
    Input({"type": ENTER_TYPE, "indicator": ALL}, "n_clicks"),
    Input("partner-enter-cancel", "n_clicks"),
    State("partner-code", "data"),
    State("partner-period", "value"),
    prevent_initial_call=True,
)
def open_entry(_opens, _cancel, code, period):
    trigger = ctx.triggered_id
    if trigger == "partner-enter-cancel":
        return False, no_update, no_update, no_update, no_update, False
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        editable = partner_codes_visible_to(session, current_actor(), Permission.EDIT_DATA)
        found = indicators(session, codes=[trigger["indicator"]])
    if code not in editable or found.empty:
        raise NotFound(_("There is no such indicator."))
    indicator = found.iloc[0]
    what = [
        html.Strong(f"{indicator.code} · {period}"),
        html.Div(indicator["name"], className="small text-muted"),
        html.Div(
            _("Not reported yet by {partner}. Unit: {unit}.").format(
                partner=code, unit=unit_label(indicator.unit)
            )
        ),
    ]
    return True, indicator.code, what, "", "", False


@callback(
    Output("partner-enter-feedback", "children"),
    Output("partner-enter-feedback", "is_open"),
    Output("partner-enter-modal", "is_open", allow_duplicate=True),
    Output("partner-indicators", "children", allow_duplicate=True),
    Input("partner-enter-save", "n_clicks"),
    State("partner-entry", "data"),
    State("partner-enter-value", "value"),
    State("partner-enter-reason", "value"),
    State("partner-code", "data"),
    State("partner-period", "value"),
    prevent_initial_call=True,
)
def save_entry(_n, indicator_code, raw_value, reason, code, period):
    """Enter the missing value through services.observations: a submission like any other write."""
    actor = current_actor()
    with read_session() as session:
        if code not in partner_codes_visible_to(session, actor) or not indicator_code:
            raise NotFound(_("There is no such indicator."))
    try:
        perform(enter_value, code, indicator_code, period, raw_value, reason)
    except (CorrectionError, AccessDenied, DatabaseBusy) as error:
        return str(error), True, True, no_update
    with read_session() as session:
        report = indicator_report(session, code, period, view=latest_values(actor))
    return "", False, False, _indicator_body(report, code, period, actor.can_edit(code))
