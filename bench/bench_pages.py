"""Benchmark: how long the dashboard's pages take to render through gunicorn, with the demo data.

    .venv/bin/python bench/bench_pages.py [--requests 30] [--clients 4] [--workers 2]

Starts `sharing init` + `sharing demo` on a fresh SQLite database, then gunicorn (as in production) on a
free loopback port, and times the request the browser makes when it opens each page (Dash's page-router
callback, which builds the layout, runs the queries and the figure builders). Prints p50/p95 per page one
request at a time, then requests/s with several concurrent clients. Compare pages within one run: this
machine is shared and absolute times vary.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent
PAGES = [
    "/", "/instruments", "/e-services", "/digital-skills", "/partners", "/partners/SMILTENE",
    "/upload", "/imports", "/setup",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_request(router_output: str, pathname: str) -> bytes:
    return json.dumps(
        {
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
    ).encode()


def timed_post(url: str, body: bytes) -> float:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for requests/s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sharing-bench-pages-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'sharing.db'}",
        "SHARING_INSTANCE_PATH": str(folder),
    }
    for command in ("init", "demo"):
        subprocess.run([str(BIN / "sharing"), command], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "dashboard.wsgi:server", "--no-control-socket", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/_dash-dependencies", timeout=5) as response:
                    dependencies = json.load(response)
                break
            except OSError:
                time.sleep(0.3)
        router = next(d["output"] for d in dependencies if "_pages_content" in d["output"])
        url = base + "/_dash-update-component"
        print(f"gunicorn {args.workers} workers, demo data, {args.requests} requests per page\n")
        print("| page | p50 ms | p95 ms | requests/s with", args.clients, "clients |")
        print("|---|---|---|---|")
        for path in PAGES:
            body = page_request(router, path)
            for _ in range(3):  # warm up both workers
                timed_post(url, body)
            sequential = sorted(timed_post(url, body) for _ in range(args.requests))
            p95 = sequential[min(len(sequential) - 1, int(0.95 * len(sequential)))]
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(timed_post, [url] * args.requests, [body] * args.requests))
            rate = args.requests / (time.perf_counter() - started)
            print(f"| `{path}` | {statistics.median(sequential):.0f} | {p95:.0f} | {rate:.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
