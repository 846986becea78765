"""Setup (monitoring officers): the indicator catalogue, targets and milestones, partners and reporting
periods, edited in place in grids and exported as one workbook.

Every edited cell is validated on the server (numbers as partners write them, known codes, units); a
refused value is put back and the message names the field. Grids are dash-ag-grid; ids are pattern-matching
(``{"type": "setup-grid", "table": "target"}``) so one callback serves every table.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import date, datetime

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard.access import AccessDenied, current_actor
from dashboard.components.import_result import issues_table
from dashboard.database import app_settings, perform, read_session
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.queries.setup import (
    indicators_frame,
    milestones_frame,
    partners_frame,
    periods_frame,
    stored_content,
    targets_frame,
)
from i18n import _
from models import AGGREGATIONS, CATEGORIES, INSTRUMENT_KINDS, VALUE_KINDS
from models.partner import PARTNER_LEVELS, PARTNER_ROLES
from services.catalogue import (
    DELETABLE,
    EDITABLE,
    SetupError,
    add_and_label,
    add_indicator,
    add_milestone,
    add_partner,
    add_target,
    delete_setup_row,
    describe_row,
    update_setup_value,
)
from services.setup_workbook import import_setup_workbook, keep_setup_workbook
from workbooks.setup_workbook import setup_workbook

dash.register_page(__name__, path="/setup", name=_("Setup"), title=_("Setup"), order=90)

GRID = "setup-grid"
FEEDBACK = "setup-feedback"
DELETE = "setup-delete"
DELETE_MODAL = "setup-delete-modal"
DELETE_TEXT = "setup-delete-text"
DELETE_PENDING = "setup-delete-pending"
DELETE_CONFIRM = "setup-delete-confirm"
DELETE_CANCEL = "setup-delete-cancel"
HISTORY = "setup-history"
CHOICES = {
    "category": CATEGORIES,
    "value_kind": VALUE_KINDS,
    "aggregation": AGGREGATIONS,
    "level": PARTNER_LEVELS,
    "role": PARTNER_ROLES,
}
COLUMNS = {
    "indicator": [
        ("code", _("Code")), ("name", _("Name")), ("unit", _("Unit")), ("category", _("Category")),
        ("value_kind", _("Kind of value")), ("aggregation", _("Aggregation")),
        ("higher_is_better", _("Higher is better")), ("eu_code", _("EU code")),
        ("display_order", _("Order")), ("description", _("Description")),
    ],
    "target": [
        ("partner_code", _("Partner")), ("indicator_code", _("Indicator")), ("unit", _("Unit")),
        ("baseline_value", _("Baseline")), ("baseline_date", _("Baseline date")),
        ("target_value", _("Target")), ("is_demo", _("Demo data")),
    ],
    "milestone": [
        ("partner_code", _("Partner")), ("indicator_code", _("Indicator")), ("period", _("Period")),
        ("value", _("Milestone value")), ("unit", _("Unit")),
    ],
    "partner": [
        ("code", _("Code")), ("name", _("Name")), ("short_name", _("Short name")),
        ("country", _("Country")), ("nuts_code", _("NUTS code")), ("level", _("Level")),
        ("role", _("Role")), ("display_order", _("Order")),
    ],
    "period": [
        ("label", _("Period")), ("start_date", _("Start")), ("end_date", _("End")),
        ("due_date", _("Report due")), ("phase", _("Phase")),
    ],
}  # fmt: skip


def layout(**_query):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor)
        frames = _frames(session, visible)
    indicator_codes = list(frames["indicator"]["code"])
    periods = list(frames["period"]["label"])
    officer = actor.can_edit(None)
    tabs = [
        _tab("indicator", _("Indicator catalogue"), frames, officer, _add_indicator_form()),
        _tab(
            "target",
            _("Targets"),
            frames,
            True,
            _add_target_form(visible, indicator_codes),
        ),
        _tab(
            "milestone",
            _("Milestones"),
            frames,
            True,
            _add_milestone_form(visible, indicator_codes, periods),
        ),
        _tab(
            "partner",
            _("Partners"),
            frames,
            officer,
            html.Div(
                [
                    _add_partner_form() if officer else None,
                    html.P(
                        _(
                            "Partners cannot be deleted: their reported values and uploaded "
                            "workbooks refer to them."
                        ),
                        className="small text-muted mt-2",
                    ),
                ]
            ),
        ),
        _tab(
            "period",
            _("Reporting periods"),
            frames,
            officer,
            html.P(
                _(
                    "Periods follow from the project start (SHARING_PROJECT_START) by the programme's "
                    "rules: 6 months each, the last one 9; each report is due 3 months after its "
                    "period. Only the due date can be changed here, and periods cannot be deleted "
                    "(reported values and workbooks refer to them)."
                ),
                className="small text-muted mt-2",
            ),
        ),
    ]
    return html.Div(
        [
            dcc.Download(id="setup-download"),
            dbc.Row(
                [
                    dbc.Col(html.H1(_("Setup")), xs="auto"),
                    dbc.Col(
                        dbc.Button(
                            _("Export the setup as a workbook"),
                            id="setup-export",
                            color="outline-primary",
                            n_clicks=0,
                        ),
                        xs="auto",
                        className="ms-auto",
                    ),
                ],
                align="center",
                className="mb-2",
            ),
            html.P(
                _(
                    "Double-click a cell to change it; the change is checked and saved at once. "
                    "Codes are fixed because workbooks refer to them. To delete an indicator, a "
                    "target or a milestone, select its row and press Delete selected."
                ),
                className="text-muted",
            ),
            dbc.Tabs(tabs, id="setup-tabs", active_tab="indicator"),
            _import_card() if officer else None,
        ]
    )


def _import_card() -> dbc.Card:
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
                            [_("Drop the setup workbook (.xlsx) here, or "), html.A(_("choose it"))]
                        ),
                        accept=".xlsx",
                        className="upload-zone",
                    ),
                    dcc.Store(id="setup-import-sha"),
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


def _frames(session, visible: list[str]) -> dict[str, pd.DataFrame]:
    return {
        "indicator": indicators_frame(session),
        "target": targets_frame(session, visible),
        "milestone": milestones_frame(session, visible),
        "partner": partners_frame(session, visible),
        "period": periods_frame(session),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the grid: dates as ISO text, missing numbers as empty cells."""

    def cell(value):
        if isinstance(value, date | datetime):
            return value.isoformat()
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    return [{key: cell(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _column_defs(table: str, editable: bool) -> list[dict]:
    fields = EDITABLE.get(table, {})
    defs = []
    for column, header in COLUMNS[table]:
        definition = {"field": column, "headerName": header, "headerTooltip": header}
        if column in CHOICES or column in ("unit", "higher_is_better", "short_name"):
            definition["minWidth"] = 150
        if editable and column in fields:
            definition["editable"] = True
            definition["cellClass"] = "setup-editable"
            if column in CHOICES:
                definition["cellEditor"] = "agSelectCellEditor"
                definition["cellEditorParams"] = {"values": list(CHOICES[column])}
            if fields[column].kind in ("number", "integer", "date", "code", "country", "text"):
                # Raw text reaches the server, which reads "1 234" and "12,5" like the importer does
                # (a number editor would turn them into empty cells).
                definition["cellDataType"] = "text"
            if fields[column].kind == "boolean":
                definition["cellEditor"] = "agCheckboxCellEditor"
        if column in ("code", "partner_code", "indicator_code", "label"):
            definition["pinned"] = "left"
            definition["minWidth"] = 175
        if column in ("name", "description"):
            definition["minWidth"] = 260
        if column in ("baseline_value", "target_value", "value", "display_order"):
            definition["type"] = "rightAligned"
            # An explicit cellClass replaces the one the column type brings, so name both.
            definition["cellClass"] = [
                name for name in (definition.get("cellClass"), "ag-right-aligned-cell") if name
            ]
        defs.append(definition)
    return defs


def _tab(table: str, label: str, frames, editable: bool, extra) -> dbc.Tab:
    deletable = table in DELETABLE and current_actor().can_edit(None)
    grid_options = {"stopEditingWhenCellsLoseFocus": True, "singleClickEdit": False}
    if deletable:
        grid_options["rowSelection"] = {"mode": "singleRow", "enableClickSelection": False}
        grid_options["selectionColumnDef"] = {"pinned": "left"}
    grid = dag.AgGrid(
        id={"type": GRID, "table": table},
        rowData=_records(frames[table]),
        columnDefs=_column_defs(table, editable),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
        getRowId="params.data.id",
        columnSize="responsiveSizeToFit",
        dashGridOptions=grid_options,
        className="setup-grid",
    )
    return dbc.Tab(
        html.Div(
            [
                dbc.Alert(
                    id={"type": FEEDBACK, "table": table},
                    is_open=False,
                    dismissable=True,
                    className="mt-2 mb-2",
                ),
                grid,
                _delete_controls(table) if deletable else None,
                extra,
            ],
            className="pt-2",
        ),
        label=label,
        tab_id=table,
    )


DELETE_TITLES = {
    "indicator": _("Delete this indicator?"),
    "target": _("Delete this target?"),
    "milestone": _("Delete this milestone?"),
}


def _delete_controls(table: str) -> html.Div:
    """The Delete selected button and the dialog that asks before anything is deleted."""
    return html.Div(
        [
            dbc.Button(
                _("Delete selected"),
                id={"type": DELETE, "table": table},
                color="outline-danger",
                size="sm",
                disabled=True,
                n_clicks=0,
            ),
            dcc.Link(
                _("History of the selected row"),
                id={"type": HISTORY, "table": table},
                href=f"/activity?object={table}",
                className="ms-3 small",
            ),
            dcc.Store(id={"type": DELETE_PENDING, "table": table}),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(DELETE_TITLES[table])),
                    dbc.ModalBody(id={"type": DELETE_TEXT, "table": table}),
                    dbc.ModalFooter(
                        [
                            dbc.Button(
                                _("Cancel"),
                                id={"type": DELETE_CANCEL, "table": table},
                                color="secondary",
                                n_clicks=0,
                            ),
                            dbc.Button(
                                _("Delete"),
                                id={"type": DELETE_CONFIRM, "table": table},
                                color="danger",
                                n_clicks=0,
                            ),
                        ]
                    ),
                ],
                id={"type": DELETE_MODAL, "table": table},
                is_open=False,
            ),
        ],
        className="mt-2",
    )


def _add_form(table: str, title: str, controls: list, button: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(title, className="h6"),
                dbc.Row(
                    [dbc.Col(control, xs=12, md=True) for control in controls]
                    + [
                        dbc.Col(
                            dbc.Button(button, id=f"setup-add-{table}", n_clicks=0),
                            xs=12,
                            md="auto",
                            className="d-flex align-items-end",
                        )
                    ],
                    className="g-2",
                ),
            ]
        ),
        className="mt-3",
    )


def _labelled(component_id: str, label: str, control) -> html.Div:
    return html.Div([dbc.Label(label, html_for=component_id, className="small mb-1"), control])


def _select(component_id: str, label: str, values) -> html.Div:
    return _labelled(
        component_id,
        label,
        dbc.Select(id=component_id, options=[{"label": v, "value": v} for v in values]),
    )


def _text(component_id: str, label: str, placeholder: str = "") -> html.Div:
    return _labelled(component_id, label, dbc.Input(id=component_id, placeholder=placeholder))


def _add_target_form(partners, indicators) -> dbc.Card:
    return _add_form(
        "target",
        _("Add a target"),
        [
            _select("setup-target-partner", _("Partner"), partners),
            _select("setup-target-indicator", _("Indicator"), indicators),
            _text("setup-target-baseline", _("Baseline (optional)"), "12,5"),
            _text("setup-target-value", _("Target"), "1 250"),
        ],
        _("Add target"),
    )


def _add_milestone_form(partners, indicators, periods) -> dbc.Card:
    return _add_form(
        "milestone",
        _("Add a milestone"),
        [
            _select("setup-milestone-partner", _("Partner"), partners),
            _select("setup-milestone-indicator", _("Indicator"), indicators),
            _select("setup-milestone-period", _("Period"), periods),
            _text("setup-milestone-value", _("Value expected by the period's end")),
        ],
        _("Add milestone"),
    )


def _add_partner_form() -> dbc.Card:
    return _add_form(
        "partner",
        _("Add a partner"),
        [
            _text("setup-partner-code", _("Code"), "TALLINN"),
            _text("setup-partner-name", _("Name")),
            _text("setup-partner-short", _("Short name")),
            _text("setup-partner-country", _("Country"), "EE"),
            _text("setup-partner-nuts", _("NUTS code"), "EE001"),
            _select("setup-partner-level", _("Level"), PARTNER_LEVELS),
            _text("setup-partner-instrument", _("Policy instrument")),
            _select("setup-partner-kind", _("Kind of instrument"), INSTRUMENT_KINDS),
            _text("setup-partner-body", _("Managing body")),
        ],
        _("Add partner"),
    )


def _add_indicator_form() -> dbc.Card:
    return _add_form(
        "indicator",
        _("Add an indicator"),
        [
            _text("setup-indicator-code", _("Code"), "ESU-APPS"),
            _text("setup-indicator-name", _("Name")),
            _text("setup-indicator-unit", _("Unit"), "users"),
            _select("setup-indicator-category", _("Category"), CATEGORIES),
            _select("setup-indicator-kind", _("Kind of value"), VALUE_KINDS),
            _select("setup-indicator-aggregation", _("Aggregation"), AGGREGATIONS),
        ],
        _("Add indicator"),
    )


@callback(
    Output({"type": GRID, "table": MATCH}, "rowTransaction"),
    Output({"type": FEEDBACK, "table": MATCH}, "children"),
    Output({"type": FEEDBACK, "table": MATCH}, "color"),
    Output({"type": FEEDBACK, "table": MATCH}, "is_open"),
    Input({"type": GRID, "table": MATCH}, "cellValueChanged"),
    prevent_initial_call=True,
)
def save_cell(changes):
    """Save each edited cell, or put the old value back and say why."""
    table = ctx.triggered_id["table"]
    restored, messages, failed = [], [], False
    for change in changes or []:
        row, column = dict(change["data"]), change["colId"]
        try:
            saved = perform(update_setup_value, table, int(row["id"]), column, change["value"])
            messages.append(_("Saved {what} ({key}).").format(what=saved, key=_row_key(row)))
            row.update(_stored_row(table, int(row["id"])))
        except (SetupError, AccessDenied) as error:
            failed = True
            messages.append(str(error))
            row[column] = change["oldValue"]
        restored.append(row)
    return {"update": restored}, " ".join(messages), "danger" if failed else "success", True


def _row_key(row: dict) -> str:
    return " · ".join(
        str(row[key])
        for key in ("code", "partner_code", "indicator_code", "period", "label")
        if row.get(key)
    )


def _stored_row(table: str, row_id: int) -> dict:
    """The row as stored after a save (codes upper-cased, numbers parsed, demo flag cleared)."""
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        frame = _frames(session, visible)[table]
    found = frame[frame["id"] == row_id]
    return _records(found)[0] if not found.empty else {}


def _refresh(table: str) -> list[dict]:
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        return _records(_frames(session, visible)[table])


def _added(table: str, service, *args, **kwargs) -> tuple:
    try:
        what = perform(add_and_label, service, table, *args, **kwargs)
    except (SetupError, AccessDenied) as error:
        return no_update, str(error), "danger", True
    return _refresh(table), _("Added {what}.").format(what=what), "success", True


def _add_outputs(table: str) -> list[Output]:
    return [
        Output({"type": GRID, "table": table}, "rowData", allow_duplicate=True),
        Output({"type": FEEDBACK, "table": table}, "children", allow_duplicate=True),
        Output({"type": FEEDBACK, "table": table}, "color", allow_duplicate=True),
        Output({"type": FEEDBACK, "table": table}, "is_open", allow_duplicate=True),
    ]


@callback(
    *_add_outputs("target"),
    Input("setup-add-target", "n_clicks"),
    State("setup-target-partner", "value"),
    State("setup-target-indicator", "value"),
    State("setup-target-baseline", "value"),
    State("setup-target-value", "value"),
    prevent_initial_call=True,
)
def add_target_row(_n, partner, indicator, baseline, value):
    return _added("target", add_target, partner or "", indicator or "", value, baseline)


@callback(
    *_add_outputs("milestone"),
    Input("setup-add-milestone", "n_clicks"),
    State("setup-milestone-partner", "value"),
    State("setup-milestone-indicator", "value"),
    State("setup-milestone-period", "value"),
    State("setup-milestone-value", "value"),
    prevent_initial_call=True,
)
def add_milestone_row(_n, partner, indicator, period, value):
    return _added("milestone", add_milestone, partner or "", indicator or "", period or "", value)


@callback(
    *_add_outputs("indicator"),
    Input("setup-add-indicator", "n_clicks"),
    State("setup-indicator-code", "value"),
    State("setup-indicator-name", "value"),
    State("setup-indicator-unit", "value"),
    State("setup-indicator-category", "value"),
    State("setup-indicator-kind", "value"),
    State("setup-indicator-aggregation", "value"),
    prevent_initial_call=True,
)
def add_indicator_row(_n, code, name, unit, category, kind, aggregation):
    return _added(
        "indicator", add_indicator, code or "", name or "", unit or "", category or "",
        kind or "", aggregation or "",
    )  # fmt: skip


@callback(
    *_add_outputs("partner"),
    Input("setup-add-partner", "n_clicks"),
    State("setup-partner-code", "value"),
    State("setup-partner-name", "value"),
    State("setup-partner-short", "value"),
    State("setup-partner-country", "value"),
    State("setup-partner-nuts", "value"),
    State("setup-partner-level", "value"),
    State("setup-partner-instrument", "value"),
    State("setup-partner-kind", "value"),
    State("setup-partner-body", "value"),
    prevent_initial_call=True,
)
def add_partner_row(_n, code, name, short, country, nuts, level, instrument, kind, body):
    return _added(
        "partner", add_partner, code=code or "", name=name or "", short_name=short or "",
        country=country or "", nuts_code=nuts or "", level=level or "",
        instrument_title=instrument or "", instrument_kind=kind or "", managing_body=body or "",
    )  # fmt: skip


@callback(
    Output({"type": DELETE, "table": MATCH}, "disabled"),
    Input({"type": GRID, "table": MATCH}, "selectedRows"),
)
def enable_delete(selected):
    return not selected


@callback(
    Output({"type": HISTORY, "table": MATCH}, "href"),
    Input({"type": GRID, "table": MATCH}, "selectedRows"),
)
def link_history(selected):
    """The Activity view of the selected row (its audit events, like a value's revision history)."""
    table = ctx.triggered_id["table"] if isinstance(ctx.triggered_id, dict) else None
    table = table or ctx.outputs_list["id"]["table"]
    if not selected:
        return f"/activity?object={table}"
    return f"/activity?object={table}&id={int(selected[0]['id'])}"


@callback(
    Output({"type": DELETE_MODAL, "table": MATCH}, "is_open"),
    Output({"type": DELETE_TEXT, "table": MATCH}, "children"),
    Output({"type": DELETE_PENDING, "table": MATCH}, "data"),
    Input({"type": DELETE, "table": MATCH}, "n_clicks"),
    State({"type": GRID, "table": MATCH}, "selectedRows"),
    prevent_initial_call=True,
)
def ask_before_deleting(_n, selected):
    """Name the selected row in the dialog; nothing is deleted until Delete is pressed there."""
    if not selected:
        raise dash.exceptions.PreventUpdate
    table, row_id = ctx.triggered_id["table"], int(selected[0]["id"])
    try:
        with read_session() as session:
            what = describe_row(session, table, row_id)
    except SetupError as error:  # deleted meanwhile, e.g. in another tab
        return True, str(error), None
    warning = {
        "indicator": _("It is removed from the catalogue; this is refused while values or "
                       "targets use it."),
        "target": _("Its milestones are deleted with it."),
        "milestone": "",
    }[table]  # fmt: skip
    text = [html.P(html.Strong(what)), html.P(warning) if warning else None,
            html.P(_("This cannot be undone."), className="mb-0")]  # fmt: skip
    return True, text, {"table": table, "id": row_id}


@callback(
    Output({"type": DELETE_MODAL, "table": MATCH}, "is_open", allow_duplicate=True),
    Output({"type": GRID, "table": MATCH}, "rowData", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "children", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "color", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "is_open", allow_duplicate=True),
    Input({"type": DELETE_CONFIRM, "table": MATCH}, "n_clicks"),
    Input({"type": DELETE_CANCEL, "table": MATCH}, "n_clicks"),
    State({"type": DELETE_PENDING, "table": MATCH}, "data"),
    prevent_initial_call=True,
)
def delete_row(_confirm, _cancel, pending):
    if ctx.triggered_id["type"] == DELETE_CANCEL or not pending:
        return False, no_update, no_update, no_update, no_update
    try:
        what = perform(delete_setup_row, pending["table"], pending["id"])
    except (SetupError, AccessDenied) as error:
        return False, no_update, str(error), "danger", True
    deleted = _("Deleted {what}.").format(what=what)
    return False, _refresh(pending["table"]), deleted, "success", True


@callback(
    Output("setup-download", "data"),
    Input("setup-export", "n_clicks"),
    prevent_initial_call=True,
)
def export_setup(_n):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        content = setup_workbook(session, visible)
    return dcc.send_bytes(content, f"SHARING-setup-{date.today().isoformat()}.xlsx")


def _run_setup_import(content: bytes, dry_run: bool):
    return perform(
        import_setup_workbook, content, dry_run=dry_run, max_bytes=app_settings().max_upload_bytes
    )


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
    elif applied:
        head = dbc.Alert(_("The setup was updated. ") + counts, color="success")
    else:
        head = dbc.Alert(_("The workbook is fine. ") + counts, color="info")
    return [head, issues_table(result.issues) if result.issues else None]


@callback(
    Output("setup-import-result", "children"),
    Output("setup-import-sha", "data"),
    Output("setup-import-apply", "style"),
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
        )
    try:
        result = _run_setup_import(content, dry_run=True)
        sha256 = perform(keep_setup_workbook, content)
    except AccessDenied as error:
        return dbc.Alert(str(error), color="danger"), None, hidden
    changes = sum(result.added.values()) + sum(result.updated.values())
    show = None if changes and not result.has_errors else hidden
    return _setup_import_summary(result, applied=False), sha256, show


@callback(
    Output("setup-import-result", "children", allow_duplicate=True),
    Output("setup-import-apply", "style", allow_duplicate=True),
    Input("setup-import-apply", "n_clicks"),
    State("setup-import-sha", "data"),
    prevent_initial_call=True,
)
def apply_setup_workbook(n_clicks, sha256):
    if not n_clicks or not sha256:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        content = stored_content(session, sha256)
    if content is None:
        return dbc.Alert(_("Drop the workbook again."), color="warning"), {"display": "none"}
    try:
        result = _run_setup_import(content, dry_run=False)
    except AccessDenied as error:
        return dbc.Alert(str(error), color="danger"), {"display": "none"}
    summary = _setup_import_summary(result, applied=result.applied)
    summary.append(
        html.P(_("Reload the page to see the changes in the tables."), className="small")
    )
    return summary, {"display": "none"}
