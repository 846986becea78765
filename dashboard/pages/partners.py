"""The partners index (/partners): every partner the user may see, with its instrument, linking to its page."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import current_actor
from dashboard.database import read_session
from dashboard.queries.partner import partner_codes_visible_to, partners_overview
from i18n import N_, _, page_title

dash.register_page(
    __name__, path="/partners", name=N_("Partners"), title=page_title("Partners"), order=60
)


def layout(**_query):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        partners = partners_overview(session, visible)
    if partners.empty:
        content = dbc.Alert(
            _(
                "No partners yet. Add them on the Setup page, or load the demo data (`sharing demo`)."
            ),
            color="info",
            id="partners-empty",
        )
    else:
        content = dbc.Row(
            [
                dbc.Col(
                    dcc.Link(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.Div(
                                        [
                                            html.Strong(row.code),
                                            dbc.Badge(_("lead partner"), className="ms-2")
                                            if row.role == "lead"
                                            else None,
                                        ]
                                    ),
                                    html.Div(row.name, className="partner-name"),
                                    html.Small(
                                        [row.country, " · ", row.instrument_title or ""],
                                        className="text-muted",
                                    ),
                                ]
                            ),
                            className="h-100 partner-card",
                        ),
                        href=f"/partners/{row.code}",
                        className="text-reset text-decoration-none",
                    ),
                    xs=12,
                    md=6,
                    xl=4,
                    className="mb-3",
                )
                for row in partners.itertuples()
            ],
            id="partners-list",
        )
    return html.Div([html.H1(_("Partners")), content])
