"""Who may do what, through every route the web app has: pages, Dash's JSON routes, every server
callback, the sign-in forms and the share links. Table-driven over the roles (anonymous, steering
committee viewer, SMILTENE's editor, monitoring officer, a meeting's share link), on SQLite and PostgreSQL.
A refusal changes nothing in the database."""

from __future__ import annotations

import re
import time

import dash
import pytest
from sqlalchemy import func, select

from dashboard.access import PAGE_PERMISSIONS, callback_permission, command_line_actor
from dashboard.app import create_app
from dashboard.auth.sessions import SEEN
from dashboard.callback_guard import first_output_name
from dashboard.database import EXTENSION_KEY
from models import Base, Observation, Partner, PolicyChange, ReportingPeriod, Upload
from services.accounts import create_share_link, revoke_share_link, sign_token
from tests.support.accounts import ORIGIN, TEST_PASSWORD, ensure_account, signed_in_client
from tests.support.callbacks import ROUTE, page_request, request_body

ACCOUNTS = {
    "viewer": ("committee@test.example.org", "viewer", None),
    "editor": ("smiltene@test.example.org", "editor", "SMILTENE"),
    "admin": ("officer@test.example.org", "admin", None),
}
READERS = {"/", "/instruments", "/e-services", "/digital-skills", "/policy-progress", "/partners",
           "/partners/SMILTENE"}  # fmt: skip
PAGES = [*sorted(READERS), "/upload", "/imports", "/activity", "/setup", "/review", "/users"]
# Which pages each role opens; the others render the refusal (and are not in its navigation).
OPENS = {
    "viewer": READERS,
    "editor": READERS | {"/upload", "/imports"},
    "admin": set(PAGES),
    "share-link": READERS,
}


@pytest.fixture
def app(settings, demo):
    app = create_app(settings)
    for email, role, partner in ACCOUNTS.values():
        # English readers: without it SMILTENE's editor reads Latvian, its partner's language.
        ensure_account(demo, email, role, partner).language = "en"
    demo.commit()
    anonymous = app.server.test_client()
    anonymous.environ_base["HTTP_ORIGIN"] = ORIGIN
    anonymous.get("/sign-in")  # the first request registers the page router
    yield app
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


@pytest.fixture
def clients(app, demo, settings):
    from services.accounts import user_by_email

    clients = {"anonymous": signed_in_client(app, None)}
    for role, (email, _role, _partner) in ACCOUNTS.items():
        clients[role] = signed_in_client(app, user_by_email(demo, email))
    link, token = create_share_link(demo, command_line_actor("test"), "meeting", days=1)
    demo.commit()
    share = signed_in_client(app, None)
    opened = share.get("/share/" + sign_token(settings.secret_key, "share-link", token))
    assert opened.status_code == 302
    clients["share-link"] = share
    clients["share-link"].link_id = link.id
    return clients


def _row_counts(app) -> dict[str, int]:
    engine = app.server.extensions[EXTENSION_KEY]["engine"]
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in ("audit_event", "sign_in_attempt")
        }


def _values(app) -> list:
    engine = app.server.extensions[EXTENSION_KEY]["engine"]
    with engine.connect() as connection:
        return connection.execute(
            select(Observation.id, Observation.value, Observation.approved_value).order_by(
                Observation.id
            )
        ).all()


def test_anonymous_requests_get_the_sign_in_page_or_401(app, clients):
    anonymous = clients["anonymous"]
    for path in PAGES:
        answer = anonymous.get(path)
        assert answer.status_code == 302 and answer.location.startswith("/sign-in?next="), path
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert anonymous.get(path).status_code == 401, path
    before = _row_counts(app)
    for output, callback in app.callback_map.items():
        if "callback" not in callback:
            continue
        body = request_body(app, _trigger(callback), ids=IDS)
        assert anonymous.post(ROUTE, json=body).status_code == 401, output
    assert _row_counts(app) == before
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/sign-in").status_code == 200


# A value for every wildcard key of a pattern-matching id (dashboard/callback_guard.py ID_KEYS).
IDS = {"table": "target", "upload": 1, "observation": 1, "change": "PC-01", "sha256": "0" * 64,
       "chart": "x", "format": "csv", "submission": 1, "values": 1, "partner": "SMILTENE",
       "indicator": "ESU-USERS"}  # fmt: skip


def _trigger(callback) -> str:
    spec = callback["inputs"][0]
    raw = spec["id"]
    name = raw if not raw.startswith("{") else __import__("json").loads(raw)["type"]
    return f"{name}.{spec['property']}"


@pytest.mark.parametrize("role", ["viewer", "editor", "admin", "share-link"])
def test_each_role_opens_its_pages_and_sees_only_them_in_the_navigation(app, clients, role):
    client = clients[role]
    # Dash writes "/" as "\u002f" in its JSON.
    navigation = client.get("/_dash-layout").get_data(as_text=True).replace("\\u002f", "/")
    for path in PAGES:
        page = client.post(ROUTE, json=page_request(app, path))
        assert page.status_code == 200, path
        refused = "page-refused" in page.get_data(as_text=True)
        assert refused == (path not in OPENS[role]), (role, path)
        if path in PAGE_PERMISSIONS:
            linked = f'"href":"{path}"' in navigation
            assert linked == (path in OPENS[role]), (role, path)


@pytest.mark.parametrize("role", ["viewer", "editor", "share-link"])
def test_callbacks_of_pages_a_role_may_not_open_answer_403(app, clients, role):
    client = clients[role]
    actor_can = {
        "viewer": {"read", "read-submitted"},
        "editor": {"read", "read-submitted", "edit-data", "read-uploads"},
        "share-link": {"read"},
    }[role]
    before = _row_counts(app)
    refused = 0
    for callback in app.callback_map.values():
        if "callback" not in callback:
            continue
        needed = callback_permission(first_output_name(callback))
        if needed.value in actor_can:
            continue
        trigger = _trigger(callback)
        values = {trigger: 1} if trigger.endswith("n_clicks") else {}
        answer = client.post(ROUTE, json=request_body(app, trigger, values, IDS))
        assert answer.status_code == 403, (role, trigger, answer.status_code)
        refused += 1
    assert refused > 5
    assert _row_counts(app) == before


def _observation_of(demo, partner: str) -> int:
    return demo.scalar(
        select(Observation.id)
        .join(Partner, Partner.id == Observation.partner_id)
        .where(Partner.code == partner)
        .order_by(Observation.id)
        .limit(1)
    )


def _correct(app, client, observation_id: int, code: str):
    values = {
        "partner-correct-save.n_clicks": 1, "partner-observation.data": observation_id,
        "partner-correct-value.value": "7", "partner-correct-reason.value": "typo",
        "partner-code.data": code, "partner-period.value": "P7",
    }  # fmt: skip
    return client.post(ROUTE, json=request_body(app, "partner-correct-save.n_clicks", values))


def test_corrections_by_role_and_partner(app, clients, demo):
    smiltene, redea = _observation_of(demo, "SMILTENE"), _observation_of(demo, "REDEA")
    before = _values(app)
    for role, observation, code in (
        ("viewer", smiltene, "SMILTENE"), ("editor", redea, "REDEA"), ("share-link", smiltene, "SMILTENE"),
    ):  # fmt: skip
        answer = _correct(app, clients[role], observation, code)
        text = answer.get_data(as_text=True)
        assert answer.status_code in (200, 403), role
        assert "may not change" in text or "may change only SMILTENE" in text, (role, text)
    assert _values(app) == before
    # SMILTENE's editor corrects its own value: submitted, so the approved value stays.
    assert _correct(app, clients["editor"], smiltene, "SMILTENE").status_code == 200
    after = {row[0]: row for row in _values(app)}
    old = {row[0]: row for row in before}
    assert after[smiltene][1] == 7 and after[smiltene][2] == old[smiltene][2]
    # The officer's correction is approved at once.
    assert _correct(app, clients["admin"], redea, "REDEA").status_code == 200
    assert {row[0]: row for row in _values(app)}[redea][1:] == (7, 7)


def _upload(app, client, partner: str):
    import base64

    from tests.factories import workbooks

    content = workbooks.xlsx([("ESU-SERVICES", "P7", 12)])
    values = {
        "upload-file.contents": "data:application/octet-stream;base64,"
        + base64.b64encode(content).decode(),
        "upload-file.filename": "report.xlsx", "upload-partner.value": partner,
    }  # fmt: skip
    return client.post(ROUTE, json=request_body(app, "upload-file.contents", values))


def test_an_editor_uploads_only_for_its_own_partner(app, clients, demo):
    before = _row_counts(app)
    other = _upload(app, clients["editor"], "REDEA")
    assert other.status_code == 200 and "may change only SMILTENE" in other.get_data(as_text=True)
    assert _upload(app, clients["viewer"], "SMILTENE").status_code == 403
    assert _row_counts(app) == before
    own = _upload(app, clients["editor"], "SMILTENE")
    assert own.status_code == 200 and "The workbook is fine" in own.get_data(as_text=True)
    # Confirming another partner's upload, or reading its file, is "no such upload".
    redea_upload = demo.scalar(
        select(Upload.id).join(Partner, Partner.id == Upload.partner_id).where(Partner.code == "REDEA")
    )  # fmt: skip
    if redea_upload is None:
        answer = _upload(app, clients["admin"], "REDEA")
        assert answer.status_code == 200
        demo.commit()
        redea_upload = demo.scalar(select(func.max(Upload.id)))
    for trigger in ("upload-confirm.n_clicks", "upload-annotated.n_clicks"):
        values = {trigger: 1, "upload-id.data": redea_upload}
        answer = clients["editor"].post(ROUTE, json=request_body(app, trigger, values))
        assert answer.status_code == 404, trigger


def test_an_editor_records_stages_only_for_its_own_partner(app, clients, demo):
    redea_change = demo.scalar(
        select(PolicyChange.code).join(PolicyChange.instrument).where(
            PolicyChange.instrument.has(partner=demo.scalar(select(Partner).where(Partner.code == "REDEA")))
        ).limit(1)
    )  # fmt: skip
    trigger = "instruments-record-open.n_clicks"
    answer = clients["editor"].post(
        ROUTE, json=request_body(app, trigger, {trigger: 1}, {"change": redea_change})
    )
    assert answer.status_code == 404
    assert (
        clients["admin"]
        .post(ROUTE, json=request_body(app, trigger, {trigger: 1}, {"change": redea_change}))
        .status_code
        == 200
    )


def test_requests_from_another_site_are_refused(app, clients):
    before = _values(app)
    admin = clients["admin"]
    body = request_body(app, "_pages_location.pathname", {"_pages_location.pathname": "/"})
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page"}):  # fmt: skip
        admin.environ_base.pop("HTTP_ORIGIN", None)
        assert admin.post(ROUTE, json=body, headers=headers).status_code == 403, headers
    assert admin.post(ROUTE, json=body).status_code == 403  # neither Origin nor Referer
    admin.environ_base["HTTP_ORIGIN"] = ORIGIN
    assert admin.post(ROUTE, json=body).status_code == 200
    assert _values(app) == before


def test_every_response_carries_the_security_headers(app, clients):
    for client, path in ((clients["admin"], "/"), (clients["anonymous"], "/sign-in"),
                         (clients["admin"], "/_dash-layout")):  # fmt: skip
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self' 'sha256-" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here
    https = clients["admin"].get("/", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def _sign_in(client, email, password):

    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return client.post(
        "/sign-in", data={"email": email, "password": password, "csrf": token, "next": "/setup"}
    )


def test_sign_in_sets_a_safe_cookie_and_the_sixth_guess_is_refused_unchecked(app):
    client = signed_in_client(app, None)
    wrong = [_sign_in(client, "officer@test.example.org", "wrong password!") for _ in range(5)]
    assert [answer.status_code for answer in wrong] == [401] * 5
    assert all("is not right" in answer.get_data(as_text=True) for answer in wrong)
    # The right password, sixth within the minute: refused without being checked.
    throttled = _sign_in(client, "officer@test.example.org", TEST_PASSWORD)
    assert throttled.status_code == 429 and "wait a minute" in throttled.get_data(as_text=True)
    other = signed_in_client(app, None)
    answer = _sign_in(other, "committee@test.example.org", TEST_PASSWORD)
    assert answer.status_code == 302 and answer.location == "/setup"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    # An unknown address gets the same sentence as a wrong password.
    unknown = _sign_in(signed_in_client(app, None), "nobody@test.example.org", "x" * 12)
    assert unknown.status_code == 401 and "is not right" in unknown.get_data(as_text=True)
    # A form without its token is refused, and a next= of another site goes home instead.
    forged = signed_in_client(app, None).post(
        "/sign-in", data={"email": "committee@test.example.org", "password": TEST_PASSWORD}
    )
    assert forged.status_code == 400

    third = signed_in_client(app, None)
    token = re.search(r'name="csrf" value="([^"]+)"', third.get("/sign-in").get_data(as_text=True))
    answer = third.post("/sign-in", data={
        "email": "committee@test.example.org", "password": TEST_PASSWORD, "csrf": token.group(1),
        "next": "//evil.example/x",
    })  # fmt: skip
    assert answer.location == "/"


def test_sessions_end_when_idle_disabled_or_the_password_changes(app, clients, demo):
    from services.accounts import set_active, set_password, user_by_email

    viewer = clients["viewer"]
    with viewer.session_transaction() as cookie:
        cookie[SEEN] = int(time.time()) - 2 * 3600
    ended = viewer.get("/")
    assert ended.status_code == 302 and "ended=idle" in ended.location
    editor = clients["editor"]
    assert editor.get("/_dash-layout").status_code == 200
    user = user_by_email(demo, "smiltene@test.example.org")
    set_password(demo, command_line_actor("test"), user.id, "another good passphrase")
    demo.commit()
    assert editor.get("/_dash-layout").status_code == 401
    admin = clients["admin"]
    officer = user_by_email(demo, "officer@test.example.org")
    ensure_account(demo, "second@test.example.org", "admin")
    set_active(demo, command_line_actor("test"), officer.id, False)
    demo.commit()
    assert admin.get("/_dash-layout").status_code == 401
    assert (
        _sign_in(signed_in_client(app, None), "officer@test.example.org", TEST_PASSWORD).status_code
        == 401
    )


def test_share_links_read_only_expire_and_can_be_revoked(app, clients, demo, settings):
    share = clients["share-link"]
    assert share.get("/_dash-layout").status_code == 200
    assert share.get("/sign-in").status_code == 200  # a link is not an account: it may sign in
    revoke_share_link(demo, command_line_actor("test"), share.link_id)
    demo.commit()
    assert share.get("/_dash-layout").status_code == 401
    # A forged or tampered token opens nothing.
    for token in ("x", "abc.def", sign_token("another key", "share-link", "abc")):
        assert signed_in_client(app, None).get("/share/" + token).status_code == 404
    link, token = create_share_link(demo, command_line_actor("test"), "old", days=1)
    link.expires_at = link.created_at.replace(year=2020)
    demo.commit()
    assert (
        signed_in_client(app, None)
        .get("/share/" + sign_token(settings.secret_key, "share-link", token))
        .status_code
        == 404
    )


def test_a_share_link_opens_in_its_language_unless_the_address_asks_for_another(
    app, demo, settings
):
    link, token = create_share_link(
        demo, command_line_actor("test"), "committee", days=1, language="fr", period_label="P7"
    )
    demo.commit()
    address = "/share/" + sign_token(settings.secret_key, "share-link", token)
    assert signed_in_client(app, None).get(address).location == "/?lang=fr&period=P7"
    assert signed_in_client(app, None).get(address + "?lang=lv").location == "/?lang=lv&period=P7"


def test_a_set_password_link_works_once(app, demo, settings):

    from services.accounts import add_user, create_password_link

    actor = command_line_actor("test")
    user = add_user(demo, actor, "new@test.example.org", "viewer")
    token = create_password_link(demo, actor, user.id)
    demo.commit()
    path = "/set-password/" + sign_token(settings.secret_key, "set-password", token)
    client = signed_in_client(app, None)
    form = client.get(path)
    assert form.status_code == 200 and "new@test.example.org" in form.get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    weak = client.post(path, data={"csrf": csrf, "password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "at least 12" in weak.get_data(as_text=True)
    good = {
        "csrf": csrf,
        "password": "a long and new passphrase",
        "confirm": "a long and new passphrase",
    }
    assert client.post(path, data=good).status_code == 302
    assert client.get(path).status_code == 404  # spent
    assert (
        _sign_in(signed_in_client(app, None), "new@test.example.org", good["password"]).status_code
        == 302
    )


def test_the_page_list_matches_the_registry(app):
    registered = {page["path"] for page in dash.page_registry.values()}
    assert {path for path in PAGES if "<" not in path} - {"/partners/SMILTENE"} <= registered
    assert set(PAGE_PERMISSIONS) <= registered


def test_nothing_of_a_period_is_shown_before_approval_to_a_share_link(app, clients, demo):
    """Submitted values never reach a share link, even with ?data=submitted."""
    period = demo.scalar(select(ReportingPeriod.id).where(ReportingPeriod.label == "P7"))
    assert period
    page = clients["share-link"].post(
        ROUTE, json=page_request(app, "/e-services", "?data=submitted")
    )
    assert page.status_code == 200
    assert '"value":true' not in page.get_data(as_text=True).split("esu-submitted")[1][:200]
