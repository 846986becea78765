"""classify_progress: current value by aggregation, progress from the baseline, on track or behind."""

import pandas as pd
import pytest

from dashboard.queries.overview import classify_progress


def _targets(**columns):
    base = {
        "aggregation": ["latest"], "baseline": [10.0], "target": [30.0], "milestone": [None],
        "values_reported": [3], "total": [60.0], "mean": [20.0], "latest_value": [25.0],
    }  # fmt: skip
    base.update(columns)
    frame = pd.DataFrame(base)
    return frame.astype({"milestone": float})


def test_latest_indicator_counts_from_the_baseline():
    row = classify_progress(_targets(), periods_elapsed=4, periods_total=8).iloc[0]
    assert row.current == 25.0
    assert row.progress_pct == pytest.approx(75.0)  # (25 - 10) / (30 - 10)
    assert row.expected_pct == 50.0 and row.status == "on track"


def test_sum_and_mean_indicators():
    frame = _targets(aggregation=["sum"], baseline=[None], target=[120.0])
    row = classify_progress(frame, 7, 8).iloc[0]
    assert row.current == 60.0 and row.progress_pct == 50.0 and row.status == "behind"
    row = classify_progress(_targets(aggregation=["mean"]), 2, 8).iloc[0]
    assert row.current == 20.0 and row.progress_pct == 50.0 and row.status == "on track"


def test_a_milestone_replaces_the_straight_line():
    row = classify_progress(_targets(milestone=[28.0]), 4, 8).iloc[0]
    assert row.expected_pct == 90.0 and row.status == "behind"


def test_nothing_reported_is_no_data_not_zero():
    row = classify_progress(_targets(values_reported=[0], latest_value=[None]), 4, 8).iloc[0]
    assert pd.isna(row.current) and row.status == "no data"


def test_a_lower_is_better_target_works_the_same_way():
    row = classify_progress(
        _targets(baseline=[50.0], target=[10.0], latest_value=[30.0]), 4, 8
    ).iloc[0]
    assert row.progress_pct == 50.0 and row.status == "on track"
