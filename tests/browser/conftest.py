"""Browser-test fixtures: real gunicorn servers and the system Chromium driven by Playwright (sync API).

Fixtures (all tests in tests/browser/ are marked ``browser`` automatically):

- ``demo_server``: a ``LiveServer`` (tests/support/browser.py) over a SQLite database prepared with
  ``sharing init`` + ``sharing demo``; shared by the whole session, so tests must not rely on changes
  other tests make. ``demo_server.url`` is the base URL without a trailing slash.
- ``empty_server``: the same over a database that is only migrated (``sharing init``): empty states.
- ``live_server_factory``: ``live_server_factory("upload-flow", demo=True)`` starts a private server for a
  test that writes (uploads, corrections); stopped at the end of the session. Seed what the CLI cannot
  with ``server.run_python("...")`` or run ``server.sharing("import", ...)``; ``server.database_url``
  lets a test check the database afterwards.
- ``browser``: one headless Chromium (``/usr/bin/chromium``) for the session. Never `playwright install`.
- ``page``: a fresh browser context + page at 1920x1080 that accepts downloads. Every console error and
  uncaught page error is recorded and the test FAILS at teardown if any occurred (the clean-console
  rule of Dash's own test-suite). ``console.allow(r"regex")`` permits an error a test provokes on purpose.
  The first ``page.goto`` to a live server signs the context in as that server's admin, unless the test
  signed in itself (``sign_in(page, server, "viewer")`` from tests.support.browser) or opted out with
  ``page.signed_in_to = "anonymous"``.
- ``console``: that recorder (``console.errors`` lists what was seen so far, ``console.warnings`` the
  console's warnings, which a test asserts on where it expects none).
- ``screenshot``: ``screenshot("overview")`` saves test-artifacts/screenshots/overview.png (1920x1080,
  full page) and overview-phone.png (390 px wide) of the current page.

Helpers to import: ``from tests.support.browser import wait_for_dash`` (wait until Dash has rendered and
no callback is running).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    SERVERS,
    LiveServer,
    save_screenshots,
    sign_in,
    start_live_server,
)

# The machines that run the suite are shared: a callback can take a few seconds to answer under load.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server_factory(tmp_path_factory):
    started: list[LiveServer] = []
    root = tmp_path_factory.mktemp("live-servers")

    def start(name: str, *, demo: bool = True, env: dict[str, str] | None = None) -> LiveServer:
        server = start_live_server(root, name, demo=demo, env=env)
        started.append(server)
        return server

    yield start
    # All at once: a stop is mostly waiting for gunicorn's workers to exit, and a worker's process
    # runs a dozen of them by the end of the session (4 at a time took 8 s of 8 servers).
    with ThreadPoolExecutor(max_workers=max(len(started), 1)) as pool:
        list(pool.map(lambda server: server.stop(), started))


@pytest.fixture(scope="session")
def _shared_servers(live_server_factory) -> dict[str, LiveServer]:
    # Both start at once: most of the time goes into two interpreters importing the app.
    with ThreadPoolExecutor(max_workers=2) as pool:
        demo = pool.submit(live_server_factory, "demo", demo=True)
        empty = pool.submit(live_server_factory, "empty", demo=False)
        return {"demo": demo.result(), "empty": empty.result()}


@pytest.fixture(scope="session")
def demo_server(_shared_servers) -> LiveServer:
    return _shared_servers["demo"]


@pytest.fixture(scope="session")
def empty_server(_shared_servers) -> LiveServer:
    return _shared_servers["empty"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class ConsoleRecorder:
    """Console errors and uncaught exceptions seen by one page; ``warnings`` keeps the console's
    warnings (not failures by themselves: a test that expects none asserts it)."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console() -> ConsoleRecorder:
    return ConsoleRecorder()


@pytest.fixture
def page(browser, console):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            console.record(f"console: {message.text} ({location.get('url', '')})")
        elif message.type == "warning":
            console.warnings.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.record(f"page error: {error}"))
    page.signed_in_to = None
    goto = page.goto

    def goto_signed_in(url: str, **options):
        port = urlsplit(url).port
        server = SERVERS.get(port)
        if server is not None and page.signed_in_to is None:
            sign_in(page, server, "admin")
        elif (
            server is not None
            and page.signed_in_to not in ("anonymous",)
            and (page.signed_in_to[0] != server.url)
        ):
            sign_in(page, server, page.signed_in_to[1])
        return goto(url, **options)

    page.goto = goto_signed_in
    yield page
    context.close()
    unexpected = console.unexpected()
    if unexpected:
        pytest.fail("The browser console was not clean:\n" + "\n".join(unexpected))


@pytest.fixture
def screenshot(page):
    def take(name: str):
        return save_screenshots(page, name)

    return take
