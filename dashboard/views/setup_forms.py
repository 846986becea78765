"""The Setup page's add forms: a new target, milestone, indicator or partner, checked by the same
services as a cell edit."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from dashboard.access import AccessDenied
from dashboard.database import DatabaseBusy, perform
from dashboard.views.setup_grids import FEEDBACK, GRID, SCOPE, SYNC, refresh
from i18n import _
from models import AGGREGATIONS, CATEGORIES, INSTRUMENT_KINDS, VALUE_KINDS
from models.partner import PARTNER_LEVELS
from services.catalogue import (
    SetupError,
    add_and_label,
    add_indicator,
    add_milestone,
    add_partner,
    add_target,
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


def _select(component_id: str, label: str, values, *, translated: bool = False) -> html.Div:
    """A choice among ``values``; ``translated`` shows a vocabulary stored in English (and marked with
    N_ where it is defined) in the reader's language, the value sent stays English."""
    options = [{"label": _(v) if translated else v, "value": v} for v in values]
    return _labelled(component_id, label, dbc.Select(id=component_id, options=options))


def _text(component_id: str, label: str, placeholder: str = "") -> html.Div:
    return _labelled(component_id, label, dbc.Input(id=component_id, placeholder=placeholder))


def add_target_form(partners, indicators) -> dbc.Card:
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


def add_milestone_form(partners, indicators, periods) -> dbc.Card:
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


def add_partner_form() -> dbc.Card:
    return _add_form(
        "partner",
        _("Add a partner"),
        [
            _text("setup-partner-code", _("Code"), "TALLINN"),
            _text("setup-partner-name", _("Name")),
            _text("setup-partner-short", _("Short name")),
            _text("setup-partner-country", _("Country"), "EE"),
            _text("setup-partner-nuts", _("NUTS code"), "EE001"),
            _select("setup-partner-level", _("Level"), PARTNER_LEVELS, translated=True),
            _text("setup-partner-instrument", _("Policy instrument")),
            _select(
                "setup-partner-kind", _("Kind of instrument"), INSTRUMENT_KINDS, translated=True
            ),
            _text("setup-partner-body", _("Managing body")),
        ],
        _("Add partner"),
    )


def add_indicator_form() -> dbc.Card:
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


def _added(table: str, service, *args, scope: list[str] | None = None, **kwargs) -> tuple:
    try:
        what = perform(add_and_label, service, table, *args, **kwargs)
    except (SetupError, AccessDenied, DatabaseBusy) as error:
        return no_update, no_update, str(error), "danger", True
    return *refresh(table, scope), _("Added {what}.").format(what=what), "success", True


def _add_outputs(table: str) -> list[Output]:
    return [
        Output({"type": GRID, "table": table}, "rowData", allow_duplicate=True),
        Output({"type": SYNC, "table": table}, "data", allow_duplicate=True),
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
    State(SCOPE, "data"),
    prevent_initial_call=True,
)
def add_target_row(_n, partner, indicator, baseline, value, scope):
    return _added(
        "target", add_target, partner or "", indicator or "", value, baseline, scope=scope
    )


@callback(
    *_add_outputs("milestone"),
    Input("setup-add-milestone", "n_clicks"),
    State("setup-milestone-partner", "value"),
    State("setup-milestone-indicator", "value"),
    State("setup-milestone-period", "value"),
    State("setup-milestone-value", "value"),
    State(SCOPE, "data"),
    prevent_initial_call=True,
)
def add_milestone_row(_n, partner, indicator, period, value, scope):
    return _added(
        "milestone", add_milestone, partner or "", indicator or "", period or "", value,
        scope=scope,
    )  # fmt: skip


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
