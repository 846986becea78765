"""The frame around every page: the navigation bar, built from the page registry."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import _


def navigation_bar() -> dbc.Navbar:
    # Pages marked nav=False (e.g. one page per partner) are reached by links, not from the bar.
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if page.get("nav", True)
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.Span("SHARING", className="brand-mark"), " ", _("Monitor")], href="/"
                ),
                dbc.Nav(links, navbar=True, className="ms-auto flex-wrap"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )
