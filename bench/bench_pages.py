"""Benchmark: how long the dashboard's pages take to render through gunicorn, with the demo data.

    .venv/bin/python bench/bench_pages.py [--requests 30] [--clients 4] [--workers 2]
        [--setup "demo --scale region"] [--pages / "/setup?county=Dolj"] [--postgresql]

Starts `sharing init` + `sharing demo` on a fresh SQLite database (or, with --postgresql, a database on
a throw-away PostgreSQL server started as the tests start theirs), adds an admin account, then gunicorn
(as in production) on a free loopback port, and times, signed in as that admin, the request the browser
makes when it opens each page (Dash's page-router callback, which builds the layout, runs the queries and
the figure builders). Prints p50/p95 per page one request at a time, cold (the shared figure cache in the
instance folder emptied before each request, as after a data change) and warm (served from it), then
requests/s with several concurrent clients, warm. Compare pages within one run: this machine is shared and
absolute times vary.
"""

from __future__ import annotations

import argparse
import functools
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
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
    """The page router's request for ``pathname`` (with its ``?query``, if any)."""
    pathname, mark, query = pathname.partition("?")
    search = mark + query
    return json.dumps(
        {
            "output": router_output,
            "outputs": [
                {"id": "_pages_content", "property": "children"},
                {"id": "_pages_store", "property": "data"},
            ],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": pathname},
                {"id": "_pages_location", "property": "search", "value": search},
            ],
            "changedPropIds": ["_pages_location.pathname"],
            "state": [],
        }
    ).encode()


EMAIL = "bench@example.org"
PASSWORD = "correct-horse-battery-staple"


def signed_in(base: str) -> urllib.request.OpenerDirector:
    """An opener holding an admin's session cookie (the real sign-in form, CSRF token included)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    opener.addheaders = [("Origin", base)]
    with opener.open(base + "/sign-in", timeout=30) as answer:
        token = re.search(r'name="csrf" value="([^"]+)"', answer.read().decode()).group(1)
    form = {"email": EMAIL, "password": PASSWORD, "csrf": token, "next": "/"}
    with opener.open(base + "/sign-in", data=urllib.parse.urlencode(form).encode(), timeout=30):
        pass
    return opener


def timed_post(opener: urllib.request.OpenerDirector, url: str, body: bytes) -> float:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with opener.open(request, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for requests/s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--setup", action="append", type=str.split, default=[],
        help="another sharing command to run before serving (e.g. 'demo --scale region'); repeatable",
    )  # fmt: skip
    parser.add_argument("--pages", nargs="+", default=PAGES, help="the pages to time")
    parser.add_argument(
        "--no-cache", action="store_true", help="serve with the figure cache off (as before it)"
    )
    parser.add_argument(
        "--postgresql", action="store_true",
        help="serve a throw-away PostgreSQL server's database (Debian's, as the tests start it)",
    )  # fmt: skip
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sharing-bench-pages-"))
    database_url = f"sqlite:///{folder / 'sharing.db'}"
    postgres = None
    if args.postgresql:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.support.postgres import PostgresServer

        postgres = PostgresServer().start()
        database_url = postgres.url()
    try:
        _bench(args, folder, database_url)
    finally:
        if postgres is not None:
            postgres.stop()


def _bench(args, folder: Path, database_url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SHARING_INSTANCE_PATH": str(folder),
        **({"SHARING_CACHE_SECONDS": "0"} if args.no_cache else {}),
    }
    for command in (["init"], ["demo"], *args.setup):
        subprocess.run([str(BIN / "sharing"), *command], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "sharing"), "users", "add", EMAIL, "--role", "admin", "--password-stdin"],
        env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip
    cache = folder / "cache"
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
                opener = signed_in(base)
                break
            except OSError:
                time.sleep(0.3)
        with opener.open(base + "/_dash-dependencies", timeout=30) as response:
            dependencies = json.load(response)
        router = next(d["output"] for d in dependencies if "_pages_content" in d["output"])
        url = base + "/_dash-update-component"
        post = functools.partial(timed_post, opener, url)
        database = "PostgreSQL" if "postgresql" in database_url else "SQLite"
        print(f"{database}, gunicorn {args.workers} workers, {args.requests} requests per page\n")
        print(
            "| page | cold p50 ms | cold p95 ms | warm p50 ms | warm p95 ms | kB |"
            f" requests/s with {args.clients} clients |"
        )
        print("|---|---|---|---|---|---|---|")
        for path in args.pages:
            body = page_request(router, path)
            for _ in range(3):  # warm up both workers (imports, first connections)
                post(body)
            cold = []
            for _ in range(args.requests):
                for entry in cache.glob("*"):  # the files: cachelib makes the folder only at start
                    entry.unlink(missing_ok=True)
                cold.append(post(body))
            warm = [post(body) for _ in range(args.requests)]
            request = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json"}
            )
            with opener.open(request, timeout=60) as response:
                size = len(response.read()) / 1000
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(post, [body] * args.requests))
            rate = args.requests / (time.perf_counter() - started)
            print(
                f"| `{path}` | {statistics.median(cold):.0f} | {percentile(cold, 0.95):.0f}"
                f" | {statistics.median(warm):.0f} | {percentile(warm, 0.95):.0f} | {size:.0f}"
                f" | {rate:.1f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
