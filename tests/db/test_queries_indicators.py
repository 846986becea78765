"""Indicator-page queries on the demo data (SQLite and PostgreSQL): values per partner and period,
targets, milestones, Eurostat series never mixed."""

from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import Actor
from dashboard.queries.benchmarks import (
    EGOV_SERIES,
    SKILLS_SERIES,
    benchmark_series,
    skills_policy_targets,
)
from dashboard.queries.indicators import (
    cumulative,
    describe_sources,
    indicator_milestones,
    indicator_targets,
    indicator_values,
)
from dashboard.queries.values import approved_only
from models import (
    Indicator,
    Milestone,
    Observation,
    ObservationRevision,
    Partner,
    ReportingPeriod,
    Target,
)

TODAY = date(2026, 11, 27)

# What the committee sees by default: approved values (every demo value is approved).
APPROVED = approved_only(Actor(name="officer", role="admin"))


def test_values_for_chosen_partners_and_periods(demo):
    values = indicator_values(demo, "ESU-USERS", ["PLH", "MDPWA"], (2, 7), view=APPROVED)
    assert values["partner_code"].drop_duplicates().tolist() == ["MDPWA", "PLH"]  # display order
    assert values[values["partner_code"] == "MDPWA"]["period_label"].tolist() == [
        f"P{n}" for n in range(2, 8)
    ]
    assert values[values["partner_code"] == "PLH"]["period_number"].max() == 6  # late for P7
    assert set(values["source_kind"]) == {"demo"}
    assert values["value"].dtype == float
    assert indicator_values(demo, "ESU-USERS", [], view=APPROVED).empty
    assert indicator_values(demo, "NO-SUCH", ["PLH"], view=APPROVED).empty


def test_a_no_value_answer_stays_missing_and_keeps_the_running_total(demo):
    observation = demo.scalars(
        select(Observation)
        .join(Partner).join(Indicator).join(ReportingPeriod)
        .where(Partner.code == "REDEA", Indicator.code == "DSK-TRAINED", ReportingPeriod.number == 3)
    ).one()  # fmt: skip
    demo.add(
        ObservationRevision(
            observation=observation, previous_value=observation.value,
            previous_source_kind=observation.source_kind, new_value=None,
            changed_by="test", reason="partner answered n/a",
        )
    )  # fmt: skip
    observation.value = observation.approved_value = None  # an approved "no value" answer
    demo.commit()
    values = indicator_values(demo, "DSK-TRAINED", ["REDEA"], view=APPROVED)
    assert values["value"].isna().sum() == 1
    running = cumulative(values)
    assert running["value"].isna().tolist() == values["value"].isna().tolist()
    assert running["value"].iloc[-1] == pytest.approx(values["value"].sum())


def test_targets_and_milestones(demo):
    targets = indicator_targets(demo, "DSK-BASIC", ["MDPWA", "REDEA", "SMILTENE", "PLH"])
    assert targets["partner_code"].tolist() == ["REDEA", "SMILTENE", "PLH"]
    assert targets.set_index("partner_code").loc["SMILTENE"].target_value == 70
    assert targets["is_demo"].all()
    assert indicator_milestones(demo, "DSK-BASIC", ["SMILTENE"]).empty
    target = demo.scalars(
        select(Target)
        .join(Partner)
        .join(Indicator)
        .where(Partner.code == "SMILTENE", Indicator.code == "DSK-BASIC")
    ).one()
    period = demo.scalar(select(ReportingPeriod).where(ReportingPeriod.number == 4))
    demo.add(Milestone(target_id=target.id, period_id=period.id, value=55.0))
    demo.commit()
    milestones = indicator_milestones(demo, "DSK-BASIC", ["SMILTENE", "PLH"])
    assert milestones[["partner_code", "period_number", "value"]].values.tolist() == [
        ["SMILTENE", 4, 55.0]
    ]


def test_sources_are_described_in_words(demo):
    values = indicator_values(demo, "ESU-USERS", ["PLH"], view=APPROVED)
    assert describe_sources(values) == "demo data (invented figures)"
    values.loc[0, ["source_kind", "upload_id"]] = ["upload", 12]
    values.loc[1, "source_kind"] = "manual"
    assert describe_sources(values).startswith("partners' uploads #12; values corrected")
    assert describe_sources(values.iloc[0:0]) == "no values yet"


def test_each_eurostat_series_is_read_alone(demo):
    egov = benchmark_series(demo, EGOV_SERIES, ["RO", "EU27", "HR"])
    assert egov["geo"].drop_duplicates().tolist() == [
        "EU27",
        "RO",
    ]  # EU27 first; HR has none verified
    assert egov["year"].min() >= 2022  # the series restarted in 2022
    assert len(egov) == 6
    skills = benchmark_series(demo, SKILLS_SERIES, ["LV", "EU27"])
    assert skills[["geo", "year", "value"]].values.tolist() == [
        ["EU27", 2021, 54.0], ["EU27", 2023, 55.6], ["LV", 2021, 51.0], ["LV", 2023, 45.34],
    ]  # fmt: skip


def test_skills_policy_targets_apply_by_geo():
    assert [t[0] for t in skills_policy_targets(["EU27", "LV", "RO"])] == ["EU27", "LV"]
    assert skills_policy_targets(["RO"]) == []
