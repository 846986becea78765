"""Overview queries on the demo data, on SQLite and PostgreSQL: pipeline, validated instruments,
progress to target and who has reported the last ended period."""

from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import Actor
from dashboard.queries.catalogue import indicators, reporting_periods, visible_partners
from dashboard.queries.overview import (
    change_pipeline,
    classify_progress,
    instruments_improved,
    latest_ended_period,
    reporting_freshness,
    target_progress,
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
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]

# What the committee sees by default: approved values (every demo value is approved).
APPROVED = approved_only(Actor(name="officer", role="admin"))


def test_visible_partners_asks_access(demo):
    officer = Actor(name="officer", role="admin")
    assert visible_partners(demo, officer)["code"].tolist() == ALL
    # A partner editor reads what the committee reads (and changes only its own partner's data).
    editor = Actor(name="anna", role="editor", partner_code="SMILTENE")
    assert visible_partners(demo, editor)["code"].tolist() == ALL
    share_link = Actor(name="meeting", role="share-link")
    assert visible_partners(demo, share_link)["code"].tolist() == ALL
    assert visible_partners(demo, Actor(name="nobody", role="anonymous")).empty


def test_catalogue_lists(demo):
    assert reporting_periods(demo)["label"].tolist() == [f"P{n}" for n in range(1, 9)]
    codes = indicators(demo, categories=["e-service uptake"], codes=["RCR11"])["code"].tolist()
    assert codes == ["ESU-SERVICES", "ESU-ONLINE-SHARE", "ESU-TRANSACTIONS", "ESU-USERS", "RCR11"]


def test_change_pipeline_counts_changes_by_partner_and_stage(demo):
    pipeline = change_pipeline(demo, ALL)
    assert pipeline["changes"].sum() == 11
    assert pipeline["demo_changes"].sum() == 11
    swo = pipeline[pipeline["partner_code"] == "SWO-RDA"].set_index("stage")["changes"].to_dict()
    assert swo == {"abandoned": 1, "adopted": 1, "submitted": 1}
    assert pipeline["partner_code"].drop_duplicates().tolist() == ALL
    only_plh = change_pipeline(demo, ["PLH"])
    assert set(only_plh["partner_code"]) == {"PLH"} and only_plh["changes"].sum() == 2
    assert change_pipeline(demo, []).empty


def test_instruments_improved_counts_validated_changes(demo):
    instruments = instruments_improved(demo, ALL)
    assert len(instruments) == 5
    assert instruments.set_index("partner_code")["validated_changes"].to_dict() == {
        "MDPWA": 0, "SWO-RDA": 0, "REDEA": 0, "SMILTENE": 1, "PLH": 0,
    }  # fmt: skip


def test_latest_ended_period(demo):
    assert latest_ended_period(demo, TODAY).label == "P7"
    assert latest_ended_period(demo, date(2023, 8, 31)) is None  # P1 ends that day
    assert latest_ended_period(demo, date(2023, 9, 1)).label == "P1"


def test_target_progress_aggregates_by_indicator_kind(demo):
    progress = target_progress(demo, ALL, up_to_period=7, view=APPROVED)
    assert len(progress) == 46  # one row per demo target
    row = progress.set_index(["partner_code", "indicator_code"])
    # "latest": the P7 value; "sum": every period added up (checked against the raw rows).
    smiltene_id = demo.scalar(select(Partner.id).where(Partner.code == "SMILTENE"))
    values = {
        (code, number): value
        for code, number, value in demo.execute(
            select(Indicator.code, ReportingPeriod.number, Observation.value)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .where(Observation.partner_id == smiltene_id)
        )
    }
    users = row.loc[("SMILTENE", "ESU-USERS")]
    assert users.latest_period == 7 and users.latest_value == values[("ESU-USERS", 7)]
    trained = row.loc[("SMILTENE", "DSK-TRAINED")]
    assert trained.total == pytest.approx(sum(values[("DSK-TRAINED", n)] for n in range(1, 8)))
    assert trained.values_reported == 7 and trained.demo_values == 7
    # PLH has not reported P7: its latest value is P6's.
    assert row.loc[("PLH", "ESU-USERS")].latest_period == 6


def test_target_progress_up_to_an_earlier_period_and_before_any(demo):
    early = target_progress(demo, ["MDPWA"], up_to_period=2, view=APPROVED).set_index(
        "indicator_code"
    )
    assert (
        early.loc["ESU-SERVICES"].latest_period == 2
        and early.loc["ESU-SERVICES"].values_reported == 2
    )
    nothing = classify_progress(
        target_progress(demo, ["MDPWA"], up_to_period=None, view=APPROVED), 0, 8
    )
    assert set(nothing["status"]) == {"no data"}


def test_a_no_value_answer_is_not_counted_as_zero(demo):
    observation = demo.scalars(
        select(Observation)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(Partner.code == "MDPWA", Indicator.code == "ESU-USERS", ReportingPeriod.number == 7)
    ).one()
    demo.add(
        ObservationRevision(
            observation=observation, previous_value=observation.value,
            previous_source_kind=observation.source_kind, new_value=None,
            changed_by="test", reason="partner answered n/a",
        )
    )  # fmt: skip
    observation.value = observation.approved_value = None  # an approved "no value" answer
    demo.commit()
    row = (
        target_progress(demo, ["MDPWA"], 7, view=APPROVED)
        .set_index("indicator_code")
        .loc["ESU-USERS"]
    )
    assert row.latest_period == 6 and row.values_reported == 6


def test_the_milestone_of_the_period_comes_along(demo):
    target = demo.scalars(
        select(Target)
        .join(Partner)
        .join(Indicator)
        .where(Partner.code == "REDEA", Indicator.code == "ESU-SERVICES")
    ).one()
    period7 = demo.scalar(select(ReportingPeriod).where(ReportingPeriod.number == 7))
    demo.add(Milestone(target_id=target.id, period_id=period7.id, value=29.0))
    demo.commit()
    progress = target_progress(demo, ["REDEA"], 7, view=APPROVED).set_index("indicator_code")
    assert progress.loc["ESU-SERVICES"].milestone == 29.0
    assert progress["milestone"].isna().sum() == len(progress) - 1


def test_reporting_freshness_flags_the_late_partner(demo):
    freshness = reporting_freshness(demo, ALL, 7, view=APPROVED).set_index("partner_code")
    assert freshness.loc["PLH"].values_in_period == 0
    assert freshness.loc["PLH"].last_reported_period == "P6"
    assert (freshness.drop("PLH")["values_in_period"] > 0).all()
    assert freshness.index.tolist() == ALL


def test_an_empty_database_gives_empty_frames(session):
    assert visible_partners(session, Actor(name="o", role="admin")).empty
    assert change_pipeline(session, ["MDPWA"]).empty
    assert target_progress(session, ["MDPWA"], 7, view=APPROVED).empty
    assert reporting_freshness(session, ["MDPWA"], 7, view=APPROVED).empty
    assert latest_ended_period(session, TODAY) is None
