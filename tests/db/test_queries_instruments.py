"""Instruments queries: filters, stage history, evidence, and recording a stage event by the rules."""

from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import AccessDenied, Actor
from dashboard.queries.instruments import (
    change_types,
    evidence_document,
    evidence_items,
    instruments_with_changes,
    stage_events,
)
from dashboard.queries.overview import change_pipeline
from models import PolicyChange, PolicyChangeError, StoredFile
from services.policy_changes import NewEvidence, record_stage_event

OFFICER = Actor(name="officer", role="admin")
SMILTENE_EDITOR = Actor(name="anna", role="editor", partner_code="SMILTENE")
TODAY = date(2026, 11, 27)


def test_every_instrument_with_its_changes(demo):
    rows = instruments_with_changes(demo)
    assert rows["partner_code"].drop_duplicates().tolist() == [
        "MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH",
    ]  # fmt: skip
    assert len(rows) == 11
    smiltene = rows.set_index("change_code").loc["SMILTENE-1"]
    assert smiltene.stage == "validated"
    assert smiltene.stage_since == date(2025, 5, 15)
    assert smiltene.change_type_code == "management"


def test_filters_keep_instruments_without_matches_visible(demo):
    rows = instruments_with_changes(demo, ["SWO-RDA", "PLH"], stages=["abandoned"])
    assert rows["partner_code"].tolist() == ["SWO-RDA", "PLH"]
    assert rows["change_code"].tolist()[0] == "SWO-RDA-3"
    assert rows["change_code"].isna().tolist() == [False, True]  # PLH: no abandoned change


def test_filter_by_type_of_change_and_no_visible_partner(demo):
    rows = instruments_with_changes(demo, change_types=["strategic-focus"]).dropna(
        subset=["change_code"]
    )
    assert set(rows["change_type_code"]) == {"strategic-focus"}
    assert instruments_with_changes(demo, []).empty
    assert change_types(demo)["code"].tolist() == ["new-projects", "management", "strategic-focus"]


def test_stage_events_and_evidence(demo):
    change_id = demo.scalar(select(PolicyChange.id).where(PolicyChange.code == "MDPWA-1"))
    events = stage_events(demo, [change_id])
    assert events["stage"].tolist() == [
        "identified", "proposed", "submitted", "adopted", "implemented",
    ]  # fmt: skip
    evidence = evidence_items(demo, [change_id])
    assert evidence["kind"].tolist() == ["amended text"]
    assert stage_events(demo, []).empty and evidence_items(demo, []).empty


def test_record_a_stage_event_with_a_document(demo):
    evidence = NewEvidence("official decision", "Decision (decision.pdf)", filename="decision.pdf",
                           content=b"%PDF-1.4 decision")  # fmt: skip
    record_stage_event(demo, SMILTENE_EDITOR, "SMILTENE-2", "implemented", date(2026, 10, 1),
                       "Courses running in all parishes", evidence)  # fmt: skip
    demo.commit()
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "SMILTENE-2"))
    assert change.stage == "implemented"
    assert change.events[-1].recorded_by == "anna"
    # A real stage event replaces the demo story: the change is no longer marked as demo data.
    assert not change.is_demo
    listed = instruments_with_changes(demo, ["SMILTENE"]).set_index("change_code")
    assert listed.loc[["SMILTENE-1", "SMILTENE-2"], "is_demo"].tolist() == [True, False]
    pipeline = change_pipeline(demo, ["SMILTENE"])
    assert pipeline["demo_changes"].sum() == 1
    sha256 = change.evidence[-1].file_sha256
    assert demo.get(StoredFile, sha256).size_bytes == len(b"%PDF-1.4 decision")
    title, content = evidence_document(demo, sha256, ["SMILTENE"])
    assert (title, content) == ("Decision (decision.pdf)", b"%PDF-1.4 decision")
    assert evidence_document(demo, sha256, ["PLH"]) is None  # not visible to others


def test_validating_needs_evidence_and_a_link_validates(demo):
    with pytest.raises(PolicyChangeError, match="needs at least one evidence item"):
        record_stage_event(demo, OFFICER, "PLH-1", "validated", date(2026, 6, 1))
    demo.rollback()
    link = NewEvidence("launched call", "Call for projects", url="https://example.org/call")
    record_stage_event(demo, OFFICER, "PLH-1", "validated", date(2026, 6, 1), "", link)
    demo.commit()
    change = demo.scalar(select(PolicyChange).where(PolicyChange.code == "PLH-1"))
    assert change.stage == "validated"
    assert change.evidence[-1].url == "https://example.org/call"


@pytest.mark.parametrize(
    ("stage", "note", "evidence", "message"),
    [
        ("abandoned", "", None, "say why the change was abandoned"),
        ("identified", "", None, "moving back"),
        (
            "proposed",
            "",
            NewEvidence("other", "x", url="javascript:alert(1)"),
            "http:// or https://",
        ),
        ("proposed", "", NewEvidence("other", "x"), "needs a link or a document"),
        ("flying", "", None, "unknown stage"),
    ],
)
def test_rules_are_refused_with_a_clear_message(demo, stage, note, evidence, message):
    with pytest.raises(PolicyChangeError, match=message):
        record_stage_event(demo, OFFICER, "PLH-1", stage, date(2026, 6, 1), note, evidence)
    demo.rollback()


def test_dates_in_the_future_and_unknown_changes_are_refused(demo):
    with pytest.raises(PolicyChangeError, match="in the future"):
        record_stage_event(demo, OFFICER, "PLH-1", "adopted", date(2999, 1, 1))
    with pytest.raises(PolicyChangeError, match="no policy change"):
        record_stage_event(demo, OFFICER, "NOPE-1", "adopted", date(2026, 1, 1))


def test_a_partner_cannot_record_for_another_partner(demo):
    with pytest.raises(AccessDenied):
        record_stage_event(demo, SMILTENE_EDITOR, "PLH-1", "adopted", date(2026, 1, 1))
