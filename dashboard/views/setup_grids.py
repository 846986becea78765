"""The Setup page's grids: one dash-ag-grid per table, cells validated and saved on the server as they
are edited (a refused value is put back and the message names the field), the history link of the
selected row, and deletion after a confirmation. Ids are pattern-matching
(``{"type": "setup-grid", "table": "target"}``) so one callback serves every table.

With the region's hundreds of bodies the targets and milestones of even one county are thousands of rows
(1.9 MB for Dolj's): those two grids then use AG Grid's infinite row model, the server answering each
block of BLOCK_ROWS rows (sorted and filtered on the server, ``serve_rows``). Such a grid cannot take row
transactions or new row data, so saved rows and "load again" reach it through a store of its own that a
clientside function (assets/70-setup-grids.js) applies with the grid's API.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import (
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from dashboard.access import AccessDenied, current_actor
from dashboard.database import DatabaseBusy, perform, read_session
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.queries.setup import (
    indicators_frame,
    milestones_frame,
    partners_frame,
    periods_frame,
    targets_frame,
)
from i18n import N_, _
from models import AGGREGATIONS, CATEGORIES, VALUE_KINDS
from models.partner import PARTNER_LEVELS, PARTNER_ROLES
from services.catalogue import (
    DELETABLE,
    EDITABLE,
    SetupError,
    delete_setup_row,
    describe_row,
    update_setup_value,
)

GRID = "setup-grid"
FEEDBACK = "setup-feedback"
DELETE = "setup-delete"
DELETE_MODAL = "setup-delete-modal"
DELETE_TEXT = "setup-delete-text"
DELETE_PENDING = "setup-delete-pending"
DELETE_CONFIRM = "setup-delete-confirm"
DELETE_CANCEL = "setup-delete-cancel"
HISTORY = "setup-history"
# Infinite grids only: rows to put in place, or {"purge": ...} to load every block again; and the
# clientside function's (unused) output.
SYNC = "setup-grid-sync"
SYNCED = "setup-grid-synced"
# The tables whose grids load block by block once the page is scoped to a group of bodies.
PAGED_TABLES = ("target", "milestone")
BLOCK_ROWS = 100
# The partners whose targets and milestones the page shows (None: every visible one); see pages/setup.py.
SCOPE = "setup-scope"
CHOICES = {
    "category": CATEGORIES,
    "value_kind": VALUE_KINDS,
    "aggregation": AGGREGATIONS,
    "level": PARTNER_LEVELS,
    "role": PARTNER_ROLES,
}
COLUMNS = {
    "indicator": [
        ("code", N_("Code")), ("name", N_("Name")), ("name_fr", N_("Name in French")),
        ("name_ro", N_("Name in Romanian")), ("name_hr", N_("Name in Croatian")),
        ("name_lv", N_("Name in Latvian")), ("unit", N_("Unit")), ("category", N_("Category")),
        ("value_kind", N_("Kind of value")), ("aggregation", N_("Aggregation")),
        ("higher_is_better", N_("Higher is better")), ("eu_code", N_("EU code")),
        ("display_order", N_("Order")), ("description", N_("Description")),
    ],
    "target": [
        ("partner_code", N_("Partner")), ("indicator_code", N_("Indicator")), ("unit", N_("Unit")),
        ("baseline_value", N_("Baseline")), ("baseline_date", N_("Baseline date")),
        ("target_value", N_("Target")), ("is_demo", N_("Demo data")),
    ],
    "milestone": [
        ("partner_code", N_("Partner")), ("indicator_code", N_("Indicator")), ("period", N_("Period")),
        ("value", N_("Milestone value")), ("unit", N_("Unit")),
    ],
    "partner": [
        ("code", N_("Code")), ("name", N_("Name")), ("short_name", N_("Short name")),
        ("country", N_("Country")), ("nuts_code", N_("NUTS code")), ("level", N_("Level")),
        ("role", N_("Role")), ("display_order", N_("Order")),
    ],
    "period": [
        ("label", N_("Period")), ("start_date", N_("Start")), ("end_date", N_("End")),
        ("due_date", N_("Report due")), ("phase", N_("Phase")),
    ],
}  # fmt: skip


def setup_frames(
    session, visible: list[str], scope: list[str] | None = None, tables=None
) -> dict[str, pd.DataFrame]:
    """The rows of ``tables`` (default every table) for the Setup grids; targets and milestones only
    of the partners in ``scope`` (None: all ``visible``), as the page's group of bodies chose them."""
    return {
        table: setup_frame(session, table, visible, scope) for table in tables or COLUMNS.keys()
    }


def setup_frame(
    session, table: str, visible: list[str], scope: list[str] | None = None
) -> pd.DataFrame:
    scoped = visible if scope is None else [code for code in visible if code in set(scope)]
    if table == "indicator":
        return indicators_frame(session)
    if table == "target":
        return targets_frame(session, scoped)
    if table == "milestone":
        return milestones_frame(session, scoped)
    if table == "partner":
        return partners_frame(session, visible)
    return periods_frame(session)


def records(frame: pd.DataFrame) -> list[dict]:
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
    for column, label in COLUMNS[table]:
        header = _(label)
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
        if column in ("is_demo", "higher_is_better"):
            # Said, not inferred: a grid loading by blocks has no rows to infer it from.
            definition["cellDataType"] = "boolean"
        if column in ("code", "partner_code", "indicator_code", "label"):
            definition["pinned"] = "left"
            definition["minWidth"] = 175
        if column.startswith("name_"):
            # A missing translation: the English name is shown in that language until it is filled.
            definition["cellClassRules"] = {"setup-missing-translation": "!params.value"}
            definition["minWidth"] = 220
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


def tab(table: str, label: str, frames, editable: bool, extra, *, paged: bool = False) -> dbc.Tab:
    """A grid's tab; ``paged``: the grid loads its rows block by block from the server (``frames``
    need not hold them)."""
    deletable = table in DELETABLE and current_actor().can_edit(None)
    grid_options = {"stopEditingWhenCellsLoseFocus": True, "singleClickEdit": False}
    if deletable:
        grid_options["rowSelection"] = {"mode": "singleRow", "enableClickSelection": False}
        grid_options["selectionColumnDef"] = {"pinned": "left"}
    if paged:
        grid_options.update(
            cacheBlockSize=BLOCK_ROWS, maxBlocksInCache=20, infiniteInitialRowCount=1
        )
        rows = {"rowModelType": "infinite"}
    else:
        rows = {"rowModelType": "clientSide", "rowData": records(frames[table])}
    grid = dag.AgGrid(
        id={"type": GRID, "table": table},
        **rows,
        columnDefs=_column_defs(table, editable),
        # Flex columns fill the grid's width whenever it is shown; sizing them to fit (columnSize)
        # ran on the hidden tabs too, where AG Grid warned that the grid had no width yet.
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "minWidth": 110,
            "flex": 1,
        },
        # Row ids must be strings for AG Grid; the database ids stay numbers in the row data.
        getRowId="'' + params.data.id",
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
                dcc.Store(id={"type": SYNC, "table": table}),
                dcc.Store(id={"type": SYNCED, "table": table}),
                _delete_controls(table) if deletable else None,
                extra,
            ],
            className="pt-2",
        ),
        label=label,
        tab_id=table,
    )


DELETE_TITLES = {
    "indicator": N_("Delete this indicator?"),
    "target": N_("Delete this target?"),
    "milestone": N_("Delete this milestone?"),
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
                    dbc.ModalHeader(dbc.ModalTitle(_(DELETE_TITLES[table]))),
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


@callback(
    Output({"type": GRID, "table": MATCH}, "rowTransaction"),
    Output({"type": SYNC, "table": MATCH}, "data"),
    Output({"type": FEEDBACK, "table": MATCH}, "children"),
    Output({"type": FEEDBACK, "table": MATCH}, "color"),
    Output({"type": FEEDBACK, "table": MATCH}, "is_open"),
    Input({"type": GRID, "table": MATCH}, "cellValueChanged"),
    State({"type": GRID, "table": MATCH}, "rowModelType"),
    prevent_initial_call=True,
)
def save_cell(changes, row_model):
    """Save each edited cell, or put the old value back and say why."""
    table = ctx.triggered_id["table"]
    restored, messages, failed = [], [], False
    for change in changes or []:
        row, column = dict(change["data"]), change["colId"]
        try:
            saved = perform(update_setup_value, table, int(row["id"]), column, change["value"])
            messages.append(_("Saved {what} ({key}).").format(what=saved, key=_row_key(row)))
            row.update(_stored_row(table, int(row["id"]), row.get("partner_code")))
        except (SetupError, AccessDenied, DatabaseBusy) as error:
            failed = True
            messages.append(str(error))
            row[column] = change["oldValue"]
        restored.append(row)
    if row_model == "infinite":
        transaction, sync = no_update, {"rows": restored}
    else:
        transaction, sync = {"update": restored}, no_update
    return transaction, sync, " ".join(messages), "danger" if failed else "success", True


def _row_key(row: dict) -> str:
    return " · ".join(
        str(row[key])
        for key in ("code", "partner_code", "indicator_code", "period", "label")
        if row.get(key)
    )


def _stored_row(table: str, row_id: int, partner_code: str | None) -> dict:
    """The row as stored after a save (codes upper-cased, numbers parsed, demo flag cleared); a target
    or milestone is looked up among its partner's rows only."""
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        scope = [partner_code] if partner_code and table in PAGED_TABLES else None
        frame = setup_frame(session, table, visible, scope)
    found = frame[frame["id"] == row_id]
    return records(found)[0] if not found.empty else {}


def refresh(table: str, scope: list[str] | None = None) -> tuple:
    """A grid's rows again after an addition or deletion, in the page's scope (setup-scope: the
    browser's copy, only ever narrowed to what the actor may see): (its new row data, its sync store's
    data), the one that does not apply being ``no_update``. A grid loading by blocks is asked to load
    them again instead."""
    if scope is not None and table in PAGED_TABLES:
        return no_update, {"purge": True}
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        return records(setup_frame(session, table, visible, scope)), no_update


@callback(
    Output({"type": GRID, "table": MATCH}, "getRowsResponse"),
    Input({"type": GRID, "table": MATCH}, "getRowsRequest"),
    State(SCOPE, "data"),
    prevent_initial_call=True,
)
def serve_rows(request, scope):
    """One block of a grid that loads by blocks: the rows of the page's scope (narrowed to what the
    actor may see), filtered and sorted as the grid's column menus say, from startRow to endRow."""
    if not request:
        raise dash.exceptions.PreventUpdate
    table = ctx.triggered_id["table"]
    if table not in PAGED_TABLES:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        frame = setup_frame(session, table, visible, scope or [])
    frame = sorted_rows(filtered_rows(frame, request.get("filterModel") or {}),
                        request.get("sortModel") or [])  # fmt: skip
    start = max(0, int(request.get("startRow") or 0))
    end = min(start + 10 * BLOCK_ROWS, max(start, int(request.get("endRow") or start + BLOCK_ROWS)))
    return {"rowData": records(frame.iloc[start:end]), "rowCount": len(frame)}


TEXT_TESTS = {
    "contains": lambda text, wanted: text.str.contains(wanted, regex=False),
    "notContains": lambda text, wanted: ~text.str.contains(wanted, regex=False),
    "equals": lambda text, wanted: text == wanted,
    "notEqual": lambda text, wanted: text != wanted,
    "startsWith": lambda text, wanted: text.str.startswith(wanted),
    "endsWith": lambda text, wanted: text.str.endswith(wanted),
}
NUMBER_TESTS = {
    "equals": lambda value, low, _high: value == low,
    "notEqual": lambda value, low, _high: value != low,
    "lessThan": lambda value, low, _high: value < low,
    "lessThanOrEqual": lambda value, low, _high: value <= low,
    "greaterThan": lambda value, low, _high: value > low,
    "greaterThanOrEqual": lambda value, low, _high: value >= low,
    "inRange": lambda value, low, high: (value >= low) & (value <= high),
}


def filtered_rows(frame: pd.DataFrame, filter_model: dict) -> pd.DataFrame:
    """The rows that pass AG Grid's column filters (text and number filters, single or two
    conditions joined by AND / OR), as its client-side model would keep them: text compared
    case-insensitively. A filter of an unknown column or type keeps every row."""
    keep = pd.Series(True, index=frame.index)
    for column, model in filter_model.items():
        if column not in frame.columns or not isinstance(model, dict):
            continue
        conditions = model.get("conditions") if "conditions" in model else [model]
        tests = [_condition(frame[column], condition) for condition in conditions or []]
        if not tests:
            continue
        joined = tests[0]
        for test in tests[1:]:
            joined = (joined | test) if model.get("operator") == "OR" else (joined & test)
        keep &= joined
    return frame[keep]


def _condition(column: pd.Series, condition: dict) -> pd.Series:
    kind = condition.get("type")
    blank = column.isna() | (column.astype(str).str.strip() == "")
    if kind == "blank":
        return blank
    if kind == "notBlank":
        return ~blank
    if condition.get("filterType") == "number" and kind in NUMBER_TESTS:
        values = pd.to_numeric(column, errors="coerce")
        low, high = condition.get("filter"), condition.get("filterTo")
        if not isinstance(low, int | float):
            return pd.Series(True, index=column.index)
        high = high if isinstance(high, int | float) else low
        return NUMBER_TESTS[kind](values, low, high).fillna(False)
    if kind in TEXT_TESTS:
        wanted = str(condition.get("filter") or "").casefold()
        text = column.map(lambda value: "" if _missing(value) else _shown(value)).str.casefold()
        return TEXT_TESTS[kind](text, wanted)
    return pd.Series(True, index=column.index)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _shown(value) -> str:
    """A cell as the grid shows it: dates as ISO text, whole numbers without ".0"."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sorted_rows(frame: pd.DataFrame, sort_model: list) -> pd.DataFrame:
    """The rows in the order of AG Grid's sort model (several columns, each ascending or descending;
    missing values last); unchanged without one."""
    keys = [
        (item["colId"], item.get("sort") != "desc")
        for item in sort_model
        if isinstance(item, dict) and item.get("colId") in frame.columns
    ]
    if not keys:
        return frame
    return frame.sort_values(
        [column for column, _ascending in keys],
        ascending=[ascending for _column, ascending in keys],
        na_position="last",
        kind="stable",
        key=lambda column: column.str.casefold() if column.dtype == object else column,
    )


clientside_callback(
    ClientsideFunction(namespace="setup", function_name="sync"),
    Output({"type": SYNCED, "table": MATCH}, "data"),
    Input({"type": SYNC, "table": MATCH}, "data"),
    State({"type": GRID, "table": MATCH}, "id"),
    prevent_initial_call=True,
)


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
    Output({"type": SYNC, "table": MATCH}, "data", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "children", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "color", allow_duplicate=True),
    Output({"type": FEEDBACK, "table": MATCH}, "is_open", allow_duplicate=True),
    Input({"type": DELETE_CONFIRM, "table": MATCH}, "n_clicks"),
    Input({"type": DELETE_CANCEL, "table": MATCH}, "n_clicks"),
    State({"type": DELETE_PENDING, "table": MATCH}, "data"),
    State(SCOPE, "data"),
    prevent_initial_call=True,
)
def delete_row(_confirm, _cancel, pending, scope):
    if ctx.triggered_id["type"] == DELETE_CANCEL or not pending:
        return False, no_update, no_update, no_update, no_update, no_update
    try:
        what = perform(delete_setup_row, pending["table"], pending["id"])
    except (SetupError, AccessDenied, DatabaseBusy) as error:
        return False, no_update, no_update, str(error), "danger", True
    deleted = _("Deleted {what}.").format(what=what)
    return False, *refresh(pending["table"], scope), deleted, "success", True
