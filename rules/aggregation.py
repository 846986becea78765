"""How an indicator's values of several reporting periods combine into one figure ("previously
reported", progress towards a target): the sum of flows, the mean of rates, the latest of stocks."""

from __future__ import annotations

import math
from collections.abc import Iterable

AGGREGATIONS = ("sum", "mean", "latest")


def pick(aggregation: str, *, total: float, mean: float, latest: float) -> float:
    """Which of the three figures of a series is its combined value: the one place that says so, used
    by ``combine`` and by queries that compute the three in SQL (the overview's progress)."""
    if aggregation == "sum":
        return total
    if aggregation == "mean":
        return mean
    if aggregation == "latest":
        return latest
    raise ValueError(f"unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}")


def combine(values: Iterable[float | None], aggregation: str) -> float:
    """``values`` in period order combined by ``aggregation``; "no value" (None, NaN) is left out, and
    NaN is returned when nothing is left."""
    kept = [v for v in values if v is not None and not math.isnan(v)]
    if not kept:
        return float("nan")
    total = math.fsum(kept)
    return float(pick(aggregation, total=total, mean=total / len(kept), latest=kept[-1]))
