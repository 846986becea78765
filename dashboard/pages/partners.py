"""The partners index (/partners): every partner the user may see, with its instrument, linking to its page.
Past MANY_BODIES partners (the region's hundreds of bodies) the cards come PAGE_SIZE a page (``page=`` in
the URL); the overview's Bodies picker finds one by name."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import current_actor
from dashboard.components.filters import MANY_BODIES
from dashboard.components.pager import page_bounds, page_number, pager
from dashboard.database import read_session
from dashboard.queries.partner import partner_codes_visible_to, partners_overview
from i18n import N_, _, page_title

PAGE_SIZE = 24  # eight rows of three cards on a wide screen

dash.register_page(
    __name__, path="/partners", name=N_("Partners"), title=page_title("Partners"), order=60
)


def layout(**query):
    with read_session() as session:
        visible = partner_codes_visible_to(session, current_actor())
        partners = partners_overview(session, visible)
    nav = None
    if len(partners) > MANY_BODIES:
        page, pages, first = page_bounds(page_number(query), len(partners), PAGE_SIZE)
        shown = partners.iloc[first : first + PAGE_SIZE]
        summary = _("Partners {first}–{last} of {total} (page {page} of {pages})").format(
            first=first + 1, last=first + len(shown), total=len(partners), page=page, pages=pages
        )
        nav = pager("/partners", [], page, pages, summary, _("Pages of partners"))
        partners = shown
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
    return html.Div([html.H1(_("Partners")), nav, content, nav])
