"""Setup (monitoring officers): the indicator catalogue, targets and milestones, partners and reporting
periods, edited in place in grids and exported as one workbook.

Every edited cell is validated on the server (numbers as partners write them, known codes, units); a
refused value is put back and the message names the field. Grids are dash-ag-grid; ids are pattern-matching
(``{"type": "setup-grid", "table": "target"}``) so one callback serves every table.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import current_actor
from dashboard.database import read_session
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.views.setup_forms import (
    add_indicator_form,
    add_milestone_form,
    add_partner_form,
    add_target_form,
)
from dashboard.views.setup_grids import setup_frames, tab
from dashboard.views.setup_workbook import import_card
from i18n import N_, _, page_title

dash.register_page(__name__, path="/setup", name=N_("Setup"), title=page_title("Setup"), order=90)


def layout(**_query):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor)
        frames = setup_frames(session, visible)
    indicator_codes = list(frames["indicator"]["code"])
    periods = list(frames["period"]["label"])
    officer = actor.can_edit(None)
    tabs = [
        tab("indicator", _("Indicator catalogue"), frames, officer, add_indicator_form()),
        tab(
            "target",
            _("Targets"),
            frames,
            True,
            add_target_form(visible, indicator_codes),
        ),
        tab(
            "milestone",
            _("Milestones"),
            frames,
            True,
            add_milestone_form(visible, indicator_codes, periods),
        ),
        tab(
            "partner",
            _("Partners"),
            frames,
            officer,
            html.Div(
                [
                    add_partner_form() if officer else None,
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
        tab(
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
            import_card() if officer else None,
        ]
    )
