"""Running at scale, with real servers: one PostgreSQL, one Redis, two web instances (gunicorn, each with
its own instance folder) and a Celery worker (``sharing worker`` with REDIS_URL). A large upload dropped
on one instance is queued, run by the worker through Redis, followed and confirmed on the other
instance, and imported once; the figure cache both instances fill is Redis's."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
import redis
from sqlalchemy import create_engine, select

from models import Upload
from tests.factories import workbooks
from tests.support.processes import (
    BIN,
    Gunicorn,
    add_account,
    run_sharing,
    sharing_env,
    signed_in_opener,
)
from tests.support.redis import RedisServer

pytestmark = pytest.mark.postgres
EDITOR = "smiltene@test.example.org"
XLSX = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
ROWS = [(code, period, 100 + i * 10 + j)
        for i, code in enumerate(("ESU-SERVICES", "ESU-USERS", "DSK-TRAINED"))
        for j, period in enumerate(("P1", "P2", "P3", "P4"))]  # fmt: skip


class Worker:
    """``sharing worker`` in a subprocess (a Celery worker when REDIS_URL is set)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [str(BIN / "sharing"), "worker"], env=env, stdout=self.log, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return output


def test_an_upload_through_the_queue_while_another_instance_serves(postgres_url, tmp_path):
    redis_server = RedisServer().start()
    servers: list[Gunicorn] = []
    worker = None
    try:
        common = {
            "REDIS_URL": redis_server.url, "SECRET_KEY": "one-key-for-every-instance",
            "SHARING_BACKGROUND_MB": "0.001",  # every file of this test goes to the worker
        }  # fmt: skip
        env_a = sharing_env(postgres_url, tmp_path / "a", **common)
        env_b = sharing_env(postgres_url, tmp_path / "b", **common)
        assert run_sharing("init", env=env_a).returncode == 0
        assert run_sharing("demo", env=env_a).returncode == 0
        add_account(env_a, EDITOR, "editor", "SMILTENE")
        servers = [Gunicorn(env_a, workers=1), Gunicorn(env_b, workers=1)]
        a, b = (server.wait_until_ready() for server in servers)
        at_a, at_b = signed_in_opener(a.url, EDITOR), signed_in_opener(b.url, EDITOR)
        dependencies = _get_json(at_a, a.url + "/_dash-dependencies")

        # Dropped on instance A before any worker runs: recorded and queued, its message in Redis.
        dropped = _post(at_a, a.url, _body(dependencies, "upload-file.contents", {
            "upload-file.contents": XLSX + base64.b64encode(workbooks.xlsx(ROWS)).decode(),
            "upload-file.filename": "region.xlsx", "upload-partner.value": "SMILTENE",
        }))  # fmt: skip
        job = dropped["upload-job"]["data"]
        assert job["kind"] == "preview" and "upload-job-panel" in json.dumps(dropped)
        assert redis.Redis.from_url(redis_server.url).llen("sharing-uploads") == 1

        worker = Worker(env_a)
        # Followed on instance B, until the worker's result is there: the preview of 12 new values.
        shown = _follow(at_b, b.url, dependencies, job)
        assert shown["upload-confirm"]["style"] is None, shown  # the Import button is offered

        # Confirmed on B, followed on A: imported once, by the worker, as the editor.
        confirmed = _post(at_b, b.url, _body(dependencies, "upload-confirm.n_clicks", {
            "upload-confirm.n_clicks": 1, "upload-id.data": job["id"],
        }))  # fmt: skip
        import_job = confirmed["upload-job"]["data"]
        assert import_job["kind"] == "import"
        done = _follow(at_a, a.url, dependencies, import_job)
        assert "upload-import-done" in json.dumps(done)

        engine = create_engine(postgres_url)
        with engine.connect() as connection:
            rows = connection.execute(
                select(Upload.outcome, Upload.job_state, Upload.job_attempts, Upload.rows_read)
                .where(Upload.id.in_([job["id"], import_job["id"]]))
                .order_by(Upload.id)
            ).all()  # fmt: skip
        engine.dispose()
        assert [tuple(row) for row in rows] == [
            ("dry-run", "done", 1, 12),
            ("imported", "done", 1, 12),
        ]

        # Both instances draw the overview from one cache: Redis's.
        for server, browser in ((a, at_a), (b, at_b)):
            _post(browser, server.url, _page_body(dependencies, "/"))
        assert redis.Redis.from_url(redis_server.url).dbsize() > 0
    finally:
        output = worker.stop() if worker else ""
        for server in servers:
            server.stop()
        redis_server.stop()
    assert "sharing.run_upload_job" in output and "Traceback" not in output, output[-3000:]


def _follow(browser, url: str, dependencies: list[dict], job: dict, timeout: float = 90) -> dict:
    """Poll the page's follow_job callback until the job is over; its last answer."""
    deadline = time.monotonic() + timeout
    body = _body(dependencies, "upload-job-poll.n_intervals", {
        "upload-job-poll.n_intervals": 1, "upload-job.data": job,
    })  # fmt: skip
    while time.monotonic() < deadline:
        answer = _post(browser, url, body)
        if answer.get("upload-job-poll", {}).get("disabled"):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"background upload {job} not done within {timeout} s")


def _body(dependencies: list[dict], trigger: str, values: dict) -> dict:
    """The request Dash's renderer sends for the callback triggered by ``trigger`` ("id.property"),
    with ``values`` for its inputs and states (None for the others)."""
    component, prop = trigger.rsplit(".", 1)
    callback = next(
        d
        for d in dependencies
        if d["inputs"] and d["inputs"][0] == {"id": component, "property": prop}
    )

    def entry(spec: dict) -> dict:
        return {**spec, "value": values.get(f"{spec['id']}.{spec['property']}")}

    outputs = []
    for output in callback["output"].strip(".").split("..."):
        name, output_prop = output.rsplit(".", 1)
        outputs.append({"id": name, "property": output_prop.split("@")[0]})
    return {
        "output": callback["output"],
        "outputs": outputs,
        "inputs": [entry(spec) for spec in callback["inputs"]],
        "state": [entry(spec) for spec in callback["state"]],
        "changedPropIds": [trigger],
    }


def _page_body(dependencies: list[dict], pathname: str) -> dict:
    """The page router's request (several callbacks listen to the location; it fills the page)."""
    router = [d for d in dependencies if "_pages_content" in d["output"]]
    return _body(router, "_pages_location.pathname", {"_pages_location.pathname": pathname})


def _post(browser, url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url + "/_dash-update-component", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with browser.open(request, timeout=60) as response:
            return json.load(response)["response"]
    except urllib.error.HTTPError as refused:
        raise AssertionError(f"{refused.code}: {refused.read()[:500]!r}") from None


def _get_json(browser, url: str):
    with browser.open(url, timeout=30) as response:
        return json.load(response)
