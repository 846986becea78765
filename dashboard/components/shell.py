"""The frame around every page: the navigation bar, built from the page registry for one actor."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access import Actor, page_permission
from i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language

ROLE_LABELS = {
    "admin": N_("monitoring officer"),
    "editor": N_("partner editor"),
    "viewer": N_("steering committee"),
    "share-link": N_("read-only link"),
}


def navigation_bar(actor: Actor, csrf: str = "") -> dbc.Navbar:
    # Pages marked nav=False (e.g. one page per partner) are reached by links, not from the bar; pages
    # the actor may not open are left out (and refuse anyway: dashboard.auth guards every layout).
    links = [
        dbc.NavItem(dbc.NavLink(_(page["name"]), href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if page.get("nav", True) and actor.can_any(page_permission(page["path"]))
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
                    [
                        dbc.Nav(links, navbar=True, className="ms-auto flex-wrap"),
                        language_menu(),
                        account_menu(actor, csrf),
                    ],
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


def language_menu() -> dbc.Nav:
    """The language switcher: a link per language to this very page with ``?lang=xx`` (the links'
    addresses follow the page: LANGUAGE_LINKS_JS), which reloads it in that language."""
    current = current_language()
    items = [
        dbc.DropdownMenuItem(
            LANGUAGE_NAMES[code],
            href=f"?lang={code}",
            external_link=True,
            id=f"shell-language-{code}",
            active=code == current,
        )  # fmt: skip
        for code in LANGUAGES
    ]
    menu = dbc.DropdownMenu(
        items, label=current.upper(), nav=True, in_navbar=True, align_end=True,
        id="shell-language", toggle_class_name="language-toggle",
    )  # fmt: skip
    return dbc.Nav([menu], navbar=True, className="ms-lg-2 language-menu")


# Runs in the browser: each language's link keeps the page and its filters, with ?lang= set.
LANGUAGE_LINKS_JS = """
function (pathname, search) {
    return %s.map(function (code) {
        const params = new URLSearchParams(search || "");
        params.set("lang", code);
        return (pathname || "/") + "?" + params.toString();
    });
}
""" % ("[" + ", ".join(f'"{code}"' for code in LANGUAGES) + "]")


def account_menu(actor: Actor, csrf: str):
    """Who is signed in (name, role, partner), their password page and signing out."""
    if not actor.is_authenticated:
        return None
    role = _(ROLE_LABELS.get(actor.role, actor.role))
    who = f"{actor.name} · {role}" + (f" · {actor.partner_code}" if actor.partner_code else "")
    items = [dbc.DropdownMenuItem(who, header=True, id="shell-account-who")]
    if actor.user_id is not None:
        items.append(
            dbc.DropdownMenuItem(_("Change password"), href="/account/password", external_link=True)
        )
    items.append(
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf", id="shell-sign-out-csrf", value=csrf),
                html.Button(
                    _("Sign out"), type="submit", className="dropdown-item", id="shell-sign-out"
                ),
            ],
            action="/sign-out",
            method="POST",
        )
    )
    label = actor.name if actor.user_id is not None else _("Read-only link")
    # Inside a navbar Nav, so it takes the navigation's colours.
    menu = dbc.DropdownMenu(
        items, label=label, nav=True, in_navbar=True, align_end=True, id="shell-account",
    )  # fmt: skip
    return dbc.Nav([menu], navbar=True, className="ms-lg-3 account-menu")


# Runs in the browser: opening and closing the menu needs no round trip to the server.
TOGGLE_NAVIGATION_JS = """
function (clicks, pathname, isOpen) {
    const trigger = window.dash_clientside.callback_context.triggered_id;
    return trigger === "shell-nav-toggler" ? !isOpen : false;
}
"""
