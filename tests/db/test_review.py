"""The review workflow and period locks through the real services and importer, on SQLite and
PostgreSQL: a partner editor's import is submitted, the committee's view keeps the approved values until
an officer approves; a returned submission carries its comment; a locked period refuses imports and
corrections at the cell, and an unlock needs a reason. Every decision is in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.access import AccessDenied, Actor
from dashboard.queries.indicators import indicator_values
from dashboard.queries.review import latest_returned, submission_values, waiting_submissions
from dashboard.queries.values import approved_only, latest_values
from importers.workbook_import import run_import
from models import AuditEvent, Observation, Partner, Submission
from services.observations import CorrectionError, correct_observation
from services.review import (
    ReviewError,
    approve_submission,
    lock_period,
    return_submission,
    unlock_period,
)
from tests.factories import workbooks

OFFICER = Actor(name="Ioana (SWO RDA)", role="admin")
VIEWER = Actor(name="committee", role="viewer")
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]


@pytest.fixture
def people(demo):
    ids = dict(demo.execute(select(Partner.code, Partner.id)).all())
    return {
        "anna": Actor(
            name="anna", role="editor", partner_code="SMILTENE", partner_id=ids["SMILTENE"]
        ),
        "marko": Actor(name="marko", role="editor", partner_code="REDEA", partner_id=ids["REDEA"]),
    }


def _import(factory, actor, rows, partner="SMILTENE", *, dry_run=False):
    return run_import(
        factory, workbooks.xlsx(rows), "report.xlsx", actor=actor, partner_code=partner,
        dry_run=dry_run, max_bytes=10**7,
    )  # fmt: skip


def _value(view, session, code="ESU-USERS", partner="SMILTENE", period=7):
    values = indicator_values(session, code, [partner], view=view)
    row = values[values["period_number"] == period]
    return None if row.empty else float(row["value"].iloc[0])


def test_an_editors_import_waits_for_approval_then_the_committee_sees_it(
    demo, session_factory, people
):
    approved_before = _value(approved_only(VIEWER), demo)
    result = _import(session_factory, people["anna"], [("ESU-USERS", "P7", 4321)])
    demo.commit()
    assert result.status == "imported" and result.review == "submitted"
    demo.commit()  # a new read transaction: see what the importer committed
    # The committee still sees the approved value; the editor and the officers see the new one.
    assert _value(approved_only(VIEWER), demo) == approved_before
    assert _value(latest_values(VIEWER), demo) == 4321
    assert _value(latest_values(people["anna"]), demo) == 4321
    # Another partner's editor never sees SMILTENE's submitted value.
    assert _value(latest_values(people["marko"]), demo) == approved_before
    waiting = waiting_submissions(demo, ALL)
    assert [(row.partner_code, row.pending_values) for row in waiting] == [("SMILTENE", 1)]
    values = submission_values(demo, waiting[0].id)
    assert values[["indicator_code", "period_label", "value"]].values.tolist() == [
        ["ESU-USERS", "P7", 4321.0]
    ]
    # Only an officer decides; the decision is checked against what the officer saw.
    with pytest.raises(AccessDenied):
        approve_submission(demo, people["anna"], waiting[0].id)
    demo.rollback()
    with pytest.raises(ReviewError, match="changed since you opened it"):
        approve_submission(demo, OFFICER, waiting[0].id, expected_values=5)
    demo.rollback()
    assert approve_submission(demo, OFFICER, waiting[0].id, "fine", expected_values=1) == 1
    demo.commit()
    assert _value(approved_only(VIEWER), demo) == 4321
    assert waiting_submissions(demo, ALL) == []
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "submission.approved")).one()
    assert (event.partner_code, event.after, event.comment) == ("SMILTENE", {"values": 1}, "fine")
    with pytest.raises(ReviewError, match="already approved"):
        approve_submission(demo, OFFICER, waiting[0].id)


def test_an_officers_import_and_correction_are_approved_at_once(demo, session_factory):
    result = _import(session_factory, OFFICER, [("ESU-USERS", "P7", 5555)])
    demo.commit()
    assert result.review == "approved"
    demo.commit()  # a new read transaction: see what the importer committed
    assert _value(approved_only(VIEWER), demo) == 5555
    observation = demo.scalars(select(Observation).where(Observation.value == 5555)).one()
    correct_observation(demo, OFFICER, observation.id, "5 556", "typo")
    demo.commit()
    assert _value(approved_only(VIEWER), demo) == 5556
    assert waiting_submissions(demo, ALL) == []


def test_a_returned_submission_carries_its_comment_and_can_be_sent_again(
    demo, session_factory, people
):
    _import(session_factory, people["anna"], [("ESU-USERS", "P7", 4321)])
    demo.commit()
    submission = waiting_submissions(demo, ALL)[0]
    with pytest.raises(ReviewError, match="Say what the partner should correct"):
        return_submission(demo, OFFICER, submission.id, "  ")
    demo.rollback()
    return_submission(demo, OFFICER, submission.id, "P7 users look like P6's; check the export")
    demo.commit()
    returned = latest_returned(demo, "SMILTENE")
    assert returned.decision_comment == "P7 users look like P6's; check the export"
    assert latest_returned(demo, "REDEA") is None
    # The same file again is a new submission (the value did not change, but it was returned).
    again = _import(session_factory, people["anna"], [("ESU-USERS", "P7", 4321)])
    demo.commit()
    assert again.status == "imported" and again.rows.updated == 1
    demo.commit()  # a new read transaction: see what the importer committed
    assert latest_returned(demo, "SMILTENE") is None
    assert [row.pending_values for row in waiting_submissions(demo, ALL)] == [1]


def test_a_newer_submission_takes_over_the_values_of_an_older_one(demo, session_factory, people):
    _import(session_factory, people["anna"], [("ESU-USERS", "P7", 100), ("ESU-USERS", "P6", 90)])
    demo.commit()
    _import(session_factory, people["anna"], [("ESU-USERS", "P7", 200)])
    demo.commit()
    older, newer = sorted(waiting_submissions(demo, ALL), key=lambda row: row.id)
    assert (older.pending_values, newer.pending_values) == (1, 1)
    approve_submission(demo, OFFICER, older.id)
    demo.commit()
    # Approving the older one approves only what it still holds (P6); P7 waits for the newer one.
    assert _value(approved_only(VIEWER), demo, period=6) == 90
    assert _value(approved_only(VIEWER), demo) != 200


def test_a_locked_period_refuses_imports_and_corrections_until_unlocked(
    demo, session_factory, people
):
    lock_period(demo, OFFICER, "P7", "SMILTENE", "report filed")
    demo.commit()
    before = demo.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1))
    refused = _import(
        session_factory, people["anna"], [("ESU-USERS", "P6", 91), ("ESU-USERS", "P7", 1)]
    )
    assert refused.status == "rejected"
    locked = [issue for issue in refused.issues if issue.code == "period-locked"]
    assert [issue.cell for issue in locked] == ["C3"]
    assert "P7 is locked for SMILTENE" in locked[0].message
    dry = _import(session_factory, people["anna"], [("ESU-USERS", "P7", 1)], dry_run=True)
    demo.commit()
    assert dry.status == "rejected" and dry.issues[-1].code == "period-locked"
    assert demo.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1)) == before
    demo.commit()
    # Another partner's P7 is open; a lock of every partner closes it too.
    assert _import(session_factory, OFFICER, [("ESU-USERS", "P7", 7)], "REDEA").status == "imported"
    lock_period(demo, OFFICER, "P7", None, "all reports filed")
    demo.commit()
    assert _import(session_factory, OFFICER, [("ESU-USERS", "P7", 8)], "REDEA").status == "rejected"
    observation = demo.scalars(
        select(Observation).join(Partner).where(Partner.code == "SMILTENE", Observation.value.is_not(None))
        .order_by(Observation.period_id.desc())
    ).first()  # fmt: skip
    with pytest.raises(CorrectionError, match="is locked for SMILTENE"):
        correct_observation(demo, OFFICER, observation.id, "1", "late fix")
    demo.rollback()
    with pytest.raises(ReviewError, match="Say why"):
        unlock_period(demo, OFFICER, "P7", "SMILTENE", "")
    demo.rollback()
    with pytest.raises(AccessDenied):
        unlock_period(demo, people["anna"], "P7", "SMILTENE", "please")
    demo.rollback()
    unlock_period(demo, OFFICER, "P7", "SMILTENE", "controller asked for a fix")
    unlock_period(demo, OFFICER, "P7", None, "controller asked for a fix")
    demo.commit()
    assert _import(session_factory, people["anna"], [("ESU-USERS", "P7", 1)]).status == "imported"
    actions = demo.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("period.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["period.locked", "period.locked", "period.unlocked", "period.unlocked"]
