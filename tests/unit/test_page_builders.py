"""Pure helpers behind the instruments, partner, upload and setup pages (no database)."""

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.components.report import problem_counts
from dashboard.queries.partner import combine_report, default_report_period
from rules.formatting import format_value
from services.catalogue import EDITABLE, SetupError
from services.catalogue import clean as clean_value
from services.observations import parse_corrected_value


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (1234567.0, "count", "1\u202f234\u202f567"),
        (12.5, "count", "12.5"),
        (45.25, "percentage", "45.2 %"),
        (None, "count", ""),
        (math.nan, "count", ""),
    ],
)
def test_format_value(value, kind, expected):
    assert format_value(value, kind) == expected


def test_problem_counts_singular_and_plural():
    assert problem_counts(1, 0) == "1 error, 0 warnings"
    assert problem_counts(2, 1) == "2 errors, 1 warning"


def test_combine_report_by_aggregation():
    indicators = pd.DataFrame(
        [(1, "FLOW", "Flow", "n", "count", "sum", 0), (2, "STOCK", "Stock", "n", "count", "latest", 1),
         (3, "RATE", "Rate", "%", "percentage", "mean", 2)],
        columns=["indicator_id", "indicator_code", "indicator_name", "unit", "value_kind",
                 "aggregation", "display_order"],
    )  # fmt: skip
    targets = pd.DataFrame(
        [(1, None, 100.0, True)], columns=["indicator_id", "baseline", "target", "target_is_demo"]
    )
    rows = [
        (10, 1, 1, 5.0), (11, 1, 2, 7.0), (12, 1, 3, 9.0),
        (20, 2, 1, 50.0), (21, 2, 2, None),
        (30, 3, 1, 10.0), (31, 3, 2, 20.0),
    ]  # fmt: skip
    observations = pd.DataFrame(
        [(*r, "demo", None, None, "x", None, "approved", r[3]) for r in rows],
        columns=["observation_id", "indicator_id", "number", "value", "source_kind",
                 "source_cell", "upload_id", "updated_by", "updated_at", "review_status",
                 "approved_value"],
    )  # fmt: skip
    report = combine_report(indicators, targets, observations, 3).set_index("indicator_code")
    assert report.loc["FLOW", "previously_reported"] == 12.0
    assert report.loc["FLOW", "current"] == 9.0 and report.loc["FLOW", "reported"]
    assert report.loc["STOCK", "previously_reported"] == 50.0  # "no value" in P2 is skipped
    assert not report.loc["STOCK", "reported"]
    assert report.loc["RATE", "previously_reported"] == 15.0
    assert report["target_is_demo"].tolist() == [True, False, False]


def test_default_report_period():
    periods = pd.DataFrame(
        {"label": ["P1", "P2"], "end_date": [date(2023, 8, 31), date(2024, 2, 29)]}
    )
    assert default_report_period(periods, date(2024, 1, 1)) == "P1"
    assert default_report_period(periods, date(2023, 5, 1)) == "P1"
    assert default_report_period(periods, date(2025, 1, 1)) == "P2"


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [("1 234", "count", 1234.0), ("12,5", "count", 12.5), ("45 %", "percentage", 45.0),
     ("n/a", "count", None), ("-", "count", None)],
)  # fmt: skip
def test_corrected_values_read_like_the_importer(raw, kind, expected):
    assert parse_corrected_value(raw, kind) == expected


@pytest.mark.parametrize(
    ("table", "column", "raw", "expected"),
    [
        ("partner", "country", "lv", "LV"),
        ("indicator", "eu_code", "rco14", "RCO14"),
        ("indicator", "eu_code", "", None),
        ("indicator", "higher_is_better", "no", False),
        ("target", "baseline_date", "31.12.2024", date(2024, 12, 31)),
        ("target", "target_value", "1.234,5", 1234.5),
    ],
)
def test_clean_value(table, column, raw, expected):
    assert clean_value(EDITABLE[table][column], raw, "count") == expected


def test_clean_value_names_the_field():
    with pytest.raises(SetupError, match="^NUTS code: 'RO 41' must be letters"):
        clean_value(EDITABLE["partner"]["nuts_code"], "RO 41")
