"""Benchmark: how long the dashboard's pages take to render through gunicorn, with the demo data.

    .venv/bin/python bench/bench_pages.py [--requests 30] [--clients 4] [--workers 2]
        [--setup "demo --scale region"] [--pages / "/setup?county=Dolj"] [--postgresql]
        [--compare-demo]

Starts `sharing init` + `sharing demo` on a fresh SQLite database (or, with --postgresql, a database on
a throw-away PostgreSQL server started as the tests start theirs), adds an admin account, then gunicorn
(as in production) on a free loopback port, and times, signed in as that admin, the request the browser
makes when it opens each page (Dash's page-router callback, which builds the layout, runs the queries and
the figure builders). Prints p50/p95 per page one request at a time, cold (the shared figure cache in the
instance folder emptied before each request, as after a data change) and warm (served from it), then
requests/s with several concurrent clients, warm. Compare pages within one run: this machine is shared and
absolute times vary. The filters of a page change its URL and the page router draws it again, so a filter's
cost is a page with a query: "/?indicator=ESU-USERS", "/?county=Dolj".
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


def signed_in_when_up(base: str, seconds: float = 60) -> urllib.request.OpenerDirector:
    """``signed_in`` once the server that is starting at ``base`` answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return signed_in(base)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


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
        "--compare-demo", action="store_true",
        help="measure the demo database too, in the same run, and print region/demo ratios",
    )  # fmt: skip
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
    database = "PostgreSQL" if "postgresql" in database_url else "SQLite"
    setups = [("demo", [])] if args.compare_demo else []
    setups.append(("this data", args.setup))
    results = {}
    for number, (label, setup) in enumerate(setups):
        url = database_url
        if number and args.compare_demo:  # a second database beside the first
            url = _second_database(database_url, folder)
        results[label] = _measure(args, folder / f"run{number}", url, setup)
    print(f"{database}, gunicorn {args.workers} workers, {args.requests} requests per page\n")
    print(
        "| page | cold p50 ms | cold p95 ms | warm p50 ms | warm p95 ms | kB |"
        f" requests/s with {args.clients} clients |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, rows in results.items():
        for path, row in rows.items():
            name = f"`{path}`" + (f" ({label})" if args.compare_demo else "")
            print(
                f"| {name} | {row['cold50']:.0f} | {row['cold95']:.0f} | {row['warm50']:.0f}"
                f" | {row['warm95']:.0f} | {row['kB']:.0f} | {row['rate']:.1f} |"
            )
    if args.compare_demo:
        print("\n| page | cold p50 ratio | cold p95 ratio | warm p50 ratio | warm p95 ratio |")
        print("|---|---|---|---|---|")
        demo, other = results["demo"], results["this data"]
        for path in other:
            ratios = [other[path][key] / max(demo[path][key], 0.1)
                      for key in ("cold50", "cold95", "warm50", "warm95")]  # fmt: skip
            print(f"| `{path}` | " + " | ".join(f"{ratio:.1f}x" for ratio in ratios) + " |")


def _second_database(database_url: str, folder: Path) -> str:
    if "postgresql" not in database_url:
        return f"sqlite:///{folder / 'second.db'}"
    from sqlalchemy import create_engine

    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("CREATE DATABASE bench_second")
    admin.dispose()
    return database_url.rsplit("/", 1)[0] + "/bench_second"


def _measure(args, folder: Path, database_url: str, setup: list) -> dict[str, dict]:
    """Each page's timings over a fresh database prepared by ``sharing init``, ``demo`` and
    ``setup``."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SHARING_INSTANCE_PATH": str(folder),
        **({"SHARING_CACHE_SECONDS": "0"} if args.no_cache else {}),
    }
    for command in (["init"], ["demo"], *setup):
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
    rows = {}
    try:
        opener = signed_in_when_up(base)
        with opener.open(base + "/_dash-dependencies", timeout=30) as response:
            dependencies = json.load(response)
        router = next(d["output"] for d in dependencies if "_pages_content" in d["output"])
        url = base + "/_dash-update-component"
        post = functools.partial(timed_post, opener, url)
        bodies = {path: page_request(router, path) for path in args.pages}
        for path, body in bodies.items():
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
            rows[path] = {
                "cold50": statistics.median(cold), "cold95": percentile(cold, 0.95),
                "warm50": statistics.median(warm), "warm95": percentile(warm, 0.95),
                "kB": size, "rate": args.requests / (time.perf_counter() - started),
            }  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
    return rows


if __name__ == "__main__":
    main()
