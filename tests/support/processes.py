"""Run the installed ``sharing`` command and gunicorn as a user would, in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.postgres import free_port

BIN = Path(sys.executable).parent


def sharing_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "SHARING_", "SECRET_KEY"))
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
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
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
