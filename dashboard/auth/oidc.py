"""Single sign-on through OpenID Connect, when SHARING_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET are set.

``GET /sign-in/oidc`` keeps where to go afterwards (a path of this site) and sends the browser to the
provider's authorize endpoint with a fresh state and nonce; Authlib keeps both in the signed session
cookie, so any worker can finish the sign-in. ``GET /sign-in/oidc/callback`` finishes it: the code is
exchanged at the token endpoint (with the client secret) and the ID token is verified: its signature
against the provider's JWKS, its issuer, an audience that holds our client id, this browser's nonce and
its expiry. The provider's word on the e-mail address (``email``, refused when ``email_verified`` is
false) then names the account: single sign-on never creates one, a first sign-in maps by address to the
account an officer created (services.accounts.sign_in_by_provider).

Nothing talks to the provider before someone starts a sign-in: its discovery document is fetched then
(and kept), so a provider that is down never stops the dashboard from starting; it only refuses single
sign-on with one sentence, as does every other failure on the provider's side. Codes, tokens and the
client secret are never logged.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, g, redirect, request, session
from joserfc.errors import JoseError

from dashboard.database import app_settings, perform_unsigned
from dashboard.settings import Settings
from i18n import N_, _
from services.accounts import sign_in_by_provider

from .routes import _sign_in_page, client_address, safe_next
from .sessions import begin_account_session

logger = logging.getLogger(__name__)

blueprint = Blueprint("oidc", __name__)

CLIENT_NAME = "oidc"
AUTHLIB_EXTENSION = "authlib.integrations.flask_client"
START_PATH = "/sign-in/oidc"
CALLBACK_PATH = "/sign-in/oidc/callback"
NEXT_KEY = "oidc_next"
SCOPE = "openid email profile"
# Every request to the provider (discovery, token, JWKS, userinfo) gives up after this long.
PROVIDER_TIMEOUT_SECONDS = 10

EXPIRED = N_(
    "This sign-in with {provider} had expired or was started in another browser; try again."
)
UNCONFIRMED = N_(
    "The sign-in with {provider} was not confirmed, so you are not signed in; try again, or sign in "
    "with your password."
)
UNREACHABLE = N_(
    "The sign-in with {provider} failed: the provider could not be reached or gave an answer the "
    "dashboard cannot use; try again later, or sign in with your password."
)


class ProviderAnswerError(ValueError):
    """The provider answered, but not as OpenID Connect requires (says which rule, never a token)."""


class ForeignIssuerError(ProviderAnswerError):
    """The discovery document is another issuer's: SHARING_OIDC_ISSUER or the provider is misconfigured."""


def install(server: Flask, settings: Settings) -> None:
    """Register the provider with Authlib (no request to it yet) and the two routes."""
    oauth = OAuth(server)
    oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "default_timeout": PROVIDER_TIMEOUT_SECONDS},
    )
    server.register_blueprint(blueprint)


def redirect_uri(settings: Settings) -> str:
    """The callback address to register with the provider: SHARING_PUBLIC_URL + /sign-in/oidc/callback."""
    return settings.public_url + CALLBACK_PATH


@blueprint.get(START_PATH)
def start():
    next_path = safe_next(request.args.get("next"))
    if g.actor.is_authenticated and g.actor.user_id is not None:
        return redirect(next_path)
    settings = app_settings()
    try:
        client = _client(settings)
        session[NEXT_KEY] = next_path
        return client.authorize_redirect(redirect_uri(settings))
    except Exception as problem:  # whatever the provider sent: a sentence, never a traceback
        return _provider_refusal("start", problem, settings, next_path)


@blueprint.get(CALLBACK_PATH)
def callback():
    settings = app_settings()
    next_path = safe_next(session.get(NEXT_KEY))
    if request.args.get("error"):  # the person cancelled, or the provider refused them
        logger.warning("Single sign-on: the provider answered error=%r", request.args["error"][:60])
        return _refusal(UNCONFIRMED, 401, settings, next_path)
    try:
        email, verified = _verified_address(_client(settings), settings)
    except Exception as problem:  # whatever the provider sent: a sentence, never a traceback
        return _provider_refusal("callback", problem, settings, next_path)
    outcome = perform_unsigned(sign_in_by_provider, email, verified, client_address())
    if outcome.user is None:
        return _sign_in_page(refusal=outcome.refusal, status=403, next_path=next_path)
    begin_account_session(outcome.user)
    return redirect(next_path)


def _client(settings: Settings):
    """Authlib's client for this app, with the provider's discovery document loaded (fetched on first
    use) and checked: it must name the configured issuer (OpenID Connect Discovery, section 4.3)."""
    client = current_app.extensions[AUTHLIB_EXTENSION].create_client(CLIENT_NAME)
    issuer = client.load_server_metadata().get("issuer")
    if not isinstance(issuer, str) or issuer.rstrip("/") != settings.oidc_issuer.rstrip("/"):
        raise ForeignIssuerError("the discovery document names another issuer")
    return client


def _verified_address(client, settings: Settings) -> tuple[str, bool]:
    """The e-mail address the verified ID token (or, when the token has none, the userinfo endpoint)
    gives, and whether the provider verified it."""
    token = client.authorize_access_token(claims_options=_claims_options(client, settings))
    # Authlib puts the ID token's claims here only after checking its signature, nonce and claims.
    claims = token.get("userinfo")
    if claims is None:
        raise ProviderAnswerError("the token response has no ID token")
    if not claims.get("email"):
        userinfo = client.userinfo(token=token)
        if userinfo.get("sub") != claims["sub"]:  # OpenID Connect Core, section 5.3.4
            raise ProviderAnswerError("the userinfo answer is about another subject")
        claims = userinfo
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise ProviderAnswerError("neither the ID token nor userinfo gives an e-mail address")
    verified = claims.get("email_verified", True)
    # Some providers send the flag as the string "false".
    return email, not (verified is False or str(verified).strip().lower() == "false")


def _claims_options(client, settings: Settings) -> dict:
    """What the ID token's claims must say. Authlib checks the issuer only when told and the audience
    only through ``azp``: both are pinned here (OpenID Connect Core, section 3.1.3.7)."""
    return {
        "iss": {"essential": True, "value": client.load_server_metadata()["issuer"]},
        "aud": {"essential": True, "value": settings.oidc_client_id},
    }


def _provider_refusal(step: str, problem: Exception, settings: Settings, next_path: str):
    """The sign-in page with one sentence for a failure on the provider's side, logged by its kind
    (the exception's class and OAuth error code: never its text, which may quote a token)."""
    if isinstance(problem, OAuthError):
        detail = problem.error  # the code only: its description is the provider's free text
    elif isinstance(problem, JoseError | ProviderAnswerError):
        detail = str(problem)  # fixed texts naming a rule or a claim
    else:
        detail = ""
    logger.warning(
        "Single sign-on failed at %s: %s%s", step, type(problem).__name__,
        f" ({detail})" if detail else "",
    )  # fmt: skip
    if isinstance(problem, MismatchingStateError):
        return _refusal(EXPIRED, 400, settings, next_path)
    if isinstance(problem, ForeignIssuerError):
        return _refusal(UNREACHABLE, 502, settings, next_path)
    if isinstance(problem, OAuthError | JoseError | ProviderAnswerError):
        return _refusal(UNCONFIRMED, 401, settings, next_path)
    return _refusal(UNREACHABLE, 502, settings, next_path)


def _refusal(sentence: str, status: int, settings: Settings, next_path: str):
    return _sign_in_page(
        refusal=_(sentence).format(provider=settings.oidc_label), status=status, next_path=next_path
    )
