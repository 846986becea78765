"""Live gunicorn servers and helpers for the browser tests (used by tests/browser/conftest.py).

A ``LiveServer`` is a real ``gunicorn dashboard.wsgi:server`` over its own instance folder and SQLite
database, prepared with the real CLI (``sharing init``, optionally ``sharing demo``), exactly as an operator
would. Nothing here imports Dash: the app runs in its own processes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.figure_cache import CACHE_FOLDER
from tests.support.postgres import free_port

BIN = Path(sys.executable).parent  # .venv/bin: where `sharing` and `gunicorn` live
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# What this closed network needs (../shared/TECH.md); Playwright adds its own flags on top.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 60
# Every live server has these accounts (the editor only where the demo's partners exist), all with
# TEST_PASSWORD: ``sign_in(page, server, "viewer")``.
TEST_PASSWORD = "correct-horse-battery-staple"
ACCOUNTS = {
    "admin": ("officer@test.example.org", None),
    "viewer": ("committee@test.example.org", None),
    "editor": ("smiltene@test.example.org", "SMILTENE"),
    "editor-redea": ("redea@test.example.org", "REDEA"),
}
# Live servers by port, so that the ``page`` fixture can sign in to the one a test opens.
SERVERS: dict[int, LiveServer] = {}


class ServerFailed(RuntimeError):
    """The CLI or gunicorn did not come up; the message carries their output."""


@dataclass
class LiveServer:
    """A running dashboard. ``url`` has no trailing slash: ``page.goto(server.url + "/e-services")``."""

    name: str
    instance_path: Path
    database_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    # Settings of this server only (SHARING_BACKGROUND_MB for the background-upload test).
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The environment the CLI and gunicorn run with (reuse it to run more `sharing` commands)."""
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            SHARING_INSTANCE_PATH=str(self.instance_path),
            SECRET_KEY="browser-test-secret",  # both workers must agree
        )
        env.update(self.extra_env)
        return env

    @property
    def log_path(self) -> Path:
        return self.instance_path / "gunicorn.log"

    def sharing(self, *args: str, stdin: str | None = None) -> str:
        """Run ``sharing <args>`` against this server's database; returns stdout, raises ServerFailed."""
        done = subprocess.run(
            [str(BIN / "sharing"), *args], env=self.env, capture_output=True, text=True, timeout=300,
            input=stdin,
        )  # fmt: skip
        if done.returncode:
            raise ServerFailed(f"sharing {' '.join(args)} failed: {done.stderr or done.stdout}")
        return done.stdout

    def run_python(self, source: str) -> str:
        """Run ``source`` in a fresh interpreter with this server's environment (to seed data the CLI
        cannot, e.g. reference data without the demo figures); returns stdout, raises ServerFailed.
        Such writes bypass the services and their audit events, so the figure cache is emptied after."""
        done = subprocess.run(
            [sys.executable, "-c", source], env=self.env, cwd=REPO_ROOT, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        if done.returncode:
            raise ServerFailed(f"python failed: {done.stderr or done.stdout}")
        for entry in (self.instance_path / CACHE_FOLDER).glob("*"):  # the folder stays (cachelib's)
            entry.unlink()
        return done.stdout

    def start(self) -> LiveServer:
        command = [
            str(BIN / "gunicorn"), "dashboard.wsgi:server", "--no-control-socket",
            "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"gunicorn exited early:\n{self.log_text()}")
            if _answers(self.url + "/"):
                return self
            time.sleep(0.2)
        self.stop()
        raise ServerFailed(f"gunicorn did not answer in {STARTUP_SECONDS}s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT: gunicorn's quick shutdown; SIGTERM's graceful one waits up to 30 s for the
        # browser's kept-alive connections.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_live_server(
    root: Path, name: str, *, demo: bool, env: dict[str, str] | None = None
) -> LiveServer:
    """A migrated database in ``root/name`` (with the demo data when ``demo``) served by gunicorn, with
    ``env`` added to its environment."""
    instance = root / name
    instance.mkdir(parents=True, exist_ok=True)
    server = LiveServer(
        name=name, instance_path=instance, database_url=f"sqlite:///{instance / 'sharing.db'}",
        extra_env=dict(env or {}),
    )  # fmt: skip
    server.sharing("init")
    if demo:
        server.sharing("demo")
    for role, (email, partner) in ACCOUNTS.items():
        if partner and not demo:
            continue
        options = ["--partner", partner] if partner else []
        server.sharing(
            "users", "add", email, "--role", role.split("-")[0], *options, "--password-stdin",
            stdin=TEST_PASSWORD + "\n",
        )  # fmt: skip
    SERVERS[server.port] = server
    return server.start()


def sign_in(page, server: LiveServer, role: str = "admin") -> None:
    """Sign the page's browser context in to ``server`` as its ``role`` account (see ACCOUNTS), through
    the real sign-in form's POST (with its CSRF token), without rendering the form."""
    page.context.clear_cookies()  # whoever was signed in before
    request = page.context.request
    form_page = request.get(server.url + "/sign-in").text()
    token = re.search(r'name="csrf" value="([^"]+)"', form_page).group(1)
    answer = request.post(
        server.url + "/sign-in",
        form={"email": ACCOUNTS[role][0], "password": TEST_PASSWORD, "csrf": token, "next": "/"},
        headers={"Origin": server.url},
        max_redirects=0,
    )
    if answer.status != 302:
        raise ServerFailed(f"signing in as {role} failed: {answer.status} {answer.text()[:300]}")
    page.signed_in_to = (server.url, role)


def wait_for_dash(page, timeout: float = 15_000) -> None:
    """Wait until Dash has rendered the page and no callback is running or pending on the network."""
    page.wait_for_selector("#_pages_content", state="attached", timeout=timeout)
    page.wait_for_load_state("networkidle", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"], ._dash-loading')",
        timeout=timeout,
    )


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"


def save_screenshots(page, name: str) -> list[Path]:
    """Full-page screenshots of the current page at 1920x1080 and at phone width (390 px).

    Saved as ``test-artifacts/screenshots/<name>.png`` and ``<name>-phone.png`` (git-ignored); the
    viewport is restored afterwards. Returns the two paths.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    paths = []
    for suffix, size in (("", DESKTOP), ("-phone", PHONE)):
        page.set_viewport_size(size)
        # Plotly redraws responsive charts on the window's resize event; give it a frame or two.
        page.wait_for_timeout(400)
        if page.locator("#_pages_content").count():  # a Dash page, not the sign-in form
            wait_for_dash(page)
        path = SCREENSHOT_DIR / f"{safe_name(name)}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(original)
    page.wait_for_timeout(200)
    return paths
