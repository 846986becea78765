"""Users (monitoring officers): accounts and the read-only share links for meetings.

New accounts get no password from the officer: the page makes a one-time link (valid 72 hours) that the
officer passes on, and the owner chooses the password. Share links are shown once, when made. Every
change goes through services.accounts, with its audit event.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html
from flask import current_app, request

from dashboard.access import AccessDenied, current_actor
from dashboard.database import perform, read_session
from dashboard.queries.accounts import accounts, share_links
from dashboard.queries.catalogue import reporting_periods, visible_partners
from i18n import N_, _, page_title
from models import USER_ROLES
from rules.formatting import format_datetime
from services.accounts import (
    LANGUAGES,
    MAX_SHARE_LINK_DAYS,
    AccountError,
    add_user,
    create_password_link,
    create_share_link,
    revoke_share_link,
    set_active,
    sign_token,
    update_user,
)

dash.register_page(__name__, path="/users", name=N_("Users"), title=page_title("Users"), order=95)

ROLE_NAMES = {
    "admin": N_("monitoring officer (admin)"),
    "editor": N_("partner editor"),
    "viewer": N_("steering committee (viewer)"),
}


def layout(**_query):
    with read_session() as session:
        partners = visible_partners(session, current_actor())
        periods = reporting_periods(session)["label"].tolist()
    partner_options = [
        {"label": f"{code} · {name}", "value": code}
        for code, name in zip(partners["code"], partners["short_name"], strict=True)
    ]
    role_options = [{"label": _(ROLE_NAMES[role]), "value": role} for role in USER_ROLES]
    language_options = [{"label": code.upper(), "value": code} for code in LANGUAGES]
    return html.Div(
        [
            html.H1(_("Users")),
            html.Div(id="users-message"),
            html.H2(_("Accounts"), className="h4 mt-3"),
            html.Div(accounts_table(), id="users-table"),
            dbc.Card(
                [
                    dbc.CardHeader(_("Change an account")),
                    dbc.CardBody(
                        dbc.Row(
                            [
                                _field(
                                    _("Account"),
                                    dcc.Dropdown(id="users-account", options=account_options()),
                                    4,
                                ),
                                _field(
                                    _("New role"),
                                    dcc.Dropdown(id="users-change-role", options=role_options),
                                    2,
                                ),
                                _field(
                                    _("Partner (editors)"),
                                    dcc.Dropdown(
                                        id="users-change-partner", options=partner_options
                                    ),
                                    2,
                                ),
                                dbc.Col(
                                    [
                                        dbc.Button(
                                            _("Change role"),
                                            id="users-apply-role",
                                            n_clicks=0,
                                            color="primary",
                                            className="me-2 mb-2",
                                        ),
                                        dbc.Button(
                                            _("Set-password link"),
                                            id="users-password-link",
                                            n_clicks=0,
                                            color="outline-primary",
                                            className="me-2 mb-2",
                                        ),
                                        dbc.Button(
                                            _("Disable"),
                                            id="users-disable",
                                            n_clicks=0,
                                            color="outline-danger",
                                            className="me-2 mb-2",
                                        ),
                                        dbc.Button(
                                            _("Enable"),
                                            id="users-enable",
                                            n_clicks=0,
                                            color="outline-secondary",
                                            className="mb-2",
                                        ),
                                    ],
                                    md=4,
                                    className="d-flex flex-wrap align-items-end",
                                ),
                            ],
                            className="g-2",
                        )
                    ),
                ],
                className="mt-3",
            ),  # fmt: skip
            dbc.Card(
                [
                    dbc.CardHeader(_("Add an account")),
                    dbc.CardBody(
                        dbc.Row(
                            [
                                _field(
                                    _("E-mail address"),
                                    dbc.Input(id="users-add-email", type="email", maxLength=254),
                                    3,
                                ),
                                _field(
                                    _("Full name"), dbc.Input(id="users-add-name", maxLength=120), 3
                                ),
                                _field(
                                    _("Role"),
                                    dcc.Dropdown(id="users-add-role", options=role_options),
                                    2,
                                ),
                                _field(
                                    _("Partner (editors)"),
                                    dcc.Dropdown(id="users-add-partner", options=partner_options),
                                    2,
                                ),
                                _field(
                                    _("Language"),
                                    dcc.Dropdown(id="users-add-language", options=language_options),
                                    1,
                                ),
                                dbc.Col(
                                    dbc.Button(
                                        _("Add"), id="users-add", n_clicks=0, color="primary"
                                    ),
                                    md=1,
                                    className="d-flex align-items-end",
                                ),
                            ],
                            className="g-2",
                        )
                    ),
                ],
                className="mt-3",
            ),  # fmt: skip
            html.H2(_("Share links for meetings"), className="h4 mt-4"),
            html.P(
                _(
                    "A share link opens the dashboard read-only, without an account, showing approved "
                    "values, until it expires or you revoke it. Anyone holding it can read: send it only "
                    "to the meeting's participants."
                ),
                className="text-muted",
            ),
            dbc.Card(
                dbc.CardBody(
                    dbc.Row(
                        [
                            _field(
                                _("What it is for"),
                                dbc.Input(
                                    id="users-share-label",
                                    maxLength=200,
                                    placeholder=_("Steering committee, June"),
                                ),
                                4,
                            ),
                            _field(
                                _("Valid for (days)"),
                                dbc.Input(
                                    id="users-share-days",
                                    type="number",
                                    min=1,
                                    max=MAX_SHARE_LINK_DAYS,
                                    step=1,
                                    value=7,
                                ),
                                2,
                            ),
                            _field(
                                _("Language"),
                                dcc.Dropdown(id="users-share-language", options=language_options),
                                2,
                            ),
                            _field(
                                _("Period"),
                                dcc.Dropdown(
                                    id="users-share-period",
                                    options=[{"label": p, "value": p} for p in periods],
                                ),
                                2,
                            ),
                            dbc.Col(
                                dbc.Button(
                                    _("Create the link"),
                                    id="users-share-create",
                                    n_clicks=0,
                                    color="primary",
                                ),
                                md=2,
                                className="d-flex align-items-end",
                            ),
                        ],
                        className="g-2",
                    )
                ),
            ),  # fmt: skip
            html.Div(share_links_view(), id="users-share-table", className="mt-3"),
            dbc.Row(
                [
                    _field(
                        _("Link"),
                        dcc.Dropdown(id="users-share-link", options=share_link_options()),
                        6,
                    ),
                    dbc.Col(
                        dbc.Button(
                            _("Revoke"), id="users-share-revoke", n_clicks=0, color="outline-danger"
                        ),
                        md=2,
                        className="d-flex align-items-end",
                    ),
                ],
                className="g-2 mb-4",
            ),  # fmt: skip
        ]
    )


def _field(label: str, control, width: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control.id), control], md=width)


def accounts_table() -> dbc.Table:
    with read_session() as session:
        rows = accounts(session)
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("E-mail address")), html.Th(_("Full name")), html.Th(_("Role")),
                html.Th(_("Partner")), html.Th(_("Language")), html.Th(_("Status")),
                html.Th(_("Last sign-in")),
            ]
        )
    )  # fmt: skip
    body = [
        html.Tr(
            [
                html.Td(row.email),
                html.Td(row.name),
                html.Td(_(ROLE_NAMES[row.role])),
                html.Td(row.partner_code or ""),
                html.Td((row.language or "").upper()),
                html.Td(
                    _("active") if row.is_active else _("disabled"),
                    className="" if row.is_active else "text-muted",
                )
                if row.has_password or not row.is_active
                else html.Td(_("waiting for a password"), className="text-warning"),
                html.Td(
                    format_datetime(row.last_sign_in_at) if row.last_sign_in_at else _("never")
                ),
            ],
            className="" if row.is_active else "text-muted",
        )
        for row in rows
    ]
    return dbc.Table(
        [head, html.Tbody(body)], size="sm", hover=True, responsive=True, id="users-accounts"
    )


def account_options() -> list[dict]:
    with read_session() as session:
        return [
            {"label": f"{row.email} ({row.name})", "value": row.id} for row in accounts(session)
        ]


def share_links_view():
    with read_session() as session:
        rows = share_links(session)
    if not rows:
        return html.P(_("No share links yet."), className="text-muted")
    head = html.Thead(
        html.Tr(
            [
                html.Th(_("What it is for")), html.Th(_("Language")), html.Th(_("Period")),
                html.Th(_("Made by")), html.Th(_("Expires")), html.Th(_("Last opened")),
                html.Th(_("Status")),
            ]
        )
    )  # fmt: skip
    body = [
        html.Tr(
            [
                html.Td(row.label),
                html.Td((row.language or "").upper()),
                html.Td(row.period_label or ""),
                html.Td(row.created_by),
                html.Td(format_datetime(row.expires_at)),
                html.Td(format_datetime(row.last_used_at) if row.last_used_at else _("never")),
                html.Td(
                    _("valid")
                    if row.is_valid
                    else (_("revoked") if row.revoked_at else _("expired"))
                ),
            ]
        )
        for row in rows
    ]
    return dbc.Table([head, html.Tbody(body)], size="sm", responsive=True, id="users-share-links")


def share_link_options() -> list[dict]:
    with read_session() as session:
        return [
            {"label": f"#{row.id} {row.label}", "value": row.id}
            for row in share_links(session)
            if row.is_valid
        ]


def _link(purpose: str, token: str) -> str:
    path = "set-password" if purpose == "set-password" else "share"
    return f"{request.host_url}{path}/{sign_token(current_app.secret_key, purpose, token)}"


def _shown_once(text: str, link: str, component_id: str) -> dbc.Alert:
    """A link shown this once (only its digest is stored): copy it now."""
    return dbc.Alert(
        [
            html.Div(text),
            html.Code(
                link, className="d-block user-select-all mt-2 text-break", id=f"{component_id}-url"
            ),
            html.Small(_("Copy it now: it is not shown again."), className="text-muted"),
        ],
        color="success",
        id=component_id,
    )


@callback(
    Output("users-message", "children"),
    Output("users-table", "children"),
    Output("users-account", "options"),
    Input("users-add", "n_clicks"),
    Input("users-apply-role", "n_clicks"),
    Input("users-password-link", "n_clicks"),
    Input("users-disable", "n_clicks"),
    Input("users-enable", "n_clicks"),
    State("users-add-email", "value"),
    State("users-add-name", "value"),
    State("users-add-role", "value"),
    State("users-add-partner", "value"),
    State("users-add-language", "value"),
    State("users-account", "value"),
    State("users-change-role", "value"),
    State("users-change-partner", "value"),
    prevent_initial_call=True,
)
def change_accounts(_add, _role, _link_clicks, _disable, _enable, email, name, role, partner,
                    language, account, new_role, new_partner):  # fmt: skip
    trigger = ctx.triggered_id
    if not trigger or not any(item["value"] for item in ctx.triggered):
        raise dash.exceptions.PreventUpdate
    try:
        if trigger == "users-add":
            if not role:
                raise AccountError(_("Choose the role of the new account."))
            user_id, token = perform(
                _add_with_link, email or "", role, partner, name or "", language
            )
            message = _shown_once(
                _("Account added. Pass this one-time link on to its owner to choose a password (valid 72 hours):"),
                _link("set-password", token), "users-link",
            )  # fmt: skip
        elif account is None:
            raise AccountError(_("Choose the account first."))
        elif trigger == "users-apply-role":
            if not new_role:
                raise AccountError(_("Choose the new role."))
            perform(update_user, account, role=new_role, partner_code=new_partner)
            message = dbc.Alert(
                _("Role changed; the account is signed out everywhere."),
                color="success",
                id="users-done",
            )
        elif trigger == "users-password-link":
            token = perform(create_password_link, account)
            message = _shown_once(
                _("Pass this one-time link on to the account's owner (valid 72 hours; earlier links stop working):"),
                _link("set-password", token), "users-link",
            )  # fmt: skip
        else:
            active = trigger == "users-enable"
            perform(set_active, account, active)
            message = dbc.Alert(
                _("Account enabled.") if active else _("Account disabled and signed out everywhere."),
                color="success", id="users-done",
            )  # fmt: skip
    except (AccountError, AccessDenied) as refusal:
        message = dbc.Alert(str(refusal), color="danger", id="users-refused")
    return message, accounts_table(), account_options()


def _add_with_link(session, actor, email, role, partner, name, language):
    user = add_user(session, actor, email, role, partner_code=partner, name=name, language=language)
    return user.id, create_password_link(session, actor, user.id)


@callback(
    Output("users-message", "children", allow_duplicate=True),
    Output("users-share-table", "children"),
    Output("users-share-link", "options"),
    Input("users-share-create", "n_clicks"),
    Input("users-share-revoke", "n_clicks"),
    State("users-share-label", "value"),
    State("users-share-days", "value"),
    State("users-share-language", "value"),
    State("users-share-period", "value"),
    State("users-share-link", "value"),
    prevent_initial_call=True,
)
def change_share_links(_create, _revoke, label, days, language, period, link_id):
    trigger = ctx.triggered_id
    if not trigger or not any(item["value"] for item in ctx.triggered):
        raise dash.exceptions.PreventUpdate
    try:
        if trigger == "users-share-create":
            _row, token = perform(
                create_share_link, label or "", days=days if isinstance(days, int) else 0,
                language=language, period_label=period,
            )  # fmt: skip
            message = _shown_once(
                _("Share link created (read-only, approved values):"), _link("share-link", token),
                "users-share-created",
            )  # fmt: skip
        else:
            if link_id is None:
                raise AccountError(_("Choose the link to revoke."))
            perform(revoke_share_link, link_id)
            message = dbc.Alert(
                _("Link revoked: it no longer opens anything."),
                color="success",
                id="users-share-revoked",
            )
    except (AccountError, AccessDenied) as refusal:
        message = dbc.Alert(str(refusal), color="danger", id="users-refused")
    return message, share_links_view(), share_link_options()
