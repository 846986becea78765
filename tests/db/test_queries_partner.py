"""Partner queries: the indicator report in the programme's words, corrections and missing values entered
by hand kept as revisions."""

import math
from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import AccessDenied, Actor
from dashboard.queries.partner import (
    default_report_period,
    indicator_report,
    observation_detail,
    partner_codes,
    partner_profile,
    partners_overview,
    reporting_periods,
)
from dashboard.queries.uploads import value_revisions
from dashboard.queries.values import approved_only
from models import AuditEvent, Indicator, Observation, Partner, ReportingPeriod, Submission
from services.observations import (
    CorrectionError,
    correct_observation,
    enter_value,
    parse_corrected_value,
)
from services.review import lock_period

OFFICER = Actor(name="officer", role="admin")
TODAY = date(2026, 11, 27)

# What the committee sees by default: approved values (every demo value is approved).
APPROVED = approved_only(Actor(name="officer", role="admin"))


def _observation(session, partner: str, indicator: str, period: str) -> Observation:
    return session.scalar(
        select(Observation)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Partner.code == partner, Indicator.code == indicator, ReportingPeriod.label == period
        )
    )


def test_partner_profile_and_index(demo):
    assert partner_codes(demo) == ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]
    profile = partner_profile(demo, "SMILTENE")
    assert profile.country == "LV"
    assert profile.instrument_title.startswith("Local Development Programme")
    assert partner_profile(demo, "NOPE") is None
    index = partners_overview(demo, ["PLH", "SMILTENE"])
    assert index["code"].tolist() == ["SMILTENE", "PLH"]


def test_the_default_period_is_the_latest_ended_one(demo):
    periods = reporting_periods(demo)
    assert periods["label"].tolist() == [f"P{n}" for n in range(1, 9)]
    assert default_report_period(periods, TODAY) == "P7"
    assert default_report_period(periods, date(2023, 4, 1)) == "P1"
    assert default_report_period(periods.iloc[0:0], TODAY) is None


def test_report_previously_reported_follows_the_aggregation(demo):
    report = indicator_report(demo, "SMILTENE", "P7", view=APPROVED).set_index("indicator_code")
    earlier = {
        p: _observation(demo, "SMILTENE", "DSK-TRAINED", p).value
        for p in ("P1", "P2", "P3", "P4", "P5", "P6")
    }
    assert report.loc["DSK-TRAINED", "previously_reported"] == pytest.approx(sum(earlier.values()))
    stock_p6 = _observation(demo, "SMILTENE", "ESU-USERS", "P6").value
    assert report.loc["ESU-USERS", "previously_reported"] == stock_p6
    assert (
        report.loc["ESU-USERS", "current"]
        == _observation(demo, "SMILTENE", "ESU-USERS", "P7").value
    )
    assert report.loc["ESU-USERS", "target"] == 6000
    assert bool(report.loc["ESU-USERS", "target_is_demo"])
    assert report.loc["ESU-USERS", "source_kind"] == "demo"


def test_report_of_a_late_partner_says_not_reported(demo):
    report = indicator_report(demo, "PLH", "P7", view=APPROVED)
    assert not report["reported"].any()
    assert report["current"].isna().all()
    assert report["previously_reported"].notna().all()
    assert indicator_report(demo, "PLH", "P99", view=APPROVED).empty
    assert indicator_report(demo, "NOPE", "P7", view=APPROVED).empty


def test_a_correction_is_kept_as_a_revision(demo):
    observation = _observation(demo, "REDEA", "ESU-USERS", "P6")
    before = observation.value
    correct_observation(demo, OFFICER, observation.id, "12 345", "typo in the P6 report")
    demo.commit()
    demo.refresh(observation)
    assert observation.value == 12345
    assert observation.source_kind == "manual"
    revision = observation.revisions[-1]
    assert (revision.previous_value, revision.new_value) == (before, 12345)
    assert (revision.changed_by, revision.reason) == ("officer", "typo in the P6 report")
    history = value_revisions(demo, ["REDEA"])
    assert history.iloc[0][["indicator_code", "period_label", "new_value"]].tolist() == [
        "ESU-USERS", "P6", 12345,
    ]  # fmt: skip
    assert history.iloc[0]["upload_id"] is None or math.isnan(history.iloc[0]["upload_id"])
    assert value_revisions(demo, ["PLH"]).empty


def test_a_correction_to_no_value(demo):
    observation = _observation(demo, "REDEA", "DSK-BASIC", "P5")
    correct_observation(demo, OFFICER, observation.id, "n/a", "not measured this semester")
    demo.commit()
    demo.refresh(observation)
    assert observation.value is None


@pytest.mark.parametrize(
    ("raw", "reason", "message"),
    [
        ("12", "", "Reason:"),
        ("", "why", "New value: write a number"),
        ("twelve", "why", "not a number"),
        ("-3", "why", "negative"),
        ("1.234", "why", "could be"),
    ],
)
def test_corrections_are_refused_with_the_field_named(demo, raw, reason, message):
    observation = _observation(demo, "REDEA", "ESU-USERS", "P6")
    with pytest.raises(CorrectionError, match=message):
        correct_observation(demo, OFFICER, observation.id, raw, reason)
    demo.rollback()


def test_percentages_above_100_and_unchanged_values_are_refused(demo):
    with pytest.raises(CorrectionError, match="above 100"):
        parse_corrected_value("120 %", "percentage")
    assert parse_corrected_value("45,5 %", "percentage") == 45.5
    observation = _observation(demo, "REDEA", "ESU-USERS", "P6")
    with pytest.raises(CorrectionError, match="same as the current value"):
        correct_observation(demo, OFFICER, observation.id, f"{observation.value:g}", "why")


def test_only_editors_of_the_partner_may_correct(demo):
    observation = _observation(demo, "REDEA", "ESU-USERS", "P6")
    with pytest.raises(AccessDenied):
        correct_observation(demo, Actor("anna", "editor", "SMILTENE"), observation.id, "1", "x")
    with pytest.raises(AccessDenied):
        correct_observation(demo, Actor("eve", "viewer"), observation.id, "1", "x")


def test_observation_detail_respects_visibility(demo):
    observation = _observation(demo, "REDEA", "ESU-USERS", "P6")
    detail = observation_detail(demo, observation.id, ["REDEA"])
    assert (detail.indicator_code, detail.period_label) == ("ESU-USERS", "P6")
    assert observation_detail(demo, observation.id, ["PLH"]) is None


# --- entering a value the partner has not reported --------------------------------------------


def test_a_missing_value_entered_by_an_officer_is_a_revision_from_not_reported(demo):
    revision = enter_value(
        demo, OFFICER, "PLH", "ESU-USERS", "P7", "1 480", "figure from PLH's e-mail of 3 December"
    )
    demo.commit()
    observation = _observation(demo, "PLH", "ESU-USERS", "P7")
    assert (observation.value, observation.source_kind, observation.review_status) == (
        1480, "manual", "approved",
    )  # fmt: skip
    assert (revision.previous_value, revision.previous_source_kind, revision.new_value) == (
        None, "none", 1480,
    )  # fmt: skip
    history = value_revisions(demo, ["PLH"])
    assert history.iloc[0][["indicator_code", "period_label", "new_value", "entered"]].tolist() == [
        "ESU-USERS", "P7", 1480, True,
    ]  # fmt: skip
    assert history.iloc[0]["reason"] == "figure from PLH's e-mail of 3 December"
    report = indicator_report(demo, "PLH", "P7", view=APPROVED).set_index("indicator_code")
    assert report.loc["ESU-USERS", "reported"] and report.loc["ESU-USERS", "current"] == 1480
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "observation.entered")).one()
    assert (event.object_label, event.after["value"], event.comment) == (
        "PLH · ESU-USERS · P7", 1480, "figure from PLH's e-mail of 3 December",
    )  # fmt: skip
    with pytest.raises(CorrectionError, match="has a value for P7 already; correct that value"):
        enter_value(demo, OFFICER, "PLH", "ESU-USERS", "P7", "1 500", "again")


def test_a_partner_editor_enters_a_value_that_waits_for_review(demo):
    editor = Actor(name="camille", role="editor", partner_code="PLH")
    enter_value(demo, editor, "PLH", "DSK-BASIC", "P7", "61,5 %", "survey results came late")
    demo.commit()
    observation = _observation(demo, "PLH", "DSK-BASIC", "P7")
    assert (observation.value, observation.review_status, observation.approved_value) == (
        61.5, "submitted", None,
    )  # fmt: skip
    submission = demo.get(Submission, observation.submission_id)
    assert (submission.status, submission.values_count) == ("submitted", 1)
    with pytest.raises(AccessDenied):
        enter_value(demo, editor, "SMILTENE", "DSK-BASIC", "P8", "50", "not mine")
    with pytest.raises(AccessDenied):
        enter_value(demo, Actor("eve", "viewer"), "PLH", "ESU-SERVICES", "P7", "5", "x")


@pytest.mark.parametrize(
    ("indicator", "raw", "reason", "message"),
    [
        ("ESU-USERS", "12", "", "Reason: say where the value comes from"),
        ("ESU-USERS", "twelve", "e-mail", "not a number"),
        ("DSK-BASIC", "120 %", "e-mail", "above 100"),
        ("NOPE", "12", "e-mail", "There is no indicator NOPE of PLH in P7"),
    ],
)
def test_entries_are_refused_with_the_field_named(demo, indicator, raw, reason, message):
    with pytest.raises(CorrectionError, match=message):
        enter_value(demo, OFFICER, "PLH", indicator, "P7", raw, reason)
    demo.rollback()
    assert _observation(demo, "PLH", "ESU-USERS", "P7") is None


def test_a_locked_period_refuses_an_entry(demo):
    lock_period(demo, OFFICER, "P7", "PLH", "report closed")
    demo.commit()
    with pytest.raises(CorrectionError, match="P7 is locked for PLH"):
        enter_value(demo, OFFICER, "PLH", "ESU-USERS", "P7", "1 480", "e-mail")
    demo.rollback()
    assert _observation(demo, "PLH", "ESU-USERS", "P7") is None
