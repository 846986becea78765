"""Benchmark: requests/s that gunicorn sustains on the overview with many concurrent clients, with the
figure cache in the instance folder (one machine) and in Redis (several), errors counted.

    .venv/bin/python bench/bench_load.py [--workers 4] [--clients 20] [--seconds 30]
        [--database FILE.db] [--pages / /instruments]

Serves a copy of ``--database`` (a SQLite file, e.g. one holding ``sharing demo --scale region``; default a
fresh demo database) with gunicorn as the Procfile does (gthread, ``--workers`` processes), once without
REDIS_URL and once with a throw-away Redis server (Debian's redis-server on loopback, as the tests start
it). Each run: the cache emptied, one request per page to fill it, then ``--clients`` signed-in clients
posting the page-router request of the pages in turn for ``--seconds``. Prints requests/s, p50/p95/max
and errors per run. Compare the two runs with each other: the machine is shared and absolute numbers vary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import (  # noqa: E402
    EMAIL,
    PASSWORD,
    free_port,
    page_request,
    percentile,
    signed_in,
    signed_in_when_up,
    timed_post,
)

from tests.support.redis import RedisServer  # noqa: E402

BIN = Path(sys.executable).parent


def prepare(folder: Path, database: Path | None) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHARING_", "REDIS_URL"))},
        "DATABASE_URL": f"sqlite:///{folder / 'sharing.db'}",
        "SHARING_INSTANCE_PATH": str(folder),
        "SECRET_KEY": "bench-load",
    }
    if database:
        shutil.copyfile(database, folder / "sharing.db")
    commands = [["init"]] + ([] if database else [["demo"]])
    for command in commands:
        subprocess.run([str(BIN / "sharing"), *command], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "sharing"), "users", "add", EMAIL, "--role", "admin", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
    )  # fmt: skip  (already there in a copied database: fine)
    return env


def run(env: dict[str, str], args, label: str) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "dashboard.wsgi:server", "--config", "python:dashboard.gunicorn_config",
         "--no-control-socket", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        opener = signed_in_when_up(base)
        with opener.open(base + "/_dash-dependencies", timeout=30) as response:
            router = next(
                d["output"] for d in json.load(response) if "_pages_content" in d["output"]
            )
        url = base + "/_dash-update-component"
        bodies = [page_request(router, path) for path in args.pages]
        for body in bodies:  # fill the cache (and import everything in the workers)
            for _ in range(args.workers):
                timed_post(opener, url, body)
        times: list[float] = []
        errors: list[str] = []
        stop = time.monotonic() + args.seconds

        def client(number: int) -> None:
            browser = signed_in(base)
            turn = number
            while time.monotonic() < stop:
                try:
                    times.append(timed_post(browser, url, bodies[turn % len(bodies)]))
                except (OSError, urllib.error.HTTPError, RuntimeError) as failure:
                    errors.append(str(failure))
                turn += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "run": label,
        "requests": len(times),
        "per_second": round(len(times) / elapsed, 1),
        "p50_ms": round(statistics.median(times)) if times else None,
        "p95_ms": round(percentile(times, 0.95)) if times else None,
        "max_ms": round(max(times)) if times else None,
        "errors": len(errors),
        "first_error": errors[0][:200] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--database", type=Path, help="a SQLite database file to serve (copied)")
    parser.add_argument("--pages", nargs="+", default=["/"])
    args = parser.parse_args()
    results = []
    folder = Path(tempfile.mkdtemp(prefix="sharing-bench-load-"))
    try:
        env = prepare(folder, args.database)
        results.append(run(env, args, "figure cache in files"))
        shutil.rmtree(folder / "cache", ignore_errors=True)
        redis = RedisServer().start()
        try:
            results.append(run({**env, "REDIS_URL": redis.url}, args, "figure cache in Redis"))
        finally:
            redis.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"gunicorn {args.workers} workers, {args.clients} clients, {args.seconds:g} s, pages {args.pages}"
    )
    print("| run | requests | requests/s | p50 ms | p95 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['run']} | {r['requests']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['max_ms']} | {r['errors']} |"
        )
        if r["first_error"]:
            print("  first error:", r["first_error"])


if __name__ == "__main__":
    main()
