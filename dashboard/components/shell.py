"""The frame around every page: the navigation bar, built from the page registry."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from i18n import _


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
                # Below the lg breakpoint (phones) the links fold behind a toggler, so pages start at the top.
                dbc.NavbarToggler(id="shell-nav-toggler", n_clicks=0),
                dbc.Collapse(
                    dbc.Nav(links, navbar=True, className="ms-auto flex-wrap"),
                    id="shell-nav-collapse",
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="lg",
        className="mb-3",
    )


# Runs in the browser: opening and closing the menu needs no round trip to the server.
TOGGLE_NAVIGATION_JS = """
function (clicks, pathname, isOpen) {
    const trigger = window.dash_clientside.callback_context.triggered_id;
    return trigger === "shell-nav-toggler" ? !isOpen : false;
}
"""
