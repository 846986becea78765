"""The Setup page's workbook: the whole setup exported as one .xlsx, and an edited workbook checked
(a dry run that changes nothing) and then imported, through services.setup_workbook."""

from __future__ import annotations

import base64
import binascii
from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.access import AccessDenied, current_actor
from dashboard.components.import_result import issues_table
from dashboard.components.links import linked
from dashboard.database import DatabaseBusy, app_settings, perform, read_session
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.queries.setup import (
    stored_content,
)
from i18n import _
from services.exports import record_export
from services.setup_workbook import import_setup_workbook, keep_setup_workbook
from services.stored_files import StorageFull
from workbooks.setup_workbook import setup_workbook


def import_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Import a setup workbook"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _(
                            "Export the setup, change it in a spreadsheet, and drop it here. Every cell "
                            "is checked like an edit on this page; you see the changes and problems "
                            "first, and nothing is written while there is an error."
                        ),
                        className="small text-muted",
                    ),
                    dcc.Upload(
                        id="setup-import-file",
                        children=html.Div(
                            linked(
                                _("Drop the setup workbook (.xlsx) here, or {choose}"),
                                choose=html.A(_("choose it")),
                            )
                        ),
                        accept=".xlsx",
                        className="upload-zone",
                    ),
                    dcc.Store(id="setup-import-sha"),
                    # What the preview showed (SetupImport.fingerprint): applying writes only that.
                    dcc.Store(id="setup-import-fingerprint"),
                    dcc.Loading(html.Div(id="setup-import-result", className="mt-3")),
                    dbc.Button(
                        _("Apply these changes"),
                        id="setup-import-apply",
                        n_clicks=0,
                        style={"display": "none"},
                    ),
                ]
            ),
        ],
        className="mt-4",
    )


@callback(
    Output("setup-download", "data"),
    Input("setup-export", "n_clicks"),
    prevent_initial_call=True,
)
def export_setup(_n):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        content = setup_workbook(session, visible)
    perform(record_export, "setup workbook", size=len(content))
    return dcc.send_bytes(content, f"SHARING-setup-{date.today().isoformat()}.xlsx")


def _run_setup_import(content: bytes, dry_run: bool, expected_fingerprint: str | None = None):
    return perform(
        import_setup_workbook, content, dry_run=dry_run, max_bytes=app_settings().max_upload_bytes,
        expected_fingerprint=expected_fingerprint,
    )  # fmt: skip


def _setup_import_summary(result, applied: bool) -> list:
    counts = ", ".join(
        _("{sheet}: {added} new, {updated} changed").format(
            sheet=sheet, added=result.added[sheet], updated=result.updated[sheet]
        )
        for sheet in result.added
    )
    if result.has_errors:
        head = dbc.Alert(
            _("Nothing was changed: fix the cells below and drop the workbook again."),
            color="danger",
        )
    elif result.outdated:
        head = dbc.Alert(
            _(
                "Nothing was changed: someone edited the setup after your preview. Now: {counts}"
            ).format(counts=counts),
            color="warning",
            id="setup-import-outdated",
        )
    elif applied:
        head = dbc.Alert(
            _("The setup was updated. {counts}").format(counts=counts), color="success"
        )
    else:
        head = dbc.Alert(_("The workbook is fine. {counts}").format(counts=counts), color="info")
    return [head, issues_table(result.issues) if result.issues else None]


@callback(
    Output("setup-import-result", "children"),
    Output("setup-import-sha", "data"),
    Output("setup-import-apply", "style"),
    Output("setup-import-fingerprint", "data"),
    Input("setup-import-file", "contents"),
    prevent_initial_call=True,
)
def check_setup_workbook(contents):
    hidden = {"display": "none"}
    try:
        content = base64.b64decode((contents or "").split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error):
        return (
            dbc.Alert(_("The file could not be received; drop it again."), color="danger"),
            None,
            hidden,
            None,
        )
    try:
        result = _run_setup_import(content, dry_run=True)
        sha256 = perform(keep_setup_workbook, content)
    except (AccessDenied, StorageFull, DatabaseBusy) as error:
        return dbc.Alert(str(error), color="danger"), None, hidden, None
    changes = sum(result.added.values()) + sum(result.updated.values())
    show = None if changes and not result.has_errors else hidden
    return _setup_import_summary(result, applied=False), sha256, show, result.fingerprint


@callback(
    Output("setup-import-result", "children", allow_duplicate=True),
    Output("setup-import-apply", "style", allow_duplicate=True),
    Output("setup-import-fingerprint", "data", allow_duplicate=True),
    Input("setup-import-apply", "n_clicks"),
    State("setup-import-sha", "data"),
    State("setup-import-fingerprint", "data"),
    prevent_initial_call=True,
)
def apply_setup_workbook(n_clicks, sha256, fingerprint):
    """Apply the workbook the user has just previewed: exactly the changes that preview showed. If
    someone edited the setup meanwhile, nothing changes and the new preview replaces the old one."""
    if not n_clicks or not sha256:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        content = stored_content(session, sha256)
    if content is None:
        return (
            dbc.Alert(_("Drop the workbook again."), color="warning"),
            {"display": "none"},
            no_update,
        )
    try:
        result = _run_setup_import(content, dry_run=False, expected_fingerprint=fingerprint)
    except (AccessDenied, StorageFull, DatabaseBusy) as error:
        return dbc.Alert(str(error), color="danger"), {"display": "none"}, no_update
    if result.outdated:
        return _setup_import_summary(result, applied=False), None, result.fingerprint
    summary = _setup_import_summary(result, applied=result.applied)
    summary.append(
        html.P(_("Reload the page to see the changes in the tables."), className="small")
    )
    return summary, {"display": "none"}, no_update
