"""Run the installed ``sharing`` command and gunicorn as a user would, in subprocesses."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.support.postgres import free_port

BIN = Path(sys.executable).parent


def sharing_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``sharing`` run: this one's, without its settings and without its locale
    (LANG, LC_*, LANGUAGE), so the command speaks English unless ``extra`` says otherwise."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "SHARING_", "SECRET_KEY", "LANG", "LC_"))
    }
    env.update(DATABASE_URL=database_url, SHARING_INSTANCE_PATH=str(instance), **extra)
    return env


def run_sharing(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "sharing"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


class Gunicorn:
    """gunicorn serving dashboard.wsgi:server on a free loopback port until stopped."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "dashboard.wsgi:server",
                # The Procfile's settings, on a loopback port: the tests serve as production does.
                "--config",
                "python:dashboard.gunicorn_config",
                "--no-control-socket",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],  # fmt: skip
            env=env,
            # A file, not a pipe: nobody reads the access log while the test runs, and a full pipe
            # would block every worker on its next log line.
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_ready(self, timeout: float = 60) -> Gunicorn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError(f"gunicorn exited: {output}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        # SIGINT: gunicorn's quick shutdown. SIGTERM's graceful one waits up to graceful_timeout (30 s)
        # for kept-alive connections, time a finished test does not need to spend.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def output(self) -> str:
        """What gunicorn printed so far (its log and the access log)."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


TEST_PASSWORD = "correct-horse-battery-staple"


def add_account(env: dict[str, str], email: str, role: str, partner: str | None = None) -> None:
    """An account made with ``sharing users add`` (password TEST_PASSWORD), as an operator would."""
    options = ["--partner", partner] if partner else []
    done = subprocess.run(
        [str(BIN / "sharing"), "users", "add", email, "--role", role, *options, "--password-stdin"],
        env=env, input=TEST_PASSWORD + "\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"sharing users add failed: {done.stderr}")


def signed_in_opener(base_url: str, email: str) -> urllib.request.OpenerDirector:
    """A urllib opener holding the session cookie of ``email`` (signed in through the real form, CSRF
    token included) and sending this site's Origin with every request, as a browser does. The browser
    asks for English: an editor would otherwise read its partner's language."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Origin", base_url), ("Accept-Language", "en")]
    with opener.open(base_url + "/sign-in", timeout=30) as answer:
        token = re.search(r'name="csrf" value="([^"]+)"', answer.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"email": email, "password": TEST_PASSWORD, "csrf": token, "next": "/"}
    ).encode()
    with opener.open(base_url + "/sign-in", data=form, timeout=30) as answer:
        if "/sign-in" in answer.url:
            raise RuntimeError(f"signing in as {email} failed")
    return opener
