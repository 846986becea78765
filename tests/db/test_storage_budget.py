"""The file store's budget, on SQLite and PostgreSQL: refused files leave their row but not their bytes, old
dry runs are pruned (``sharing prune``), and a full store refuses new files with one sentence."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from dashboard.access import Actor
from dashboard.queries.uploads import file_not_kept, original_file
from importers.workbook_import import UploadNotFoundError, import_stored_upload, run_import
from models import AuditEvent, EvidenceItem, Partner, PolicyChange, StoredFile, Upload, utcnow
from models.database import make_session_factory, transaction
from seed.demo import load_demo
from services.policy_changes import NewEvidence, add_evidence
from services.storage import compact_database, prune_stored_files
from services.stored_files import StorageFull
from services.uploads import open_upload, record_reading
from tests.factories import workbooks
from tests.support.processes import run_sharing, sharing_env

TODAY = date(2026, 11, 27)
ANNA = Actor(name="anna", role="editor", partner_code="SMILTENE")
OFFICER = Actor(name="officer", role="admin")
LIMIT = 20 * 1024 * 1024
NO_ROWS = dict.fromkeys(("read", "inserted", "updated", "unchanged", "invalid"), 0)


@pytest.fixture
def demo_factory(engine):
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_demo(session, date(2023, 3, 1), today=TODAY)
    return factory


def _send(factory, content: bytes, name: str = "report.xlsx", *, dry_run: bool = False):
    return run_import(
        factory, content, name, partner_code="SMILTENE", actor=ANNA, dry_run=dry_run,
        max_bytes=LIMIT, today=TODAY,
    )  # fmt: skip


def _report(value: str) -> bytes:
    return workbooks.xlsx([("ESU-USERS", "P7", value, None)])


def _large_csv(megabytes: float) -> bytes:
    """A partner's CSV export of about ``megabytes`` MB (the same row again and again)."""
    row = b"SMILTENE;ESU-USERS;P7;4700;copied from the yearly report\n"
    return b"Partner;Indicator;Period;Value;Comment\n" + row * int(megabytes * 1048576 / len(row))


def _stored(factory) -> dict[str, int]:
    with factory() as session:
        return dict(session.execute(select(StoredFile.sha256, StoredFile.size_bytes)).all())


def _count(factory, model) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def _upload(factory, upload_id: int) -> Upload:
    with factory() as session:
        return session.get(Upload, upload_id)


def _age(factory, upload_id: int, days: int) -> None:
    with transaction(factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(uploaded_at=utcnow() - timedelta(days=days))
        )


# --- refused files are not kept -------------------------------------------------------------------


def test_refused_files_leave_their_row_but_not_their_bytes(demo_factory):
    too_large = _large_csv(26.1)
    before = _stored(demo_factory)
    large = _send(demo_factory, too_large, "export.csv", dry_run=True)
    pdf = _send(demo_factory, workbooks.PDF_BYTES, "report.xlsx", dry_run=True)
    assert (large.status, large.issues[0].code) == ("unreadable", "file-too-large")
    assert (pdf.status, pdf.issues[0].code) == ("unreadable", "not-a-spreadsheet")
    assert _stored(demo_factory) == before

    for result, content, reason in (
        (large, too_large, "too-large"),
        (pdf, workbooks.PDF_BYTES, "not-a-spreadsheet"),
    ):
        upload = _upload(demo_factory, result.upload_id)
        assert upload.sha256 == hashlib.sha256(content).hexdigest()
        assert (upload.size_bytes, upload.file_discarded) == (len(content), reason)

    with demo_factory() as session:
        assert file_not_kept(session, large.upload_id, ["SMILTENE"]) == (
            "The file was not kept: it was refused as too large (26.1 MB; the limit is 20 MB). "
            "Fix the file and upload it again."
        )
        assert file_not_kept(session, pdf.upload_id, ["SMILTENE"]).startswith(
            "The file was not kept: it was refused as not a spreadsheet."
        )
        assert original_file(session, large.upload_id, ["SMILTENE"]) == ("export.csv", None)
        assert file_not_kept(session, large.upload_id, ["PLH"]) is None  # not visible: no answer
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == str(large.upload_id))
        ).one()
        assert event.after["file_discarded"] == "too-large"


def test_other_unreadable_and_rejected_files_keep_their_bytes(demo_factory):
    rejected = _send(demo_factory, _report("lots"), dry_run=True)
    locked = _send(demo_factory, workbooks.encrypted_xlsx(), dry_run=True)
    assert (rejected.status, locked.status) == ("rejected", "unreadable")
    with demo_factory() as session:
        for result in (rejected, locked):
            assert _upload(demo_factory, result.upload_id).file_discarded is None
            assert file_not_kept(session, result.upload_id, ["SMILTENE"]) is None
            assert original_file(session, result.upload_id, ["SMILTENE"])[1]


# --- pruning --------------------------------------------------------------------------------------


def test_prune_removes_old_dry_runs_but_keeps_what_is_still_used(engine, demo_factory):
    confirmed = _report("4 700")
    preview = _send(demo_factory, confirmed, dry_run=True)
    imported = import_stored_upload(demo_factory, preview.upload_id, actor=ANNA, max_bytes=LIMIT)
    abandoned = _send(demo_factory, _report("4 800"), dry_run=True)
    rejected = _send(demo_factory, _report("lots"))
    evidence = _send(demo_factory, _report("4 900"), dry_run=True)
    recent = _send(demo_factory, _report("5 000"), dry_run=True)
    assert imported.status == "imported" and rejected.status == "rejected"
    for result in (preview, imported, abandoned, rejected, evidence):
        _age(demo_factory, result.upload_id, days=40)
    with transaction(demo_factory) as session:
        change = session.scalars(select(PolicyChange).order_by(PolicyChange.id)).first()
        sha256 = _upload(demo_factory, evidence.upload_id).sha256
        session.add(
            EvidenceItem(
                change_id=change.id, kind="other", title="the workbook as sent", file_sha256=sha256,
                added_by="officer",
            )
        )  # fmt: skip
    stored, events = _stored(demo_factory), _count(demo_factory, AuditEvent)
    gone = {_upload(demo_factory, r.upload_id).sha256 for r in (abandoned, rejected)}

    with transaction(demo_factory) as session:
        planned = prune_stored_files(session, OFFICER, older_than=timedelta(days=30), dry_run=True)
    assert (planned.uploads, planned.files, planned.applied) == (4, 2, False)
    assert planned.bytes_freed == sum(stored[sha256] for sha256 in gone)
    assert _stored(demo_factory) == stored and _count(demo_factory, AuditEvent) == events
    assert _upload(demo_factory, abandoned.upload_id).file_discarded is None

    with transaction(demo_factory) as session:
        pruned = prune_stored_files(session, OFFICER, older_than=timedelta(days=30))
    assert (pruned.uploads, pruned.files, pruned.bytes_freed) == (4, 2, planned.bytes_freed)
    assert _stored(demo_factory) == {k: v for k, v in stored.items() if k not in gone}
    reasons = {
        result.upload_id: _upload(demo_factory, result.upload_id).file_discarded
        for result in (preview, imported, abandoned, rejected, evidence, recent)
    }
    assert reasons == {
        preview.upload_id: "pruned", imported.upload_id: None, abandoned.upload_id: "pruned",
        rejected.upload_id: "pruned", evidence.upload_id: "pruned", recent.upload_id: None,
    }  # fmt: skip
    with demo_factory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "storage.pruned")
        ).one()
        assert event.after["uploads"] == 4 and event.after["files"] == 2
        assert event.after["bytes_freed"] == pruned.bytes_freed
        assert file_not_kept(session, abandoned.upload_id, ["SMILTENE"]).startswith(
            "The file is no longer kept"
        )
        # The preview's bytes are the imported upload's: still there, so still downloadable.
        assert file_not_kept(session, preview.upload_id, ["SMILTENE"]) is None
    with pytest.raises(UploadNotFoundError):
        import_stored_upload(demo_factory, abandoned.upload_id, actor=ANNA, max_bytes=LIMIT)

    with transaction(demo_factory) as session:
        again = prune_stored_files(session, OFFICER, older_than=timedelta(days=30))
    assert (again.uploads, again.files) == (0, 0)
    assert _count(demo_factory, AuditEvent) == events + 1  # one event, and none for nothing pruned

    with transaction(demo_factory) as session:
        everything = prune_stored_files(session, OFFICER, older_than=timedelta(0))
    compact_database(engine)  # SQLite gives the space back to the disk; PostgreSQL: nothing to do
    assert (everything.uploads, everything.files) == (1, 1)  # the recent dry run
    recent_sha256 = _upload(demo_factory, recent.upload_id).sha256
    assert set(_stored(demo_factory)) == set(stored) - gone - {recent_sha256}


# --- the quota ------------------------------------------------------------------------------------


def test_a_full_store_refuses_new_files_with_one_sentence(engine, demo_factory):
    first, second = _large_csv(1.0), _large_csv(0.6)
    used = sum(_stored(demo_factory).values())
    quota = used + len(first) + 100_000
    factory = make_session_factory(engine, storage_quota_bytes=quota)
    assert _record(factory, first, "first.csv").file_discarded is None
    stored, uploads, events = _stored(factory), _count(factory, Upload), _count(factory, AuditEvent)

    with pytest.raises(StorageFull) as refused:
        _record(factory, second, "second.csv")
    assert str(refused.value) == (
        f"The file store is full ({(used + len(first)) / 1048576:.1f} of {quota / 1048576:.1f} MB "
        "used); ask a monitoring officer to run `sharing prune` or raise SHARING_STORAGE_QUOTA_MB."
    )
    assert isinstance(refused.value, ValueError)  # pages show a ValueError's message as it is
    assert (_stored(factory), _count(factory, Upload), _count(factory, AuditEvent)) == (
        stored, uploads, events,
    )  # fmt: skip

    # The importer records the refusal with the exception's problem: the row, without the bytes.
    kept_out = _record(factory, second, "second.csv", issues=[refused.value.problem])
    assert kept_out.file_discarded == "quota-full"
    assert kept_out.issues[0]["code"] == "storage-full"
    assert _stored(factory) == stored
    with factory() as session:
        assert file_not_kept(session, kept_out.id, ["SMILTENE"]).startswith(
            "The file was not kept: the file store was full"
        )
    # Bytes already kept cost nothing.
    assert _record(factory, first, "first-again.csv").file_discarded is None

    with pytest.raises(StorageFull), transaction(factory) as session:
        change = session.scalars(select(PolicyChange).order_by(PolicyChange.id)).first()
        add_evidence(
            session, OFFICER, change,
            NewEvidence(kind="other", title="decision", filename="d.pdf", content=second),
        )  # fmt: skip
    assert _stored(factory) == stored


def _record(factory, content: bytes, filename: str, issues=()) -> Upload:
    with transaction(factory) as session:
        smiltene = session.scalar(select(Partner.id).where(Partner.code == "SMILTENE"))
        upload = open_upload(
            session, ANNA, content, filename, partner_id=smiltene, issues=list(issues)
        )
        record_reading(session, ANNA, upload, outcome="rejected", rows=NO_ROWS, issues=list(issues))
    return upload


# --- the command ----------------------------------------------------------------------------------


def test_sharing_prune_says_what_it_frees(database_url, tmp_path):
    env = sharing_env(database_url, tmp_path)
    assert run_sharing("init", env=env).returncode == 0
    dry = run_sharing("prune", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert (
        dry.stdout.startswith("Would free 0.0 MB by deleting 0 files") and "Nothing" in dry.stdout
    )
    done = run_sharing("prune", "--json", env={**env, "SHARING_KEEP_DRY_RUNS_DAYS": "0"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["applied"], report["uploads"], report["quota_bytes"]) == (
        True,
        0,
        2000 * 1048576,
    )


def test_sharing_prune_names_a_bad_setting(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/x.db", tmp_path)
    bad_days = run_sharing("prune", env={**env, "SHARING_KEEP_DRY_RUNS_DAYS": "a month"})
    assert bad_days.returncode == 2
    assert "SHARING_KEEP_DRY_RUNS_DAYS='a month' must be a whole number of days" in bad_days.stderr
    bad_quota = run_sharing("prune", env={**env, "SHARING_STORAGE_QUOTA_MB": "-5"})
    assert bad_quota.returncode == 2 and "SHARING_STORAGE_QUOTA_MB='-5'" in bad_quota.stderr
    assert "Traceback" not in bad_days.stderr + bad_quota.stderr


def test_an_import_into_a_full_store_is_refused_and_on_record(engine, demo_factory):
    used = sum(_stored(demo_factory).values())
    factory = make_session_factory(engine, storage_quota_bytes=used + 10)
    values = _count(factory, StoredFile)
    result = run_import(
        factory, workbooks.xlsx([("ESU-SERVICES", "P1", 3)]), "p1.xlsx", actor=OFFICER,
        partner_code="SMILTENE", dry_run=True, max_bytes=20 * 1024 * 1024, today=date(2026, 11, 27),
    )  # fmt: skip
    assert (result.status, result.exit_code) == ("unreadable", 2)
    assert result.issues[0].code == "storage-full"
    assert "sharing prune" in result.issues[0].message
    row = _upload(factory, result.upload_id)
    assert (row.file_discarded, row.outcome) == ("quota-full", "unreadable")
    assert _count(factory, StoredFile) == values
