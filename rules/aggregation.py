"""How an indicator's values of several reporting periods combine into one figure ("previously
reported", progress towards a target): the sum of flows, the mean of rates, the latest of stocks."""

from __future__ import annotations

import math
from collections.abc import Iterable

AGGREGATIONS = ("sum", "mean", "latest")


def combine(values: Iterable[float | None], aggregation: str) -> float:
    """``values`` in period order combined by ``aggregation``; "no value" (None, NaN) is left out, and
    NaN is returned when nothing is left."""
    kept = [v for v in values if v is not None and not math.isnan(v)]
    if not kept:
        return float("nan")
    if aggregation == "sum":
        return float(math.fsum(kept))
    if aggregation == "mean":
        return float(math.fsum(kept) / len(kept))
    if aggregation == "latest":
        return float(kept[-1])
    raise ValueError(f"unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}")
