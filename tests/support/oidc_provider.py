"""A small OpenID Connect provider for tests: the discovery document, the authorize, token, JWKS and
userinfo endpoints, served over HTTP on a loopback port from a thread, following OpenID Connect Core's
authorization code flow as a real provider does.

- ``/authorize`` checks the client and the registered redirect URI, "signs in" whoever ``identity``
  says (there is no login form), remembers the nonce and redirect URI with a one-time code, and sends
  the browser back with the code and the state, or with ``error=`` when ``refuse_with`` is set;
- ``/token`` authenticates the client (client_secret_basic or client_secret_post), takes the code once,
  checks the redirect URI, and answers an access token and an ID token signed with RS256 by a key made
  for this provider (``kid`` in the header, ``at_hash`` of the access token, the nonce);
- ``/jwks`` publishes the public key; ``/userinfo`` answers the identity for a Bearer access token.

Tests bend it to play a broken or hostile provider: ``id_token_claims`` overrides claims (None removes
one), ``id_token_filter`` rewrites the signed token, ``signing_key`` signs with another key,
``email_in_id_token`` moves the address to userinfo only. ``requests`` lists the paths it served.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from urllib.parse import unquote, urlencode

from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

KEY_ID = "stand-in-key-1"
ID_TOKEN_SECONDS = 300


def new_signing_key(key_id: str = KEY_ID) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": key_id, "use": "sig", "alg": "RS256"})


class _QuietHandler(WSGIRequestHandler):
    """No access log: its lines would carry the codes and states of the query strings."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class OidcProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        # The one address /authorize sends browsers back to (a provider's registered redirect URI).
        self.redirect_uri = redirect_uri
        self.key = new_signing_key()
        self.identity: dict = {"sub": "stand-in-user", "email": "", "email_verified": True}
        self.refuse_with: str | None = None
        self.id_token_claims: dict = {}
        self.id_token_filter: Callable[[str], str] | None = None
        self.signing_key: RSAKey | None = None
        self.email_in_id_token = True
        self.requests: list[str] = []
        self.issued_id_tokens: list[str] = []
        self._grants: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering: the port refuses connections afterwards."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- the endpoints ------------------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append(request.path)
        handler = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/jwks": self._jwks,
            "/userinfo": self._userinfo,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _discovery(self, request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic", "client_secret_post",
                ],
                "claims_supported": ["sub", "email", "email_verified", "name"],
            }
        )  # fmt: skip

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("redirect_uri") != self.redirect_uri:
            # A real provider never redirects to an unregistered address: it shows an error page.
            return Response("unknown client or redirect_uri", status=400)
        back = {"state": args.get("state", "")}
        if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
            back["error"] = "invalid_request"
        elif self.refuse_with:
            back["error"] = self.refuse_with
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._grants[code] = {
                    "nonce": args.get("nonce"), "redirect_uri": args["redirect_uri"],
                    "identity": dict(self.identity),
                }  # fmt: skip
            back["code"] = code
        return Response(status=302, headers={"Location": f"{self.redirect_uri}?{urlencode(back)}"})

    def _token(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return _json(
                {"error": "invalid_client"}, 401, {"WWW-Authenticate": 'Basic realm="token"'}
            )
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return _json({"error": "invalid_grant"}, 400)
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = grant["identity"]
        id_token = self._id_token(grant, access_token)
        self.issued_id_tokens.append(id_token)
        return _json(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
             "id_token": id_token, "scope": "openid email profile"},
            headers={"Cache-Control": "no-store"},
        )  # fmt: skip

    def _client_authenticated(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                pair = base64.b64decode(header[6:]).decode()
            except ValueError:
                return False
            client_id, _, secret = pair.partition(":")
            return (unquote(client_id), unquote(secret)) == (self.client_id, self.client_secret)
        sent = (request.form.get("client_id"), request.form.get("client_secret"))
        return sent == (self.client_id, self.client_secret)

    def _id_token(self, grant: dict, access_token: str) -> str:
        now = int(time.time())
        identity = grant["identity"]
        claims = {
            "iss": self.issuer, "sub": identity["sub"], "aud": self.client_id, "iat": now,
            "exp": now + ID_TOKEN_SECONDS, "auth_time": now, "nonce": grant["nonce"],
            "at_hash": create_half_hash(access_token, "RS256").decode(),
        }  # fmt: skip
        if self.email_in_id_token:
            claims.update({k: v for k, v in identity.items() if k != "sub"})
        claims.update(self.id_token_claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        key = self.signing_key or self.key
        token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return self.id_token_filter(token) if self.id_token_filter else token

    def _jwks(self, request: Request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def _userinfo(self, request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        with self._lock:
            identity = self._access_tokens.get(header.removeprefix("Bearer "))
        if not header.startswith("Bearer ") or identity is None:
            return _json({"error": "invalid_token"}, 401)
        return _json(identity)


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)
