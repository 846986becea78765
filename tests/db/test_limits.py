"""Values are finite and plausible and texts have limits, through the services on SQLite and PostgreSQL:
each refusal names the field, and nothing of the refused change is stored. The model's safety net refuses
an over-long text written through the ORM directly."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from dashboard.access import Actor
from models import (
    AuditEvent,
    ChangeType,
    EvidenceItem,
    Indicator,
    Milestone,
    Observation,
    ObservationRevision,
    Partner,
    PolicyChange,
    PolicyChangeError,
    StageEvent,
    Target,
    TextTooLongError,
)
from services.catalogue import SetupError, add_milestone, add_target, update_setup_value
from services.observations import CorrectionError, correct_observation
from services.policy_changes import NewEvidence, add_evidence, record_stage_event
from services.setup_workbook import import_setup_workbook
from tests.factories import workbooks
from workbooks.setup_workbook import setup_workbook
from workbooks.template import build_template

OFFICER = Actor(name="officer", role="admin")
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]
TODAY = date(2026, 11, 27)
TEN_MB = 10 * 1024 * 1024
FIVE_MB = 5 * 1024 * 1024
LIMIT = 20 * 1024 * 1024


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _nothing_stored(session, before: dict) -> None:
    session.rollback()
    assert _counts(session) == before


def _counts(session) -> dict:
    models = (AuditEvent, ObservationRevision, StageEvent, EvidenceItem, Target, Milestone)
    return {model.__name__: _count(session, model) for model in models}


def _target(session, partner: str, indicator: str) -> Target:
    return session.scalar(
        select(Target)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code == partner, Indicator.code == indicator)
    )


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1e309", "-1e309", "9" * 400, "1,5e400", float("inf"), "nan"])
def test_a_correction_beyond_any_value_is_refused_and_nothing_changes(demo, raw):
    observation = demo.scalars(select(Observation).where(Observation.value > 0)).first()
    value, before = observation.value, _counts(demo)
    with pytest.raises(CorrectionError, match="^New value: "):
        correct_observation(demo, OFFICER, observation.id, raw, "typo")
    _nothing_stored(demo, before)
    assert demo.get(Observation, observation.id).value == value


def test_a_count_beyond_a_million_millions_is_refused(demo):
    observation = demo.scalar(
        select(Observation)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Indicator.value_kind == "count", Observation.value > 0)
    )
    with pytest.raises(CorrectionError, match=r"more than 1e\+12"):
        correct_observation(demo, OFFICER, observation.id, "2 000 000 000 000", "typo")


@pytest.mark.parametrize("column", ["target_value", "baseline_value"])
@pytest.mark.parametrize("raw", ["1e309", "9" * 400, float("inf"), float("nan")])
def test_a_target_or_baseline_beyond_any_value_is_refused(demo, column, raw):
    target = _target(demo, "SMILTENE", "ESU-USERS")
    stored, before = getattr(target, column), _counts(demo)
    label = {"target_value": "Target", "baseline_value": "Baseline"}[column]
    with pytest.raises(SetupError, match=f"^{label}: "):
        update_setup_value(demo, OFFICER, "target", target.id, column, raw)
    _nothing_stored(demo, before)
    assert getattr(demo.get(Target, target.id), column) == stored


def test_new_targets_and_milestones_beyond_any_value_are_refused(demo):
    before = _counts(demo)
    with pytest.raises(SetupError, match="^Target: '1e309' is too large"):
        add_target(demo, OFFICER, "PLH", "RCO83", "1e309")
    _nothing_stored(demo, before)
    with pytest.raises(SetupError, match="^Milestone value: '1e309' is too large"):
        add_milestone(demo, OFFICER, "SMILTENE", "ESU-USERS", "P8", "1e309")
    _nothing_stored(demo, before)
    milestone = add_milestone(demo, OFFICER, "SMILTENE", "ESU-USERS", "P8", "100")
    with pytest.raises(SetupError, match="^Milestone value: 'inf' is not a finite number"):
        update_setup_value(demo, OFFICER, "milestone", milestone.id, "value", float("inf"))


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["9999-12-31", date(9999, 12, 31), "01.01.0001", "31.12.1989"])
def test_a_baseline_date_outside_the_programme_era_is_refused(demo, raw):
    target = _target(demo, "SMILTENE", "ESU-USERS")
    stored, before = target.baseline_date, _counts(demo)
    with pytest.raises(SetupError, match="^Baseline date: .* outside the years 1990-2039"):
        update_setup_value(demo, OFFICER, "target", target.id, "baseline_date", raw)
    _nothing_stored(demo, before)
    assert demo.get(Target, target.id).baseline_date == stored


def test_a_report_due_date_far_in_the_future_is_refused(demo):
    period_id = demo.scalar(select(func.max(Milestone.period_id))) or 8
    with pytest.raises(SetupError, match="^Report due: .* outside the years"):
        update_setup_value(demo, OFFICER, "period", period_id, "due_date", "31.12.2999")


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1989, 12, 31)])
def test_a_stage_event_before_the_programme_era_is_refused(demo, day):
    before = _counts(demo)
    evidence = NewEvidence("official decision", "Decision", "https://example.org/d")
    with pytest.raises(PolicyChangeError, match="^Date: .* outside the years 1990-2039"):
        record_stage_event(demo, OFFICER, "PLH-1", "adopted", day, "n", evidence, today=TODAY)
    _nothing_stored(demo, before)


def test_the_model_refuses_a_stage_event_before_the_programme_era(demo):
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "PLH-1"))
    with pytest.raises(PolicyChangeError, match="outside the years 1990-2039"):
        change.record_stage("adopted", date(1, 1, 1), "officer")


# --- texts ----------------------------------------------------------------------------------------


def test_a_ten_megabyte_reason_is_refused_naming_the_field_and_nothing_is_stored(demo):
    observation = demo.scalars(select(Observation).where(Observation.value > 0)).first()
    value, before = observation.value, _counts(demo)
    with pytest.raises(CorrectionError) as refused:
        correct_observation(demo, OFFICER, observation.id, "12", "x" * TEN_MB)
    assert str(refused.value) == (
        "Reason: at most 5\u202f000 characters (this one has 10\u202f485\u202f760); shorten it"
    )
    _nothing_stored(demo, before)
    assert demo.get(Observation, observation.id).value == value


def test_a_ten_megabyte_stage_note_is_refused_naming_the_field(demo):
    before = _counts(demo)
    with pytest.raises(PolicyChangeError, match=r"^Note: at most 5\u202f000 characters"):
        record_stage_event(demo, OFFICER, "PLH-1", "adopted", date(2026, 6, 1), "x" * TEN_MB)
    _nothing_stored(demo, before)


def test_a_five_megabyte_evidence_link_or_a_long_title_is_refused(demo):
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "PLH-1"))
    before = _counts(demo)
    url = "https://example.org/" + "a" * FIVE_MB
    with pytest.raises(PolicyChangeError, match=r"^Evidence link: at most 1\u202f000 characters"):
        add_evidence(demo, OFFICER, change, NewEvidence("other", "Decision", url))
    _nothing_stored(demo, before)
    with pytest.raises(PolicyChangeError, match="^Evidence title: at most 300 characters"):
        add_evidence(demo, OFFICER, change, NewEvidence("other", "t" * 301, "https://e.org/d"))
    _nothing_stored(demo, before)
    # A link without a title names the item, shortened to fit the title's column.
    long_link = "https://example.org/" + "a" * 900
    item = add_evidence(demo, OFFICER, change, NewEvidence("other", "", long_link))
    demo.commit()
    assert item.url == long_link and len(item.title) == 300


@pytest.mark.parametrize(
    ("table", "column", "label", "limit"),
    [
        ("indicator", "description", "Description", "5\u202f000"),
        ("indicator", "name", "Name", "300"),
        ("indicator", "unit", "Unit", "60"),
        ("partner", "short_name", "Short name", "60"),
    ],
)
def test_setup_texts_are_refused_over_their_limit(demo, table, column, label, limit):
    model = {"indicator": Indicator, "partner": Partner}[table]
    row_id = demo.scalar(select(model.id).order_by(model.id))
    with pytest.raises(SetupError, match=f"^{label}: at most {limit} characters"):
        update_setup_value(demo, OFFICER, table, row_id, column, "x" * TEN_MB)


# --- the setup workbook and the partner workbook --------------------------------------------------


def _column(sheet, name: str) -> str:
    return openpyxl.utils.get_column_letter(workbooks.setup_column(sheet, name))


def test_a_setup_workbook_with_infinite_values_or_implausible_dates_changes_nothing(demo):
    book = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    targets = book["Targets"]
    target, baseline, day = (
        _column(targets, "target_value"),
        _column(targets, "baseline_value"),
        _column(targets, "baseline_date"),
    )
    targets[f"{target}2"] = "1e309"
    targets[f"{baseline}3"] = "9" * 400
    targets[f"{day}4"] = "9999-12-31"
    indicators = book["Indicators"]
    indicators[f"{_column(indicators, 'unit')}2"] = "u" * 61
    buffer = io.BytesIO()
    book.save(buffer)
    before = _counts(demo)
    result = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=False, max_bytes=LIMIT)
    assert not result.applied
    messages = {(issue.sheet, issue.cell): issue.message for issue in result.issues}
    assert messages[("Targets", f"{target}2")].startswith("Target: '1e309' is too large")
    assert messages[("Targets", f"{baseline}3")].startswith("Baseline: '999")
    assert "outside the years 1990-2039" in messages[("Targets", f"{day}4")]
    assert messages[("Indicators", f"{_column(indicators, 'unit')}2")].startswith(
        "Unit: at most 60 characters (this one has 61)"
    )
    _nothing_stored(demo, before)


def _add_changes(db, codes) -> None:
    with db.factory() as session, session.begin():
        partner = session.scalar(select(Partner).where(Partner.code == "SMILTENE"))
        for code in codes:
            change = PolicyChange(
                code=code, instrument=partner.instruments[0], title="One e-service portal",
                change_type=session.scalar(select(ChangeType).where(ChangeType.code == "management")),
            )  # fmt: skip
            session.add(change)
            change.record_stage("identified", date(2023, 5, 2), "officer")


def test_a_policy_sheet_with_a_long_note_or_url_or_an_ancient_date_is_refused(import_db):
    _add_changes(import_db, ["SMILTENE-A", "SMILTENE-B"])
    with import_db.factory() as session:
        template = build_template(session, "SMILTENE", "P7")
    stages = {
        "SMILTENE-A": ("adopted", "01.01.0001", None, None),
        "SMILTENE-B": ("adopted", "15.03.2026", "https://e.org/" + "a" * 1000, "n" * 5001),
    }
    before = import_db.counts()
    result = import_db.run(workbooks.fill_template(template, {}, stages))
    assert result.status == "rejected"
    found = sorted((issue.code, issue.cell[:1]) for issue in result.errors)
    assert found == [("not-a-date", "E"), ("text-too-long", "F"), ("text-too-long", "G")]
    assert any("outside the years 1990-2039" in issue.message for issue in result.errors)
    assert import_db.counts() == before | {"Upload": before["Upload"] + 1}


def test_an_imported_comment_over_its_limit_is_refused(import_db):
    content = workbooks.xlsx([("ESU-SERVICES", "P1", 12, "c" * 5001)])
    before = import_db.counts()
    result = import_db.run(content)
    assert result.status == "rejected"
    assert [(issue.code, issue.cell) for issue in result.errors] == [("text-too-long", "C2")]
    assert import_db.counts()["Observation"] == before["Observation"]


# --- the model's safety net -----------------------------------------------------------------------


def test_the_model_refuses_an_over_long_text_written_through_the_orm(demo):
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "PLH-1"))
    change.title = "t" * 301
    with pytest.raises(TextTooLongError, match=r"^policy_change\.title: 301 characters, .* 300"):
        demo.flush()
    demo.rollback()
    partner = demo.scalar(select(Partner).where(Partner.code == "PLH"))
    partner.name = "n" * TEN_MB
    with pytest.raises(TextTooLongError, match=r"^partner\.name: 10485760 characters"):
        demo.flush()
    demo.rollback()
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "PLH-1"))
    demo.add(
        StageEvent(
            change_id=change.id, stage="adopted", occurred_on=date(2026, 6, 1),
            note="x" * 5001, recorded_by="officer",
        )
    )  # fmt: skip
    with pytest.raises(TextTooLongError, match=r"^stage_event\.note: 5001 characters, .* 5000"):
        demo.flush()
    demo.rollback()
    assert demo.scalar(select(Partner.name).where(Partner.code == "PLH")) != "n" * TEN_MB
