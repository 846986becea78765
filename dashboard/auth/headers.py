"""Security headers on every response (what Flask-Talisman would set, written out here because Dash needs
its own script hashes in the policy, computed from the app).

- Content-Security-Policy: scripts only from this site plus Dash's own inline scripts, allowed by their
  SHA-256 hashes (``Dash.csp_hashes``: the renderer's bootstrap and the clientside callbacks); no
  inline event handlers, no plugins, no foreign frames, and no framing of this site by others.
  Styles allow 'unsafe-inline' because plotly.js and React set style attributes on the elements they draw;
  styles cannot run code. Images allow data: and blob: URLs for plotly's "download as PNG".
- X-Content-Type-Options, X-Frame-Options (for browsers without frame-ancestors), Referrer-Policy
  (share and set-password links carry a token in their path: never send it to another site),
  Cross-Origin-Opener-Policy, Permissions-Policy (no camera, microphone or location).
- Strict-Transport-Security when the request came over HTTPS.
- Cache-Control: no-store on every response that is not a static file, so a shared meeting-room
  computer keeps no copy of a signed-in user's pages.
"""

from __future__ import annotations

from dash import Dash
from flask import Response, request

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")


def content_security_policy(app: Dash) -> str:
    hashes = " ".join(app.csp_hashes())  # each already quoted: 'sha256-...'
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(app: Dash, response: Response) -> Response:
    headers = response.headers
    # Computed per response: Dash adds the page router's clientside callback at the first request.
    headers["Content-Security-Policy"] = content_security_policy(app)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith(STATIC_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return response
