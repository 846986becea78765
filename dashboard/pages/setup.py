"""Setup (monitoring officers): the indicator catalogue, targets and milestones, partners and reporting
periods, edited in place in grids and exported as one workbook.

Every edited cell is validated on the server (numbers as partners write them, known codes, units); a
refused value is put back and the message names the field. Grids are dash-ag-grid; ids are pattern-matching
(``{"type": "setup-grid", "table": "target"}``) so one callback serves every table.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import current_actor
from dashboard.components.filters import MANY_BODIES, parse_filters
from dashboard.database import read_session
from dashboard.queries.catalogue import visible_partners
from dashboard.queries.partner import partner_codes_visible_to
from dashboard.views.setup_forms import (
    add_indicator_form,
    add_milestone_form,
    add_partner_form,
    add_target_form,
)
from dashboard.views.setup_grids import COLUMNS, PAGED_TABLES, SCOPE, setup_frames, tab
from dashboard.views.setup_workbook import import_card
from i18n import N_, _, page_title
from models.partner import BODY_TYPES

dash.register_page(__name__, path="/setup", name=N_("Setup"), title=page_title("Setup"), order=90)


def layout(**query):
    actor = current_actor()
    with read_session() as session:
        visible = partner_codes_visible_to(session, actor)
        scope, chooser = _scope(visible_partners(session, actor), query)
        # Scoped to a group of bodies, targets and milestones load block by block (serve_rows).
        paged = scope is not None
        tables = [table for table in COLUMNS if not (paged and table in PAGED_TABLES)]
        frames = setup_frames(session, visible, scope, tables)
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
            paged=paged,
        ),
        tab(
            "milestone",
            _("Milestones"),
            frames,
            True,
            add_milestone_form(visible, indicator_codes, periods),
            paged=paged,
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
            dcc.Store(id=SCOPE, data=scope),
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
            chooser,
            dbc.Tabs(tabs, id="setup-tabs", active_tab="indicator"),
            import_card() if officer else None,
        ]
    )


def _scope(partners, query) -> tuple[list[str] | None, html.Div | None]:
    """Whose targets and milestones the grids show, and the links that choose them. Up to
    MANY_BODIES partners: everyone's. Past it (the region's hundreds of bodies, 10,000 targets and
    80,000 milestones) one county or type of body at a time (``county``, ``type`` in the URL), none
    until one is chosen: a grid of every body's rows would be megabytes."""
    if len(partners) <= MANY_BODIES:
        return None, None
    counties = sorted(partners["county"].dropna().unique())
    filters = parse_filters(query, partner_codes=[], counties=counties, body_types=BODY_TYPES)
    chosen = filters.county is not None or filters.body_type is not None
    scope = filters.in_group(partners) if chosen else []

    def link(key: str, value: str, label: str, count: int, active: bool):
        text = f"{label} ({count})"
        if active:
            return html.Strong(text, className="me-3")
        # A county keeps the type of body chosen, and a type the county: the two narrow together.
        pairs = {"county": filters.county, "type": filters.body_type, key: value}
        query = urlencode({k: v for k, v in pairs.items() if v})
        return html.A(text, href="/setup?" + query, className="me-3")

    county_links = [
        link("county", county, county, int((partners["county"] == county).sum()),
             county == filters.county)
        for county in counties
    ]  # fmt: skip
    type_links = [
        link("type", kind, _(kind), int((partners["body_type"] == kind).sum()),
             kind == filters.body_type)
        for kind in dict.fromkeys(partners["body_type"])
    ]  # fmt: skip
    chooser = dbc.Alert(
        [
            html.P(
                _("Targets and milestones of: {group}").format(
                    group=", ".join(
                        x for x in (filters.county, filters.body_type and _(filters.body_type)) if x
                    )
                )
                if chosen
                else _(
                    "There are {n} partners: choose a county or a type of body to see and edit "
                    "their targets and milestones."
                ).format(n=len(partners)),
                className="mb-1 fw-semibold",
            ),
            html.P(
                [html.Span(_("County") + ": ", className="me-1"), *county_links], className="mb-1"
            ),
            html.P(
                [html.Span(_("Type of body") + ": ", className="me-1"), *type_links],
                className="mb-0",
            ),
        ],
        color="light",
        id="setup-scope-chooser",
    )
    return scope, chooser
