"""Benchmark: load the full region data set (``sharing demo --scale region``) on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_region_load.py [--runs 1] [--bodies 500] [--months 36]
        [--only sqlite|postgresql]

Each load runs in its own subprocess on a fresh, migrated database (a SQLite file; a database on a
throw-away PostgreSQL server that this script starts, as tests/support/postgres.py does), so peak memory
(ru_maxrss) is that load's own. The time is the region load alone, in one transaction, commit included;
the SHARING demo it sits beside is loaded first and not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = date(2023, 3, 1)


def load_once(url: str, bodies: int, months: int) -> dict:
    """In this process: migrate ``url``, load the demo, then time the region load."""
    import migrations
    from models.database import make_engine, make_session_factory, transaction
    from seed.demo import load_demo
    from seed.region import load_region

    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_demo(session, START)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with transaction(factory) as session:
        summary = load_region(session, START, bodies=bodies, months=months)
    seconds = time.perf_counter() - started
    engine.dispose()
    counts = dict(summary.counts)
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_mb": before / 1024,
        "values": counts["semester values"] + counts["monthly values"],
        "rows": sum(counts.values()),
        "counts": counts,
    }


def run_child(url: str, bodies: int, months: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, "--bodies", str(bodies), "--months", str(months)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(load_once(args.child, args.bodies, args.months)))
        return

    from sqlalchemy import create_engine, text

    from tests.support.postgres import PostgresServer

    results: dict[str, list[dict]] = {"sqlite": [], "postgresql": []}
    server = None if args.only == "sqlite" else PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for run in range(args.runs):
                if args.only != "postgresql":
                    url = f"sqlite:///{Path(folder) / f'region-{run}.db'}"
                    results["sqlite"].append(run_child(url, args.bodies, args.months))
                if server is not None:
                    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
                    with admin.connect() as connection:
                        connection.execute(text(f'CREATE DATABASE "region_{run}"'))
                    admin.dispose()
                    results["postgresql"].append(
                        run_child(server.url(f"region_{run}"), args.bodies, args.months)
                    )
    finally:
        if server is not None:
            server.stop()

    print(
        f"Region load, {args.bodies} bodies, {args.months} months, {args.runs} run(s); "
        f"{date.today()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}"
    )
    print("| database | values | rows in all | time (median) | values/s | peak memory |")
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        if not runs:
            continue
        seconds = statistics.median(r["seconds"] for r in runs)
        first = runs[0]
        each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(
            f"| {name} | {first['values']:,} | {first['rows']:,} | {seconds:.1f} s ({each}) "
            f"| {first['values'] / seconds:,.0f} | {max(r['peak_mb'] for r in runs):.0f} MB |"
        )
    print(json.dumps({name: runs[0]["counts"] for name, runs in results.items() if runs}))


if __name__ == "__main__":
    main()
