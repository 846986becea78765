"""Production path: gunicorn serves dashboard.wsgi:server over a migrated database with the demo."""

import json
import time
import urllib.error
import urllib.request

from tests.support.processes import (
    Gunicorn,
    add_account,
    run_sharing,
    sharing_env,
    signed_in_opener,
)


def test_gunicorn_serves_the_instruments_page(sqlite_url, tmp_path):
    env = sharing_env(sqlite_url, tmp_path)
    assert run_sharing("init", env=env).returncode == 0
    assert run_sharing("demo", env=env).returncode == 0
    add_account(env, "viewer@test.example.org", "viewer")
    server = Gunicorn(env).wait_until_ready()
    try:
        browser = signed_in_opener(server.url, "viewer@test.example.org")
        with browser.open(server.url + "/instruments", timeout=30) as response:
            assert response.status == 200
            assert "SHARING Monitor" in response.read().decode()
        with browser.open(server.url + "/_dash-dependencies", timeout=30) as response:
            router = next(d for d in json.load(response) if "_pages_content" in d["output"])
        request = urllib.request.Request(
            server.url + "/_dash-update-component",
            data=json.dumps(_page_request(router["output"], "/instruments")).encode(),
            headers={"Content-Type": "application/json"},
        )
        with browser.open(request, timeout=30) as response:
            page = response.read().decode()
        # A link's token never reaches the access log (the link is not valid: 404, but logged).
        try:
            browser.open(server.url + "/share/SECRET-TOKEN-123.abc", timeout=30)
        except urllib.error.HTTPError as refused:
            assert refused.code == 404
        # gunicorn writes the access-log line after the answer: give it a moment.
        deadline = time.monotonic() + 10
        while "/share/" not in (log := server.output()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.stop()
    assert "/share/" in log and "SECRET-TOKEN-123" not in log
    assert "Administrative Code of Romania" in page
    assert "Smiltene" in page and "Inter-community development associations" in page


def _page_request(router_output: str, pathname: str) -> dict:
    """The request Dash's page router makes when the browser opens ``pathname``."""
    return {
        "output": router_output,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def test_a_new_app_has_every_callback_before_its_first_request(settings):
    """Dash gathers callbacks and adds the page router on a worker's first request, marking the work
    done before doing it; create_app does it up front, so a second thread never sees it half done."""
    from dashboard.app import create_app

    app = create_app(settings)
    assert any("_pages_content" in output for output in app.callback_map)
    assert app._got_first_request == {"pages": True, "setup_server": True}
