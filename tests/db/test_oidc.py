"""Single sign-on through OpenID Connect, end to end against a local provider (tests/support/oidc_provider.py)
speaking real HTTP: the dashboard discovers it, sends the browser to its authorize endpoint, exchanges
the code at its token endpoint and checks the ID token against its JWKS.

A first sign-in maps by e-mail address to an account an officer created; everything else (no such
account, a disabled one, an unverified address, a forged or misdirected ID token, a replayed or foreign
state, a provider that refuses or cannot be reached) leaves the browser signed out with one sentence.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from dashboard.access import command_line_actor
from dashboard.app import create_app
from dashboard.auth.oidc import CALLBACK_PATH
from dashboard.database import EXTENSION_KEY
from models import AuditEvent
from services.accounts import set_active
from tests.support.accounts import ORIGIN, ensure_account
from tests.support.oidc_provider import OidcProvider, new_signing_key
from tests.support.postgres import free_port

CLIENT_ID = "sharing-monitor"
CLIENT_SECRET = "stand-in-client-secret-5b1d"
OFFICER = "officer@test.example.org"
STRANGER = "stranger@elsewhere.example.org"
NOT_CONFIRMED = "The sign-in with Test ID was not confirmed, so you are not signed in"
FAILED = "The sign-in with Test ID failed: the provider could not be reached"


@pytest.fixture
def provider(settings):
    with OidcProvider(CLIENT_ID, CLIENT_SECRET, settings.public_url + CALLBACK_PATH) as provider:
        # The provider writes the address as its directory has it; accounts are kept lower-case.
        provider.identity = {"sub": "u-17", "email": "Officer@Test.Example.org",
                             "email_verified": True, "name": "Olga Officer"}  # fmt: skip
        yield provider


def sso_settings(settings, issuer: str, secret: str = CLIENT_SECRET):
    return replace(
        settings, oidc_issuer=issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=secret,
        oidc_label="Test ID",
    )  # fmt: skip


@pytest.fixture
def officer(demo):
    user = ensure_account(demo, OFFICER, "admin")
    demo.commit()
    return user


@pytest.fixture
def app(settings, demo, officer, provider):
    app = create_app(sso_settings(settings, provider.issuer))
    yield app
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


def browser(app):
    client = app.server.test_client()
    client.environ_base["HTTP_ORIGIN"] = ORIGIN
    return client


def to_provider(client, next_path: str = "/partners") -> str:
    """Start single sign-on; the callback address the provider sends the browser back to."""
    started = client.get("/sign-in/oidc", query_string={"next": next_path})
    assert started.status_code == 302, started.text
    back = requests.get(started.location, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.path == CALLBACK_PATH
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, next_path: str = "/partners"):
    return come_back(client, to_provider(client, next_path))


def signed_in(client) -> bool:
    status = client.get("/_dash-layout").status_code
    assert status in (200, 401)
    return status == 200


def events(demo, action: str) -> list[AuditEvent]:
    demo.rollback()  # see what the app committed meanwhile
    return list(demo.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_first_sign_in_maps_to_the_account_by_its_address(app, demo, officer, provider, caplog):
    caplog.set_level(logging.DEBUG)
    assert provider.requests == []  # building the app asked the provider nothing
    client = browser(app)
    assert not signed_in(client)
    page = client.get("/sign-in?next=/partners").text
    assert "Sign in with Test ID" in page and 'href="/sign-in/oidc?next=/partners"' in page

    callback_url = to_provider(client)
    answer = come_back(client, callback_url)

    assert answer.status_code == 302 and answer.location == "/partners"
    assert signed_in(client)
    (event,) = events(demo, "user.signed-in")
    assert event.object_id == str(officer.id) and event.after["method"] == "oidc"
    assert event.actor_user_id == officer.id
    assert provider.requests.count("/.well-known/openid-configuration") == 1
    assert {"/authorize", "/token", "/jwks"} <= set(provider.requests)
    code = parse_qs(urlsplit(callback_url).query)["code"][0]
    for secret in (CLIENT_SECRET, code, *provider.issued_id_tokens):
        assert secret not in caplog.text

    # The discovery document and the keys are kept: a second browser costs a token request only.
    assert sign_in(browser(app)).status_code == 302
    assert provider.requests.count("/.well-known/openid-configuration") == 1
    assert provider.requests.count("/jwks") == 1


def test_next_is_a_path_of_this_site_only(app):
    answer = sign_in(browser(app), next_path="//evil.example/phish")
    assert answer.status_code == 302 and answer.location == "/"


def test_an_address_only_userinfo_gives_is_used(app, provider):
    provider.email_in_id_token = False
    client = browser(app)
    assert sign_in(client).status_code == 302
    assert signed_in(client) and "/userinfo" in provider.requests


def test_an_address_without_an_account_is_refused_and_recorded(app, demo, provider):
    provider.identity = {"sub": "u-99", "email": STRANGER, "email_verified": True}
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 403
    assert (
        f"No account has the address {STRANGER}; ask a monitoring officer to create one."
        in answer.text
    )
    assert not signed_in(client)
    (event,) = events(demo, "user.sign-in-failed")
    assert event.object_label == STRANGER
    assert event.after["reason"] == "unknown-account" and event.after["method"] == "oidc"
    assert events(demo, "user.signed-in") == []


def test_a_disabled_account_is_refused(app, demo, provider):
    viewer = ensure_account(demo, "committee@test.example.org", "viewer")
    set_active(demo, command_line_actor("tests"), viewer.id, False)
    demo.commit()
    provider.identity = {"sub": "u-3", "email": viewer.email, "email_verified": True}
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 403 and f"The account {viewer.email} is disabled" in answer.text
    assert not signed_in(client)
    assert [event.after["reason"] for event in events(demo, "user.sign-in-failed")] == ["disabled"]


@pytest.mark.parametrize("flag", [False, "false"])
def test_an_address_the_provider_has_not_verified_is_refused(app, demo, provider, flag):
    provider.identity = {**provider.identity, "email_verified": flag}
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 403 and "has not verified the address" in answer.text
    assert not signed_in(client)
    assert [e.after["reason"] for e in events(demo, "user.sign-in-failed")] == ["email-unverified"]


def _with_claims(token: str, **changes) -> str:
    """The token with its payload changed and its signature kept (what a forger can do)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


BAD_ID_TOKENS = {
    "payload changed after signing": lambda p: setattr(
        p, "id_token_filter", lambda token: _with_claims(token, email=OFFICER)
    ),
    "signed by another key with the provider's key id": lambda p: setattr(
        p, "signing_key", new_signing_key()
    ),
    "signature removed": lambda p: setattr(
        p, "id_token_filter", lambda token: token.rsplit(".", 1)[0] + "."
    ),
    "for another client": lambda p: p.id_token_claims.update(aud="another-client"),
    # Authlib alone would accept this one: it checks the audience only through azp.
    "for another client, authorized party us": lambda p: p.id_token_claims.update(
        aud=["another-client"], azp=CLIENT_ID
    ),
    "from another issuer": lambda p: p.id_token_claims.update(iss="https://evil.example"),
    "expired": lambda p: p.id_token_claims.update(
        exp=int(time.time()) - 3600, iat=int(time.time()) - 7200
    ),
    "for another request (nonce)": lambda p: p.id_token_claims.update(nonce="an-old-nonce"),
    "without a nonce": lambda p: p.id_token_claims.update(nonce=None),
}


@pytest.mark.parametrize("spoil", BAD_ID_TOKENS.values(), ids=BAD_ID_TOKENS.keys())
def test_an_id_token_that_fails_verification_signs_nobody_in(app, demo, provider, spoil, caplog):
    # Whoever the provider vouches for, the forged or misdirected token names the officer.
    provider.identity = {"sub": "u-99", "email": STRANGER, "email_verified": True}
    provider.id_token_claims["email"] = OFFICER
    spoil(provider)
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 401 and NOT_CONFIRMED in answer.text
    assert "Traceback" not in answer.text
    assert not signed_in(client)
    assert events(demo, "user.signed-in") == []
    assert "Single sign-on failed at callback" in caplog.text
    for token in provider.issued_id_tokens:
        assert token.split(".")[1] not in caplog.text


def test_a_state_from_another_browser_or_used_before_is_refused(app, demo):
    victim, attacker = browser(app), browser(app)
    # Login CSRF: the attacker's own callback address, opened in the victim's browser.
    answer = come_back(victim, to_provider(attacker))
    assert answer.status_code == 400 and "started in another browser" in answer.text
    assert not signed_in(victim)

    callback_url = to_provider(victim)
    assert come_back(victim, callback_url).status_code == 302
    replayed = come_back(browser(app), callback_url)
    assert replayed.status_code == 400
    again = come_back(victim, callback_url)  # the state was used once, and the session begun afresh
    assert again.status_code == 400
    assert len(events(demo, "user.signed-in")) == 1


def test_the_provider_refusing_is_one_sentence(app, provider):
    provider.refuse_with = "access_denied"
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 401 and NOT_CONFIRMED in answer.text
    assert not signed_in(client)


def test_a_wrong_client_secret_is_refused_at_the_token_endpoint(settings, demo, officer, provider):
    app = create_app(sso_settings(settings, provider.issuer, secret="not-the-secret"))
    client = browser(app)
    answer = sign_in(client)
    assert answer.status_code == 401 and NOT_CONFIRMED in answer.text
    assert not signed_in(client)
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


def test_a_provider_that_cannot_be_reached_is_one_sentence(settings, demo, officer):
    app = create_app(sso_settings(settings, f"http://127.0.0.1:{free_port()}"))
    client = browser(app)
    answer = client.get("/sign-in/oidc?next=/partners")
    assert answer.status_code == 502 and FAILED in answer.text
    assert 'name="next" value="/partners"' in answer.text  # the password form still leads there
    assert not signed_in(client)
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


def test_a_provider_gone_before_the_code_is_exchanged_is_one_sentence(app, provider):
    client = browser(app)
    callback_url = to_provider(client)
    provider.stop()
    answer = come_back(client, callback_url)
    assert answer.status_code == 502 and FAILED in answer.text
    assert not signed_in(client)


def test_a_discovery_document_of_another_issuer_is_refused(settings, demo, officer, provider):
    # The same server under another name: its discovery document names 127.0.0.1, not localhost.
    app = create_app(sso_settings(settings, provider.issuer.replace("127.0.0.1", "localhost")))
    client = browser(app)
    answer = client.get("/sign-in/oidc")
    assert answer.status_code == 502 and FAILED in answer.text
    assert "/authorize" not in provider.requests
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()
