"""Sign-in, sessions and the checks every request passes before a page, a callback or a download runs.

``install(app, settings)`` adds to the app's Flask server:

- the session cookie's settings (HttpOnly, SameSite=Lax, Secure over HTTPS, 12 hours at most) and, with
  SHARING_TRUSTED_PROXIES, werkzeug's ProxyFix so the client's address and scheme are the proxy's word;
- a ``before_request`` hook that identifies the actor (dashboard.auth.sessions), refuses state-changing
  requests from other sites (the Origin check below), and answers anonymous requests: the sign-in page
  for a page, 401 for Dash's JSON routes and every other request;
- the sign-in, sign-out, password and share-link routes (dashboard.auth.routes) and single sign-on when
  configured (dashboard.auth.oidc);
- security headers on every response (dashboard.auth.headers);
- a guard around every page layout: a page the actor may not open (dashboard.access.PAGE_PERMISSIONS)
  renders a refusal instead.

CSRF. Dash's callbacks are JSON POSTs to ``/_dash-update-component``; forms are POSTs. The session cookie
is SameSite=Lax, so a browser does not send it with a POST that another site starts; and every POST,
PUT, PATCH or DELETE must carry an Origin (or, failing that, a Referer) of this site, which browsers add
to every such request and a foreign page cannot forge. Forms also carry a per-session token.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import quote, urlsplit

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html
from flask import Response, g, redirect, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.access import ANONYMOUS, Permission, page_permission
from dashboard.settings import Settings
from i18n import _

from . import routes
from .headers import add_security_headers
from .sessions import MAX_SESSION_HOURS, identify

SESSION_COOKIE = "sharing_session"
# Reachable without signing in: the sign-in pages, static files (no data in them) and the health probe.
PUBLIC_PREFIXES = (
    "/sign-in", "/set-password/", "/share/", "/assets/", "/_dash-component-suites/",
)  # fmt: skip
PUBLIC_PATHS = {"/healthz", "/_favicon.ico", "/sign-out", "/favicon.ico"}
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, with the Secure flag decided per request when set to "auto"."""

    def __init__(self, cookie_secure: str):
        self.cookie_secure = cookie_secure

    def get_cookie_secure(self, app) -> bool:
        if self.cookie_secure == "auto":
            return request.is_secure
        return self.cookie_secure == "always"


def install(app: Dash, settings: Settings, session_factory) -> None:
    server = app.server
    if settings.trusted_proxies:
        count = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=count, x_proto=count, x_host=count)
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=MAX_SESSION_HOURS),
    )
    server.session_interface = _SessionInterface(settings.cookie_secure)
    server.register_blueprint(routes.blueprint)
    if settings.oidc_enabled:
        from . import oidc

        oidc.install(server, settings)

    @server.before_request
    def authenticate():
        path = request.path
        if path.startswith(STATIC_PREFIXES):
            g.actor = ANONYMOUS
            return None
        g.actor = identify(session_factory, settings.session_idle_minutes)
        refusal = _cross_site_refusal()
        if refusal is not None:
            return refusal
        if g.actor.is_authenticated or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        return _anonymous_answer()

    @server.after_request
    def secure_response(response: Response) -> Response:
        return add_security_headers(app, response)

    guard_page_layouts()


def _cross_site_refusal() -> Response | None:
    """403 for a state-changing request whose Origin (or Referer) is not this site."""
    if request.method not in UNSAFE_METHODS:
        return None
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if origin and urlsplit(origin).netloc == request.host:
        return None
    return Response(
        _("Refused: this request did not come from a page of this site."),
        status=403,
        mimetype="text/plain",
    )


def _anonymous_answer() -> Response:
    """A page asks to sign in first; Dash's JSON routes and everything else get 401."""
    ended = g.get("session_ended")
    if request.method == "GET" and not request.path.startswith("/_dash-"):
        target = "/sign-in?next=" + quote(request.full_path.rstrip("?"), safe="/")
        return redirect(target + (f"&ended={ended}" if ended else ""))
    response = Response(
        _("Your session has ended; sign in again.") if ended else _("Sign in first."),
        status=401,
        mimetype="text/plain",
    )
    response.headers["X-Sign-In"] = "/sign-in"
    return response


def guard_page_layouts() -> None:
    """Wrap every registered page's layout so that an actor without the page's permission gets a
    refusal instead (hiding the link in the navigation is not a check)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if getattr(layout, "sharing_permission", None) is not None:
            continue
        page["layout"] = _guarded(layout, page_permission(page.get("path", "/")))


def _guarded(layout, permission: Permission):
    @wraps(layout) if callable(layout) else (lambda function: function)
    def guarded(**kwargs):
        from dashboard.access import current_actor

        actor = current_actor()
        if not actor.can_any(permission):
            return refused_layout(actor.name)
        return layout(**kwargs) if callable(layout) else layout

    guarded.sharing_permission = permission
    return guarded


def refused_layout(name: str) -> html.Div:
    return html.Div(
        [
            html.H1(_("Not available")),
            dbc.Alert(
                _(
                    "This page is not open to {name}. Ask a monitoring officer if you need it."
                ).format(name=name),
                color="warning",
                id="page-refused",
            ),
        ]
    )
