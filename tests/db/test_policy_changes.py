"""The stage rules hold in the database: evidence before validation, append-only history."""

from datetime import date

import pytest
from sqlalchemy import select

from models import (
    ChangeType,
    EvidenceItem,
    Partner,
    PolicyChange,
    PolicyChangeError,
    Stage,
    StageEvent,
)
from seed.reference_data import load_reference_data


@pytest.fixture
def change(session):
    load_reference_data(session, date(2023, 3, 1))
    partner = session.scalar(select(Partner).where(Partner.code == "SMILTENE"))
    change = PolicyChange(
        code="SMILTENE-T",
        instrument=partner.instruments[0],
        change_type=session.scalar(select(ChangeType)),
        title="Unified portal",
    )
    session.add(change)
    change.record_stage(Stage.IDENTIFIED, date(2023, 5, 1), "tester")
    session.commit()
    return change


def test_validated_needs_evidence(session, change):
    change.record_stage(Stage.IMPLEMENTED, date(2024, 1, 1), "tester")
    with pytest.raises(PolicyChangeError, match="needs at least one evidence item"):
        change.record_stage(Stage.VALIDATED, date(2024, 6, 1), "tester")
    change.evidence.append(
        EvidenceItem(
            kind="official decision",
            title="Council decision",
            url="https://example.org/d",
            added_by="t",
        )
    )
    change.record_stage(Stage.VALIDATED, date(2024, 6, 1), "tester")
    session.commit()
    stored = session.scalars(
        select(StageEvent.stage).where(StageEvent.change_id == change.id).order_by(StageEvent.id)
    )
    assert list(stored) == ["identified", "implemented", "validated"]


def test_abandoning_needs_a_reason_and_moving_back_needs_a_note(change):
    with pytest.raises(PolicyChangeError, match="why the change was abandoned"):
        change.record_stage(Stage.ABANDONED, date(2024, 1, 1), "tester")
    change.record_stage(Stage.SUBMITTED, date(2024, 1, 1), "tester")
    with pytest.raises(PolicyChangeError, match="needs a note"):
        change.record_stage(Stage.PROPOSED, date(2024, 2, 1), "tester")
    change.record_stage(
        Stage.PROPOSED, date(2024, 2, 1), "tester", note="Sent back for consultation"
    )
    assert change.stage == "proposed"


def test_stage_events_cannot_be_edited_or_deleted(session, change):
    event = change.events[0]
    event.note = "rewritten history"
    with pytest.raises(PolicyChangeError, match="append-only"):
        session.flush()
    session.rollback()
    session.delete(session.get(StageEvent, event.id))
    with pytest.raises(PolicyChangeError, match="append-only"):
        session.flush()
