"""A fuzz of the upload route against a real gunicorn (the Procfile's settings): random, truncated and
oversized bodies, as a signed-in partner editor. Every answer is a clear refusal (4xx with a sentence, or
the page's own "cannot be read" answer), never a 5xx; the server keeps serving; no value changes (an
unreadable file is only recorded as an attempt, which is what an upload always leaves)."""

from __future__ import annotations

import base64
import http.client
import json
import random
import sqlite3
import urllib.error
import urllib.request

from tests.factories import workbooks
from tests.support.processes import (
    Gunicorn,
    add_account,
    run_sharing,
    sharing_env,
    signed_in_opener,
)

CASES = 120
SEED = 20261204
MAX_UPLOAD_MB = 1


def _dry_run_body(dependencies: list[dict], data_url: object) -> dict:
    dry_run = next(
        d
        for d in dependencies
        if d["output"].startswith("..upload-result.children")
        and d["inputs"] == [{"id": "upload-file", "property": "contents"}]
    )
    outputs = []
    for output in dry_run["output"].strip(".").split("..."):
        component, prop = output.rsplit(".", 1)
        outputs.append({"id": component, "property": prop})
    return {
        "output": dry_run["output"],
        "outputs": outputs,
        "inputs": [{"id": "upload-file", "property": "contents", "value": data_url}],
        "changedPropIds": ["upload-file.contents"],
        "state": [
            {"id": "upload-file", "property": "filename", "value": "fuzz.xlsx"},
            {"id": "upload-partner", "property": "value", "value": "SMILTENE"},
        ],
    }


def _bodies(rng: random.Random, valid: dict, dependencies: list[dict]):
    """(kind, raw bytes) of every kind of wrong request."""
    encoded = json.dumps(valid).encode()
    workbook = workbooks.xlsx([("ESU-USERS", "P7", 12)])
    for _ in range(CASES):
        kind = rng.choice(
            ["random", "truncated", "flipped", "file", "bad-base64", "oversized", "typed"]
        )
        if kind == "random":
            yield kind, rng.randbytes(rng.randint(0, 4000))
        elif kind == "truncated":
            yield kind, encoded[: rng.randint(0, len(encoded) - 1)]
        elif kind == "flipped":
            raw = bytearray(encoded)
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            yield kind, bytes(raw)
        elif kind == "file":
            # A well-formed request carrying a damaged or random file.
            content = bytearray(workbook)
            content = content[: rng.randint(1, len(content))]
            if rng.random() < 0.5:
                content = bytearray(rng.randbytes(rng.randint(1, 3000)))
            data_url = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
            yield kind, json.dumps(_dry_run_body(dependencies, data_url)).encode()
        elif kind == "bad-base64":
            data_url = "data:application/octet-stream;base64," + "%$#!" * rng.randint(1, 50)
            yield kind, json.dumps(_dry_run_body(dependencies, data_url)).encode()
        elif kind == "oversized":
            yield kind, None  # announced larger than the limit: refused before it is read
        else:
            value = rng.choice([12, None, [], {"a": 1}, True, "x" * 100, 1e308])
            yield kind, json.dumps(_dry_run_body(dependencies, value)).encode()


def _announce_oversized(server, browser) -> tuple[int, str]:
    """Announce a body over the limit (Content-Length) and send none of it: the server must answer
    413 from the header alone, without waiting for or reading the body."""
    jar = next(h.cookiejar for h in browser.handlers if hasattr(h, "cookiejar"))
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", "/_dash-update-component")
    for name, value in (
        ("Content-Type", "application/json"), ("Origin", server.url), ("Cookie", cookie),
        ("Accept-Language", "en"),  # else SMILTENE's editor is answered in Latvian
        ("Content-Length", str((2 * MAX_UPLOAD_MB + 1) * 1024 * 1024)),
    ):  # fmt: skip
        connection.putheader(name, value)
    connection.endheaders()
    answer = connection.getresponse()
    status, text = answer.status, answer.read().decode(errors="replace")
    connection.close()
    return status, text


def _counts(database: str) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("observation", "observation_revision", "submission", "stage_event")
        }


def test_random_truncated_and_oversized_uploads_are_refused_and_the_server_keeps_serving(
    tmp_path,
):
    database = tmp_path / "sharing.db"
    env = sharing_env(f"sqlite:///{database}", tmp_path, SHARING_MAX_UPLOAD_MB=str(MAX_UPLOAD_MB))
    assert run_sharing("init", env=env).returncode == 0
    assert run_sharing("demo", env=env).returncode == 0
    add_account(env, "smiltene@test.example.org", "editor", "SMILTENE")
    server = Gunicorn(env).wait_until_ready()
    statuses: dict[str, set[int]] = {}
    before = _counts(str(database))
    try:
        browser = signed_in_opener(server.url, "smiltene@test.example.org")
        with browser.open(server.url + "/_dash-dependencies", timeout=30) as answer:
            dependencies = json.load(answer)
        valid = _dry_run_body(dependencies, "data:application/octet-stream;base64,UEs=")
        rng = random.Random(SEED)
        for kind, body in _bodies(rng, valid, dependencies):
            if body is None:
                status, text = _announce_oversized(server, browser)
                statuses.setdefault(kind, set()).add(status)
                assert status == 413 and "larger than" in text, text
                continue
            request = urllib.request.Request(
                server.url + "/_dash-update-component", data=body,
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            try:
                with browser.open(request, timeout=60) as answer:
                    status, text = answer.status, answer.read().decode(errors="replace")
            except urllib.error.HTTPError as refused:
                status, text = refused.code, refused.read().decode(errors="replace")
            statuses.setdefault(kind, set()).add(status)
            assert status < 500, (kind, status, text[:200])
            if status >= 400:
                assert 0 < len(text) < 400 and "Traceback" not in text, (kind, text[:200])
            else:
                assert "could not be read" in text or "cannot be read" in text or status == 204
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as health:
            assert health.status == 200
    finally:
        log = server.output()
        server.stop()
    assert "Traceback" not in log
    assert _counts(str(database)) == before
    assert statuses["oversized"] == {413}
    assert statuses["random"] <= {400}
