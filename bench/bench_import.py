"""Benchmark: import a generated 100,000-row long-format workbook, against pandas.read_excel + to_sql.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--database sqlite|postgresql URL]

Each route runs in its own subprocess on a fresh SQLite database (or the URL given), so peak memory
(ru_maxrss) is measured per route; "growth" is the peak minus the process's memory before reading.
The importer route is the whole product path: safety checks, calamine, header detection, cell parsing,
validation, comparison with stored values, Core inserts and the audited Upload row. The pandas route only
reads the sheet and appends it to a table, without any validation.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PARTNERS = ("MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH")
PERIODS = 8


def write_workbook(path: Path, rows: int) -> None:
    """A long-format workbook: title row, header, then partner x indicator x period rows, partners'
    habits included (a tenth of the values are comma-decimal text, some n/a)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Indicators")
    sheet.append(["Consolidated SHARING indicators (benchmark)"])
    sheet.append(["Partner", "Indicator", "Period", "Value", "Comment"])
    for index in range(rows):
        partner = PARTNERS[index % len(PARTNERS)]
        period = (index // len(PARTNERS)) % PERIODS + 1
        indicator = f"BENCH-{index // (len(PARTNERS) * PERIODS):05d}"
        # Plausible series (a base per indicator and partner, growing by period), so the file raises
        # no more warnings than a real one would.
        base = 100 + (index // len(PARTNERS)) % 4000 + index % len(PARTNERS) * 10
        if index % 97 == 0:
            value = "n/a"
        elif index % 10 == 3:
            value = f"{base + period},5"
        else:
            value = base + period
        sheet.append([partner, indicator, f"P{period}", value, "" if index % 7 else "checked"])
    book.save(path)


def prepare_database(url: str, rows: int) -> None:
    import migrations
    from models import Indicator
    from models.database import make_engine, make_session_factory, transaction
    from seed.reference_data import load_reference_data

    migrations.upgrade(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        load_reference_data(session, date(2023, 3, 1))
        count = -(-rows // (len(PARTNERS) * PERIODS))
        session.add_all(
            Indicator(code=f"BENCH-{i:05d}", name=f"Benchmark indicator {i}", unit="items",
                      category="context", value_kind="count", aggregation="sum")
            for i in range(count)
        )  # fmt: skip
    engine.dispose()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_importer(workbook: Path, url: str) -> dict:
    from dashboard.access import Actor
    from importers.workbook_import import run_import
    from models.database import make_engine, make_session_factory

    content = workbook.read_bytes()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    before = _peak_mb()
    start = time.perf_counter()
    result = run_import(factory, content, workbook.name, actor=Actor("bench", "admin"), partner_code=None, dry_run=False, max_bytes=100 * 1024 * 1024)  # fmt: skip
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "peak_mb": _peak_mb(), "growth_mb": _peak_mb() - before,
            "status": result.status, "rows": result.rows.to_dict(), "errors": len(result.errors)}  # fmt: skip


def child_pandas(workbook: Path, url: str) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    before = _peak_mb()
    start = time.perf_counter()
    frame = pd.read_excel(workbook, engine="openpyxl", header=1)
    frame.to_sql("bench_pandas_rows", engine, if_exists="append", index=False)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "growth_mb": _peak_mb() - before,
        "rows": len(frame),
    }


def _run_child(route: str, workbook: Path, url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", route, str(workbook), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database",
        help="a database URL to use instead of fresh SQLite files (emptied tables are not reset)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        route, workbook, url = args.child
        result = (child_importer if route == "importer" else child_pandas)(Path(workbook), url)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / f"bench-{args.rows}.xlsx"
        start = time.perf_counter()
        write_workbook(workbook, args.rows)
        print(
            f"Generated {workbook.name}: {args.rows:,} rows, {os.path.getsize(workbook) / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s"
        )
        results = {}
        for route in ("importer", "pandas"):
            url = args.database or f"sqlite:///{folder}/{route}.db"
            prepare_database(url, args.rows)
            results[route] = _run_child(route, workbook, url)
        importer, pandas_route = results["importer"], results["pandas"]
        assert importer["status"] == "imported" and not importer["errors"], importer
        print(f"{'route':44} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'growth MB':>10}")
        for label, figures in (
            ("importer (calamine, validation, Core inserts)", importer),
            ("pd.read_excel(openpyxl) + DataFrame.to_sql", pandas_route),
        ):
            print(
                f"{label:44} {figures['seconds']:8.2f} {args.rows / figures['seconds']:9,.0f} {figures['peak_mb']:8.0f} {figures['growth_mb']:10.0f}"
            )
        print(f"importer rows: {importer['rows']}")
        print(f"speed-up: {pandas_route['seconds'] / importer['seconds']:.1f}x")


if __name__ == "__main__":
    main()
