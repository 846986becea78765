"""The application factory: ``create_app(settings)`` builds a Dash app bound to one database."""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, page_container
from dash import _callback as dash_callbacks

from dashboard import auth, callback_guard, figure_cache, language
from dashboard.access import current_actor
from dashboard.auth.sessions import csrf_token
from dashboard.components.shell import LANGUAGE_LINKS_JS, TOGGLE_NAVIGATION_JS, navigation_bar
from dashboard.database import EXTENSION_KEY
from dashboard.health import register_health_probe
from dashboard.settings import Settings
from i18n import LANGUAGES, _, current_language
from models.database import make_engine, make_session_factory

PACKAGE_DIR = Path(__file__).parent
ASSETS_DIR = PACKAGE_DIR.parent / "assets"

# Every ``dash.callback`` registered in this process, by output: see _claim_callbacks.
_REGISTERED_CALLBACKS: dict[str, tuple[dict, dict]] = {}


def create_app(settings: Settings) -> Dash:
    """A Dash app (its Flask server is ``app.server``) reading the database in ``settings``."""
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,  # the meeting room may have no internet: never load from a CDN
        title=_("SHARING Monitor"),
        update_title=None,
        suppress_callback_exceptions=True,  # page layouts are built on demand
    )
    _claim_callbacks(app)
    _index_in_the_current_language(app)
    app.server.config.update(
        SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_upload_bytes * 2
    )
    engine = make_engine(settings.database_url, pool_pre_ping=True)
    session_factory = make_session_factory(engine, storage_quota_bytes=settings.storage_quota_bytes)
    app.server.extensions[EXTENSION_KEY] = {
        "settings": settings,
        "engine": engine,
        "session_factory": session_factory,
    }
    figure_cache.install(app.server, settings)
    # A function: the navigation lists the pages this request's actor may open.
    app.layout = lambda: html.Div(
        [
            navigation_bar(current_actor(), csrf_token()),
            dbc.Container(page_container, fluid=True, className="page-body"),
        ],
        className="app-shell",
    )
    app.clientside_callback(
        TOGGLE_NAVIGATION_JS,
        Output("shell-nav-collapse", "is_open"),
        Input("shell-nav-toggler", "n_clicks"),
        Input("_pages_location", "pathname"),
        State("shell-nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    # Identify the actor before the callback guard checks what the request may call.
    auth.install(app, settings, session_factory)
    language.install(app.server)
    app.clientside_callback(
        LANGUAGE_LINKS_JS,
        [Output(f"shell-language-{code}", "href") for code in LANGUAGES],
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
    )
    callback_guard.install(app)
    register_health_probe(app.server)
    _finish_dash_setup(app)
    return app


def _finish_dash_setup(app: Dash) -> None:
    """Run now what Dash does on a worker's first request: gather the callbacks and add the page
    router's. Dash marks that work done before doing it, so with threaded workers a second request
    arriving meanwhile was served without the router (/_dash-dependencies lacked it, the page stayed
    blank, or its callback answered 500): seen under the soak test's load."""
    hooks = {hook.__name__: hook for hook in app.server.before_request_funcs.get(None, [])}
    with app.server.test_request_context("/"):
        app._setup_server()
        if "router_sync" in hooks:  # this app's callbacks are synchronous
            hooks["router_sync"]()


def _index_in_the_current_language(app: Dash) -> None:
    """The page's ``<html lang>`` says the language it is written in (screen readers, hyphenation)."""
    interpolate = app.interpolate_index

    def interpolate_index(**parts) -> str:
        return interpolate(**parts).replace("<html>", f'<html lang="{current_language()}">', 1)

    app.interpolate_index = interpolate_index


def _claim_callbacks(app: Dash) -> None:
    """Give ``app`` every callback registered with ``dash.callback`` in this process.

    Dash keeps them in module-level registries that the first app to serve a request empties. Page
    modules run again for each app, but the views and components they import run once per process, so
    a second app (tests build several) would silently lack their callbacks.
    """
    specs = {spec["output"]: spec for spec in dash_callbacks.GLOBAL_CALLBACK_LIST}
    for output, callback in dash_callbacks.GLOBAL_CALLBACK_MAP.items():
        _REGISTERED_CALLBACKS[output] = (callback, specs[output])
    dash_callbacks.GLOBAL_CALLBACK_MAP.clear()
    dash_callbacks.GLOBAL_CALLBACK_LIST.clear()
    for output, (callback, spec) in _REGISTERED_CALLBACKS.items():
        app.callback_map[output] = callback
        app._callback_list.append(spec)  # what /_dash-dependencies lists
