"""Benchmark: how long ``annotate_workbook`` holds a worker for large uploads.

    .venv/bin/python bench/bench_annotate.py [--csv-rows 400000] [--xlsx-rows 50000] [--problems 2000]

Generates a CSV of about 20 MB (``--csv-rows`` rows of 6 columns) and an .xlsx of ``--xlsx-rows`` rows,
and smaller ones under the annotation limit, then times annotating each with up to ``--problems`` cell
problems (half errors, half warnings) plus one problem without a cell. A file over the limit is reported
as refused, with the time the refusal took: the limit exists so that refusing is fast and working is
bounded. The load average is printed with each time: on a busy machine every time grows.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PARTNERS = ("MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH")
HEADER = ["Partner", "Indicator", "Period", "Value", "Comment", "Source"]


def rows(count: int):
    for index in range(count):
        yield [
            PARTNERS[index % len(PARTNERS)],
            f"BENCH-{index // 40:05d}",
            f"P{index % 8 + 1}",
            f"{100 + index % 4000},5" if index % 10 == 3 else str(100 + index % 4000),
            "checked by the regional office" if index % 7 == 0 else "",
            "=cmd|' /C calc'!A0" if index % 1000 == 0 else "monitoring report, annex 2",
        ]


def csv_upload(count: int) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows(count))
    return buffer.getvalue().encode("utf-8")


def xlsx_upload(count: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Indicators")
    sheet.append(HEADER)
    for row in rows(count):
        # Numbers as numbers, as a partner's Excel would store them.
        sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(sheet: str, data_rows: int, count: int):
    from rules.problems import error, warning

    step = max(data_rows // max(count, 1), 1)
    found = [error("no-header", rows=30)]
    for index in range(count):
        row = 2 + index * step
        if row > data_rows + 1:
            break
        make = error if index % 2 else warning
        found.append(
            make("not-a-number", sheet, f"D{row}", "12,5,0")
            if make is error
            else make("unknown-indicator", sheet, f"B{row}", "BENCH-X", suggestion="BENCH-00001")
        )
    return found


def timed(label: str, content: bytes, filename: str, issues) -> None:
    from workbooks.annotate import AnnotationTooLarge, annotate_workbook

    start = time.perf_counter()
    try:
        result = annotate_workbook(content, filename, issues)
    except AnnotationTooLarge as refusal:
        outcome = f"refused ({refusal})"
    else:
        outcome = f"{len(result) / 1048576:.1f} MB annotated .xlsx"
    seconds = time.perf_counter() - start
    load = os.getloadavg()[0]
    print(
        f"{label:<22} {len(content) / 1048576:5.1f} MB {seconds:6.2f} s (load {load:.1f})  {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=400_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--problems", type=int, default=2_000)
    arguments = parser.parse_args()

    # The large files asked for, then sizes under the limit, as partners really send them.
    for count in (arguments.csv_rows, 20_000, 2_000):
        issues = problems("bench", count, min(arguments.problems, count))
        timed(f"CSV {count:,} rows", csv_upload(count), "bench.csv", issues)
    for count in (arguments.xlsx_rows, 5_000, 1_000):
        issues = problems("Indicators", count, min(arguments.problems, count))
        timed(f"XLSX {count:,} rows", xlsx_upload(count), "bench.xlsx", issues)


if __name__ == "__main__":
    main()
