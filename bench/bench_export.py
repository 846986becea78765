"""Benchmark: ``sharing export`` (CSV and XLSX) at several sizes, rows/s and peak memory, before and after.

    .venv/bin/python bench/bench_export.py [--sizes 50000,500000,2000000] [--databases sqlite,postgresql]
                                           [--formats csv,xlsx] [--before REV] [--before-max 500000]

Each size gets a fresh database (a temporary SQLite file; a throw-away PostgreSQL server from Debian's
package, tests/support/postgres.py) with the reference data and ``size`` observations inserted in bulk
(5 partners x 8 periods x size/40 benchmark indicators, varied values, comments and timestamps; COPY on
PostgreSQL). Every export runs in its own process, so its peak RSS (os.wait4) is its own:

- "after": the ``sharing export -o FILE`` command itself (streamed);
- "before" (with ``--before REV``, sizes up to ``--before-max``): workbooks/export.py as it was at git
  revision REV, loaded into a temporary module, doing what the command did then (the whole file built in
  memory, then written).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTNERS = 5
PERIODS = 8
BATCH = 50_000


def prepare_database(url: str, size: int) -> float:
    """Migrate, load the reference data and insert ``size`` observations; returns the seconds taken."""
    import migrations
    from models import Indicator, Observation, Partner, ReportingPeriod
    from models.database import make_engine, make_session_factory, transaction
    from seed.reference_data import load_reference_data

    start = time.perf_counter()
    migrations.upgrade(url)
    engine = make_engine(url)
    indicators = -(-size // (PARTNERS * PERIODS))
    with transaction(make_session_factory(engine)) as session:
        load_reference_data(session, date(2023, 3, 1))
        session.execute(
            Indicator.__table__.insert(),
            [
                dict(code=f"BENCH-{i:06d}", name=f"Benchmark indicator {i}", unit="items",
                     category="context", value_kind="count", aggregation="sum", display_order=i)
                for i in range(indicators)
            ],
        )  # fmt: skip
        partners = session.scalars(select_ids(Partner)).all()[:PARTNERS]
        periods = session.scalars(select_ids(ReportingPeriod)).all()[:PERIODS]
        first = session.scalar(select_ids(Indicator).where(Indicator.code == "BENCH-000000"))
    rows = _observations(size, partners, periods, first)
    if engine.dialect.name == "postgresql":
        _copy(engine, rows)
    else:
        with engine.begin() as connection:
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    connection.execute(Observation.__table__.insert(), batch)
                    batch = []
            if batch:
                connection.execute(Observation.__table__.insert(), batch)
    engine.dispose()
    return time.perf_counter() - start


def select_ids(model):
    from sqlalchemy import select

    return select(model.id).order_by(model.id)


def _observations(size: int, partners: list[int], periods: list[int], first_indicator: int):
    """Plausible rows: a value per partner, indicator and period (every 50th missing), a comment on every
    7th, a timestamp per row, a tenth submitted (approved value behind)."""
    moment = datetime(2026, 3, 1, 9, 0, 0)
    for index in range(size):
        partner = partners[index % PARTNERS]
        period = periods[(index // PARTNERS) % PERIODS]
        indicator = first_indicator + index // (PARTNERS * PERIODS)
        value = None if index % 50 == 0 else round(100 + index % 997 + (index % 7) / 4, 2)
        submitted = index % 10 == 0
        yield {
            "indicator_id": indicator, "partner_id": partner, "period_id": period, "value": value,
            "comment": "checked with the finance office" if index % 7 == 0 else "",
            "source_kind": "demo", "upload_id": None, "source_cell": None,
            "updated_by": "bench@example.org", "updated_at": moment + timedelta(seconds=index),
            "review_status": "submitted" if submitted else "approved",
            "approved_value": None if submitted else value,
        }  # fmt: skip


def _copy(engine, rows) -> None:
    columns = (
        "indicator_id", "partner_id", "period_id", "value", "comment", "source_kind", "upload_id",
        "source_cell", "updated_by", "updated_at", "review_status", "approved_value",
    )  # fmt: skip
    connection = engine.raw_connection()
    try:
        copy_sql = f"COPY observation ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
        connection.commit()
    finally:
        connection.close()


def child_before(revision: str, url: str, fmt: str, output: str) -> None:
    """The export as it was at ``revision``: every row in a list, the whole file in memory, written."""
    source = subprocess.run(
        ["git", "show", f"{revision}:workbooks/export.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("export_before", file.name)
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    os.unlink(file.name)
    from models.database import make_engine, make_session_factory, transaction

    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        content = before.export_observations(session, None, fmt)
    Path(output).write_bytes(content)
    engine.dispose()


def _database(server, size: int) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE bench_{size}"))
    admin.dispose()
    return server.url(f"bench_{size}")


def run_export(route: str, url: str, fmt: str, folder: Path, revision: str | None) -> dict:
    """Run one export in its own process; its seconds, peak RSS and file size."""
    output = folder / f"{route}.{fmt}"
    if route == "after":
        command = [str(ROOT / ".venv" / "bin" / "sharing"), "export", "-o", str(output)]
    else:
        command = [sys.executable, __file__, "--child", revision, url, fmt, str(output)]
    env = {**os.environ, "DATABASE_URL": url, "SHARING_INSTANCE_PATH": str(folder)}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise RuntimeError(f"{route} {fmt} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    size = output.stat().st_size
    output.unlink()
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "file_mb": size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50000,500000,2000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--before", metavar="REV", help="also run the export as it was at REV")
    parser.add_argument("--before-max", type=int, default=500_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_before(*args.child)
        return
    print(f"{'database':10} {'rows':>9} {'format':6} {'route':6} {'seconds':>8} {'rows/s':>8} "
          f"{'peak MB':>8} {'file MB':>8}")  # fmt: skip
    for database in args.databases.split(","):
        server = None
        if database == "postgresql":
            from tests.support.postgres import PostgresServer

            server = PostgresServer().start()
        try:
            for size in map(int, args.sizes.split(",")):
                with tempfile.TemporaryDirectory() as name:
                    folder = Path(name)
                    url = _database(server, size) if server else f"sqlite:///{folder}/bench.db"
                    loaded = prepare_database(url, size)
                    print(f"# {database}: {size:,} observations inserted in {loaded:.1f} s")
                    for fmt in args.formats.split(","):
                        routes = ["after"]
                        if args.before and size <= args.before_max:
                            routes.insert(0, "before")
                        for route in routes:
                            figures = run_export(route, url, fmt, folder, args.before)
                            print(
                                f"{database:10} {size:9,} {fmt:6} {route:6} "
                                f"{figures['seconds']:8.1f} {size / figures['seconds']:8,.0f} "
                                f"{figures['peak_mb']:8.0f} {figures['file_mb']:8.1f}",
                                flush=True,
                            )
                            print(json.dumps({"database": database, "rows": size, "format": fmt,
                                              "route": route, **figures}), file=sys.stderr)  # fmt: skip
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
