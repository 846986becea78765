"""Benchmark: the figure cache's data-version query (dashboard/queries/data_version.py) on a large audit
trail, with and without the index ``ix_audit_event_action_partner_id`` (action, partner_code, id).

    .venv/bin/python bench/bench_data_version.py [--events 500000] [--postgres]

Fills a fresh database (SQLite; PostgreSQL too with --postgres, started like the tests start it), the
index dropped first (migration 0008 adds it), with ``--events`` audit events spread over 505 partners and the actions the pages depend on, then times, in one
run, the page's question "the newest value change of these partners" for one partner, for a county's 80 and
for every partner, first without the index and then with it, and prints the query plans. Every page request
asks it once or twice, so it must stay well under a millisecond or two whatever the trail's length.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

import migrations  # noqa: E402
from dashboard.queries.data_version import POLICY, SETUP, VALUES, data_version  # noqa: E402
from models import AuditEvent  # noqa: E402
from models.database import make_engine, make_session_factory  # noqa: E402

INDEX = "ix_audit_event_action_partner_id"
ACTIONS = [*VALUES, *SETUP, *POLICY, "user.added", "user.signed_in", "share_link.created"]
PARTNERS = [f"RO41{n % 5 + 1}-M{n:03d}" for n in range(500)] + [
    "MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH",
]  # fmt: skip


def fill(engine, events: int) -> None:
    rng = random.Random(7)
    start = datetime(2023, 3, 1)
    with engine.begin() as connection:
        batch = []
        for number in range(events):
            batch.append(
                {
                    "occurred_at": start + timedelta(seconds=number * 60),
                    "actor_name": "bench",
                    "actor_role": "admin",
                    "actor_partner": None,
                    "action": rng.choice(ACTIONS),
                    "object_type": "observation",
                    "object_id": str(number),
                    "object_label": "bench",
                    "partner_code": None if rng.random() < 0.02 else rng.choice(PARTNERS),
                    "before": {},
                    "after": {},
                    "comment": "",
                }
            )
            if len(batch) == 20_000:
                connection.execute(insert(AuditEvent), batch)
                batch.clear()
        if batch:
            connection.execute(insert(AuditEvent), batch)


def timed(session, actions, partners, repeat: int = 50) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        data_version(session, actions, partners)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(url: str, events: int, label: str) -> None:
    migrations.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP INDEX IF EXISTS {INDEX}"))
    fill(engine, events)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    cases = {
        "one partner, values": (VALUES, PARTNERS[:1]),
        "80 partners, values + setup": (VALUES + SETUP, PARTNERS[:80]),
        "every partner, values + setup + policy": (VALUES + SETUP + POLICY, None),
    }
    factory = make_session_factory(engine)
    results = {}
    for indexed in (False, True):
        if indexed:
            with engine.begin() as connection:
                connection.execute(
                    text(f"CREATE INDEX {INDEX} ON audit_event (action, partner_code, id)")
                )
                connection.execute(text("ANALYZE"))
        with factory() as session:
            for name, (actions, partners) in cases.items():
                results.setdefault(name, []).append(timed(session, actions, partners))
    print(f"\n{label}, {events:,} audit events: median ms per data-version query")
    print("| question | without the index | with it | ratio |")
    print("|---|---|---|---|")
    for name, (without, with_index) in results.items():
        print(f"| {name} | {without:.2f} | {with_index:.2f} | {without / with_index:.1f}x |")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--postgres", action="store_true", help="also on a local PostgreSQL server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", args.events, "SQLite")
    if args.postgres:
        from tests.support.postgres import PostgresServer

        server = PostgresServer().start()
        try:
            run(server.url(), args.events, "PostgreSQL")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
