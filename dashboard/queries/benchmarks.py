"""Public reference series (Eurostat) and the policy targets drawn next to them.

Each series code is one unbroken series: queries never combine two codes, so a methodological break
(the e-government series restarted in 2022) is never bridged.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import BenchmarkValue
from seed.reference_data import EUROSTAT_EGOV, EUROSTAT_SKILLS, SKILLS_POLICY_TARGETS

EGOV_SERIES = EUROSTAT_EGOV[0]
SKILLS_SERIES = EUROSTAT_SKILLS[0]
BENCHMARK_COLUMNS = ["geo", "year", "value", "unit", "series_name", "source_url", "verified"]
EU = "EU27"


def benchmark_series(session: Session, series_code: str, geos: list[str]) -> pd.DataFrame:
    """One series' values for ``geos`` (EU27 first, then the others in the order given), by year:
    geo, year, value, unit, series_name, source_url, verified."""
    rows = session.execute(
        select(
            BenchmarkValue.geo,
            BenchmarkValue.year,
            BenchmarkValue.value,
            BenchmarkValue.unit,
            BenchmarkValue.series_name,
            BenchmarkValue.source_url,
            BenchmarkValue.verified,
        )
        .where(BenchmarkValue.series_code == series_code, BenchmarkValue.geo.in_(geos))
        .order_by(BenchmarkValue.geo, BenchmarkValue.year)
    ).all()
    frame = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    order = {geo: index for index, geo in enumerate(sorted(geos, key=lambda g: g != EU))}
    frame["_order"] = frame["geo"].map(order)
    return (
        frame.sort_values(["_order", "year"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def skills_policy_targets(geos: list[str]) -> list[tuple[str, str, float, int]]:
    """(geo, label, value %, year) of the digital-skills targets that apply to ``geos``."""
    return [
        (geo, label, value, year)
        for geo, value, year, label in SKILLS_POLICY_TARGETS
        if geo in geos
    ]
