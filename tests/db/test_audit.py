"""Every write path leaves its audit event in the same transaction, and a refused change leaves neither
the change nor an event (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from dashboard.access import AccessDenied, Actor
from dashboard.queries.audit import audit_events, object_history
from models import (
    AuditEvent,
    AuditTrailError,
    EvidenceItem,
    Indicator,
    Milestone,
    Observation,
    Partner,
    PolicyChange,
    PolicyChangeError,
    ReportingPeriod,
    StageEvent,
    Target,
)
from services.catalogue import (
    SetupError,
    add_indicator,
    add_milestone,
    add_partner,
    add_target,
    delete_setup_row,
    update_setup_value,
)
from services.observations import CorrectionError, correct_observation
from services.policy_changes import NewEvidence, record_stage_event
from tests.factories import workbooks

OFFICER = Actor(name="Ioana (SWO RDA)", role="admin")
SMILTENE_EDITOR = Actor(name="anna", role="editor", partner_code="SMILTENE")
ALL = ["MDPWA", "SWO-RDA", "REDEA", "SMILTENE", "PLH"]


def _events(session, **filters) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in filters.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query))


def _event_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


def _target(session, partner: str, indicator: str) -> Target:
    return session.scalar(
        select(Target)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code == partner, Indicator.code == indicator)
    )


def _refused(session, call, error=(SetupError, AccessDenied, CorrectionError, PolicyChangeError)):
    """Run a service that must refuse; roll back as ``perform`` does and return the event count."""
    before = _event_count(session)
    with pytest.raises(error):
        call()
    session.rollback()
    assert _event_count(session) == before
    return before


def test_a_target_changed_three_times_has_its_history(demo):
    """40 -> 42.5 -> 42: who changed it, when, and what it was before, in order."""
    target = _target(demo, "SMILTENE", "ESU-USERS")
    for raw in ("40", "42,5", "42"):
        update_setup_value(demo, OFFICER, "target", target.id, "target_value", raw)
        demo.commit()
    history = object_history(demo, ALL, "target", target.id)
    assert history["action"].tolist() == ["target.updated"] * 3
    assert [event["target_value"] for event in history["after"]] == [40, 42.5, 42]
    assert [event["target_value"] for event in history["before"]][1:] == [40, 42.5]
    assert set(history["actor_name"]) == {"Ioana (SWO RDA)"}
    assert set(history["partner_code"]) == {"SMILTENE"}
    assert history["object_label"].iloc[0] == "SMILTENE · ESU-USERS"
    assert isinstance(history["after"].iloc[2]["target_value"], int)  # 42, not 42.0


def test_an_edit_that_changes_nothing_records_nothing(demo):
    target = _target(demo, "SMILTENE", "ESU-USERS")
    update_setup_value(demo, OFFICER, "target", target.id, "target_value", "40")
    demo.commit()
    count = _event_count(demo)
    update_setup_value(demo, OFFICER, "target", target.id, "target_value", "40,0")
    demo.commit()
    assert _event_count(demo) == count


def test_refused_setup_edits_leave_neither_change_nor_event(demo):
    target = _target(demo, "PLH", "ESU-USERS")
    value = target.target_value
    _refused(
        demo, lambda: update_setup_value(demo, OFFICER, "target", target.id, "target_value", "lots")
    )
    _refused(
        demo,
        lambda: update_setup_value(demo, OFFICER, "target", target.id, "target_value", "1e309"),
    )
    _refused(
        demo,
        lambda: update_setup_value(demo, SMILTENE_EDITOR, "target", target.id, "target_value", "5"),
    )
    assert demo.get(Target, target.id).target_value == value
    assert _events(demo, action="target.updated") == []


def test_additions_are_audited_with_their_fields(demo):
    add_indicator(
        demo, OFFICER, "esu-new", "New e-service", "services", "e-service uptake", "count", "sum"
    )
    add_target(demo, OFFICER, "PLH", "ESU-NEW", "12", "2")
    add_milestone(demo, OFFICER, "PLH", "ESU-NEW", "P4", "6")
    partner = add_partner(
        demo, OFFICER, code="tartu", name="Tartu", short_name="Tartu", country="ee",
        nuts_code="EE008", level="local", instrument_title="Tartu development plan",
        instrument_kind="development plan", managing_body="Tartu City Council",
    )  # fmt: skip
    demo.commit()
    actions = [(e.action, e.object_label, e.partner_code) for e in _events(demo)]
    assert actions == [
        ("indicator.added", "ESU-NEW", None),
        ("target.added", "PLH · ESU-NEW", "PLH"),
        ("milestone.added", "PLH · ESU-NEW · P4", "PLH"),
        ("partner.added", "TARTU", "TARTU"),
    ]
    target_event = _events(demo, action="target.added")[0]
    assert target_event.after == {"target_value": 12, "baseline_value": 2}
    assert _events(demo, action="partner.added")[0].comment == "Tartu development plan"
    assert partner.code == "TARTU"


def test_refused_additions_leave_nothing(demo):
    targets = demo.scalar(select(func.count(Target.id)))
    _refused(demo, lambda: add_target(demo, OFFICER, "PLH", "ESU-USERS", "5"))  # exists already
    _refused(demo, lambda: add_target(demo, OFFICER, "PLH", "DSK-BASIC", "120"))  # above 100 %
    _refused(
        demo,
        lambda: add_indicator(demo, SMILTENE_EDITOR, "X-1", "x", "x", "context", "count", "sum"),
    )
    assert demo.scalar(select(func.count(Target.id))) == targets


def test_deletions_are_audited_with_what_was_deleted(demo):
    target = _target(demo, "PLH", "ESU-USERS")
    add_milestone(demo, OFFICER, "PLH", "ESU-USERS", "P5", "100")
    demo.commit()
    target_id = target.id
    delete_setup_row(demo, OFFICER, "target", target_id)
    demo.commit()
    deleted = _events(demo, object_type="target", action="target.deleted")
    assert len(deleted) == 1 and deleted[0].before["target_value"] == target.target_value
    assert len(_events(demo, action="milestone.deleted")) == 1
    assert demo.get(Target, target_id) is None
    assert demo.scalar(select(func.count(Milestone.id))) == 0


def test_a_refused_deletion_keeps_the_row_and_records_nothing(demo):
    used = demo.scalar(select(Indicator.id).where(Indicator.code == "ESU-USERS"))
    _refused(demo, lambda: delete_setup_row(demo, OFFICER, "indicator", used))
    _refused(demo, lambda: delete_setup_row(demo, OFFICER, "partner", 1))
    assert demo.get(Indicator, used) is not None


def test_period_and_partner_edits_are_audited(demo):
    period = demo.scalar(select(ReportingPeriod).where(ReportingPeriod.label == "P3"))
    update_setup_value(demo, OFFICER, "period", period.id, "due_date", "15.12.2024")
    plh = demo.scalar(select(Partner).where(Partner.code == "PLH"))
    update_setup_value(demo, OFFICER, "partner", plh.id, "short_name", "Plœuc")
    demo.commit()
    due = _events(demo, action="period.updated")[0]
    assert due.after == {"due_date": "2024-12-15"} and due.object_label == "P3"
    assert _events(demo, action="partner.updated")[0].after == {"short_name": "Plœuc"}


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


def test_a_correction_and_its_event_appear_together(demo):
    observation = _observation(demo, "SMILTENE", "ESU-USERS", "P6")
    old = observation.value
    correct_observation(demo, SMILTENE_EDITOR, observation.id, "1 234", "typo in the report")
    demo.commit()
    event = _events(demo, action="observation.corrected")[0]
    # A partner editor's correction waits for an officer's review.
    assert (event.before, event.after) == ({"value": old}, {"value": 1234, "review": "submitted"})
    assert event.comment == "typo in the report"
    assert (event.actor_name, event.actor_role, event.actor_partner) == (
        "anna",
        "editor",
        "SMILTENE",
    )
    assert event.object_label == "SMILTENE · ESU-USERS · P6"


def test_refused_corrections_leave_the_value_and_no_event(demo):
    observation = _observation(demo, "SMILTENE", "ESU-USERS", "P6")
    value = observation.value
    for raw, reason in (
        ("-3", "why"),
        ("1e309", "why"),
        ("9" * 400, "why"),
        ("12", ""),
        ("12", "x" * 6000),
    ):
        _refused(
            demo,
            lambda raw=raw, reason=reason: correct_observation(
                demo, OFFICER, observation.id, raw, reason
            ),
        )
    plh = _observation(demo, "PLH", "ESU-USERS", "P6")
    _refused(demo, lambda: correct_observation(demo, SMILTENE_EDITOR, plh.id, "3", "not mine"))
    assert demo.get(Observation, observation.id).value == value


def _change(session, partner: str) -> PolicyChange:
    return session.scalars(
        select(PolicyChange)
        .join(PolicyChange.instrument)
        .join(Partner)
        .where(Partner.code == partner, PolicyChange.stage.notin_(["validated", "abandoned"]))
        .order_by(PolicyChange.id)
    ).first()


def test_stage_events_and_evidence_are_audited(demo):
    change = _change(demo, "SMILTENE")
    evidence = NewEvidence(
        kind="official decision", title="Council decision", url="https://example.org/d"
    )
    record_stage_event(
        demo, SMILTENE_EDITOR, change.code, "validated", date(2026, 1, 5), "done", evidence
    )
    demo.commit()
    actions = [e.action for e in _events(demo)]
    assert actions == ["evidence.added", "stage.recorded"]
    stage = _events(demo, action="stage.recorded")[0]
    assert stage.after["stage"] == "validated" and stage.after["occurred_on"] == "2026-01-05"
    assert stage.comment == "done" and stage.partner_code == "SMILTENE"


def test_refused_stage_events_leave_nothing(demo):
    change = _change(demo, "SMILTENE")
    events = demo.scalar(select(func.count(StageEvent.id)))
    evidence_items = demo.scalar(select(func.count(EvidenceItem.id)))
    _refused(
        demo,
        lambda: record_stage_event(
            demo, SMILTENE_EDITOR, change.code, "validated", date(2026, 1, 5)
        ),
    )
    _refused(
        demo,
        lambda: record_stage_event(
            demo, SMILTENE_EDITOR, change.code, "abandoned", date(2026, 1, 5)
        ),
    )
    _refused(
        demo,
        lambda: record_stage_event(
            demo, SMILTENE_EDITOR, change.code, "adopted", date(2026, 1, 5), "x" * 6000
        ),
    )
    bad_link = NewEvidence(kind="other", title="x", url="javascript:alert(1)")
    _refused(
        demo,
        lambda: record_stage_event(
            demo, SMILTENE_EDITOR, change.code, "validated", date(2026, 1, 5), "", bad_link
        ),
    )
    other = _change(demo, "PLH")
    _refused(
        demo,
        lambda: record_stage_event(demo, SMILTENE_EDITOR, other.code, "adopted", date(2026, 1, 5)),
    )
    assert demo.scalar(select(func.count(StageEvent.id))) == events
    assert demo.scalar(select(func.count(EvidenceItem.id))) == evidence_items


def test_audit_events_are_append_only(demo):
    target = _target(demo, "SMILTENE", "ESU-USERS")
    update_setup_value(demo, OFFICER, "target", target.id, "target_value", "41")
    demo.commit()
    event = _events(demo)[0]
    event.comment = "rewritten"
    with pytest.raises(AuditTrailError):
        demo.flush()
    demo.rollback()
    demo.delete(_events(demo)[0])
    with pytest.raises(AuditTrailError):
        demo.flush()
    demo.rollback()


def test_the_activity_query_filters_and_hides_other_partners(demo):
    update_setup_value(
        demo, OFFICER, "target", _target(demo, "SMILTENE", "ESU-USERS").id, "target_value", "41"
    )
    update_setup_value(
        demo, OFFICER, "target", _target(demo, "PLH", "ESU-USERS").id, "target_value", "41"
    )
    add_indicator(demo, OFFICER, "X-NEW", "x", "x", "context", "count", "sum")
    demo.commit()
    assert len(audit_events(demo, ALL)) == 3
    assert audit_events(demo, ALL, partner="PLH")["object_label"].tolist() == ["PLH · ESU-USERS"]
    assert len(audit_events(demo, ALL, action="target.")) == 2
    assert audit_events(demo, ALL, action="indicator.added")["object_label"].tolist() == ["X-NEW"]
    # A partner sees its own data's events and the shared catalogue's, never another partner's.
    assert set(audit_events(demo, ["SMILTENE"])["object_label"]) == {
        "SMILTENE · ESU-USERS",
        "X-NEW",
    }
    assert audit_events(demo, ALL, since=date(2999, 1, 1)).empty
    assert len(audit_events(demo, ALL, until=date.today())) == 3


# --- the importer and the setup workbook ---------------------------------------------------------


def test_an_import_records_its_upload_and_what_it_wrote(import_db_both):
    from tests.factories.workbooks import xlsx

    result = import_db_both.run(xlsx([("ESU-SERVICES", "P1", "12"), ("ESU-USERS", "P1", "1 200")]))
    assert result.status == "imported"
    with import_db_both.factory() as session:
        events = _events(session)
        assert [e.action for e in events] == ["upload.received", "upload.imported"]
        imported = events[1]
        assert imported.object_id == str(result.upload_id) and imported.partner_code == "SMILTENE"
        assert (imported.after["inserted"], imported.after["outcome"]) == (2, "imported")
        assert imported.actor_name == "tester"


def test_a_rejected_import_records_only_the_attempt(import_db_both):
    from tests.factories.workbooks import xlsx

    result = import_db_both.run(xlsx([("ESU-SERVICES", "P1", "12,5,0")]))
    assert result.status == "rejected"
    with import_db_both.factory() as session:
        assert [e.action for e in _events(session)] == ["upload.received"]
        assert _events(session)[0].after["outcome"] == "rejected"
        assert session.scalar(select(func.count(Observation.id))) == 0


def test_an_import_for_another_partner_is_refused_before_anything_is_written(import_db_both):
    from importers.workbook_import import run_import
    from tests.factories.workbooks import xlsx

    with pytest.raises(AccessDenied):
        run_import(
            import_db_both.factory, xlsx([("ESU-SERVICES", "P1", "12")]), "r.xlsx",
            actor=SMILTENE_EDITOR, partner_code="PLH", dry_run=False, max_bytes=10**7,
        )  # fmt: skip
    assert import_db_both.counts()["Upload"] == 0
    with import_db_both.factory() as session:
        assert _event_count(session) == 0


def test_a_setup_workbook_import_audits_each_change(demo):
    import io

    import openpyxl

    from services.setup_workbook import import_setup_workbook
    from workbooks.setup_workbook import setup_workbook

    book = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    column = workbooks.setup_column(book["Targets"], "target_value")
    book["Targets"].cell(2, column).value = "77"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=False, max_bytes=10**7)
    demo.commit()
    assert result.applied
    actions = [e.action for e in _events(demo)]
    assert actions == ["target.updated", "setup.imported"]
    assert (
        _events(demo)[0].after == {"target_value": 77}
        and _events(demo)[0].comment == "setup workbook"
    )
    # A dry run and a workbook with errors change nothing and record nothing.
    count = _event_count(demo)
    import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=True, max_bytes=10**7)
    book["Targets"].cell(2, column).value = "lots"
    book.save(buffer := io.BytesIO())
    bad = import_setup_workbook(demo, OFFICER, buffer.getvalue(), dry_run=False, max_bytes=10**7)
    demo.commit()
    assert bad.has_errors and _event_count(demo) == count


def test_applying_a_previewed_setup_workbook_writes_only_what_was_previewed(demo):
    import io

    import openpyxl

    from models import Target
    from services.catalogue import update_setup_value
    from services.setup_workbook import import_setup_workbook
    from workbooks.setup_workbook import setup_workbook

    book = openpyxl.load_workbook(io.BytesIO(setup_workbook(demo, ALL)))
    column = workbooks.setup_column(book["Targets"], "target_value")
    book["Targets"].cell(2, column).value = "77"
    book.save(buffer := io.BytesIO())
    content = buffer.getvalue()
    preview = import_setup_workbook(demo, OFFICER, content, dry_run=True, max_bytes=10**7)
    assert not preview.applied and preview.changes

    # Someone else changes the same target on the page meanwhile.
    target_id = demo.scalars(select(Target.id).order_by(Target.id)).first()
    update_setup_value(demo, OFFICER, "target", target_id, "target_value", "55")
    demo.commit()
    count = _event_count(demo)
    outdated = import_setup_workbook(
        demo, OFFICER, content, dry_run=False, max_bytes=10**7,
        expected_fingerprint=preview.fingerprint,
    )  # fmt: skip
    demo.commit()
    assert outdated.outdated and not outdated.applied
    assert outdated.issues[0].code == "setup-preview-outdated"
    assert outdated.to_json()["status"] == "outdated"
    assert _event_count(demo) == count  # nothing written
    assert demo.get(Target, target_id).target_value == 55

    # The new preview, applied as shown, is applied.
    applied = import_setup_workbook(
        demo, OFFICER, content, dry_run=False, max_bytes=10**7,
        expected_fingerprint=outdated.fingerprint,
    )  # fmt: skip
    demo.commit()
    assert applied.applied
    demo.expire_all()
    assert demo.get(Target, target_id).target_value == 77
