"""Two writers at the same moment, in two processes, on SQLite and on PostgreSQL: no change is lost,
every revision's "old value" is the value it replaced, and both callers get a clean outcome."""

from __future__ import annotations

from sqlalchemy import select

from models import Indicator, Observation, ObservationRevision, Partner, ReportingPeriod
from tests.factories import workbooks
from tests.support.racing import (
    broken_revision_chains,
    correction_racer,
    import_racer,
    race,
)

COUNTS = (
    "ESU-SERVICES",
    "ESU-TRANSACTIONS",
    "ESU-USERS",
    "DSK-TRAINED",
    "DSK-STAFF",
    "STK-MEETINGS",
)
PERIODS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
CLEAN = {"imported", "unchanged"}


def _workbook(base: int) -> bytes:
    """The same cells for every writer, each writer with its own values (base + position)."""
    rows = [
        (code, period, base + i * 10 + j)
        for i, code in enumerate(COUNTS)
        for j, period in enumerate(PERIODS)
    ]
    return workbooks.xlsx(rows)


def _values(db) -> dict:
    return {key: value for key, value in db.values().items() if key[0] == "SMILTENE"}


def _first_revisions_replace(db, before: dict) -> list[str]:
    """The first revision of each observation must say it replaced the value stored before the race."""
    wrong = []
    with db.factory() as session:
        rows = session.execute(
            select(Indicator.code, ReportingPeriod.label, ObservationRevision.previous_value)
            .join(Observation, Observation.id == ObservationRevision.observation_id)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .join(Partner, Partner.id == Observation.partner_id)
            .order_by(ObservationRevision.id)
        )
        seen = set()
        for indicator, period, previous in rows:
            key = ("SMILTENE", indicator, period)
            if key in seen:
                continue
            seen.add(key)
            if key in before and previous != before[key]:
                wrong.append(f"{key}: first revision replaced {previous}, stored was {before[key]}")
    return wrong


def test_two_imports_of_different_values_for_the_same_cells(import_db_both):
    db = import_db_both
    assert db.run(_workbook(1000)).status == "imported"
    before = _values(db)
    url = db.settings.database_url
    outcomes = race(
        import_racer(url, _workbook(2000), "first"), import_racer(url, _workbook(3000), "second")
    )
    assert outcomes == ["imported", "imported"], outcomes
    after = _values(db)
    first, second = (_values_of(_workbook_values(b)) for b in (2000, 3000))
    # One file was written after the other: the cells hold all of one file's values, never a mixture.
    assert after in (first, second)
    with db.factory() as session:
        assert broken_revision_chains(session) == []
        # 42 cells, each changed twice: once from the old value, once from the first racer's value.
        assert session.query(ObservationRevision).count() == 2 * len(before)
    assert _first_revisions_replace(db, before) == []


def test_two_imports_inserting_the_same_new_rows(import_db_both):
    db = import_db_both
    url = db.settings.database_url
    outcomes = race(
        import_racer(url, _workbook(2000), "first"), import_racer(url, _workbook(3000), "second")
    )
    assert outcomes == ["imported", "imported"], outcomes
    after = _values(db)
    assert after in (_values_of(_workbook_values(2000)), _values_of(_workbook_values(3000)))
    with db.factory() as session:
        # The second writer found the first one's rows and changed them, with a revision each.
        assert session.query(Observation).count() == len(COUNTS) * len(PERIODS)
        assert session.query(ObservationRevision).count() == len(COUNTS) * len(PERIODS)
        assert broken_revision_chains(session) == []


def test_an_import_and_corrections_of_the_same_values(import_db_both):
    db = import_db_both
    assert db.run(_workbook(1000)).status == "imported"
    before = _values(db)
    with db.factory() as session:
        ids = list(session.scalars(select(Observation.id).order_by(Observation.id)))[:15]
    url = db.settings.database_url
    outcomes = race(
        import_racer(url, _workbook(2000), "importer"),
        correction_racer(url, ids, "7", "corrector"),
    )
    assert outcomes == ["imported", "corrected"], outcomes
    with db.factory() as session:
        assert broken_revision_chains(session) == []
        corrected = set(session.scalars(select(Observation.value).where(Observation.id.in_(ids))))
        # Each corrected cell ends as the correction or as the import, whichever came last.
        assert corrected <= {7.0} | set(_workbook_values(2000).values())
    assert _first_revisions_replace(db, before) == []


def test_two_corrections_of_the_same_values(import_db_both):
    db = import_db_both
    assert db.run(_workbook(1000)).status == "imported"
    with db.factory() as session:
        ids = list(session.scalars(select(Observation.id).order_by(Observation.id)))[:20]
    url = db.settings.database_url
    outcomes = race(
        correction_racer(url, ids, "7", "first"), correction_racer(url, ids, "8", "second")
    )
    assert outcomes == ["corrected", "corrected"], outcomes
    with db.factory() as session:
        assert broken_revision_chains(session) == []
        assert set(session.scalars(select(Observation.value).where(Observation.id.in_(ids)))) <= {
            7.0,
            8.0,
        }


def _workbook_values(base: int) -> dict[tuple[str, str], float]:
    return {
        (code, period): float(base + i * 10 + j)
        for i, code in enumerate(COUNTS)
        for j, period in enumerate(PERIODS)
    }


def _values_of(cells: dict[tuple[str, str], float]) -> dict:
    return {("SMILTENE", code, period): value for (code, period), value in cells.items()}


def test_confirming_a_preview_imports_what_was_previewed(import_db_both):
    from dashboard.access import Actor
    from importers.workbook_import import import_stored_upload
    from models.database import transaction
    from services.observations import correct_observation

    db = import_db_both
    actor = Actor("officer", "admin")
    assert db.run(_workbook(1000)).status == "imported"
    preview = db.run(_workbook(2000), dry_run=True)
    assert preview.status == "dry-run" and preview.fingerprint
    with db.factory() as session:
        first = session.scalars(select(Observation).order_by(Observation.id)).first()
    # Someone corrects a value the preview said it would change "from 1000".
    with transaction(db.factory) as session:
        correct_observation(session, actor, first.id, "5", "phone call with the partner")
    before = db.counts()
    outdated = import_stored_upload(
        db.factory, preview.upload_id, actor=actor, max_bytes=db.settings.max_upload_bytes
    )
    assert outdated.status == "outdated" and outdated.exit_code == 3
    assert outdated.issues[0].code == "preview-outdated"
    # Nothing written; the new preview shows the corrected value as the one that would be replaced.
    assert db.counts() == {**before, "Upload": before["Upload"] + 1}
    assert {
        c.old_value for c in outdated.changes if c.cell == first_cell(db, outdated, first.id)
    } == {5.0}
    with db.factory() as session:
        from models import Upload

        row = session.get(Upload, outdated.upload_id)
        assert row.outcome == "outdated" and row.preview_fingerprint == outdated.fingerprint
    # The new preview, confirmed as it is, is imported.
    imported = import_stored_upload(
        db.factory, outdated.upload_id, actor=actor, max_bytes=db.settings.max_upload_bytes
    )
    assert imported.status == "imported"
    assert _values(db) == _values_of(_workbook_values(2000))
    with db.factory() as session:
        assert broken_revision_chains(session) == []


def test_a_preview_of_untouched_cells_stays_confirmable(import_db_both):
    from dashboard.access import Actor
    from importers.workbook_import import import_stored_upload

    db = import_db_both
    actor = Actor("officer", "admin")
    preview = db.run(workbooks.xlsx([("ESU-SERVICES", "P1", 3)]), dry_run=True)
    # Another file changes other cells meanwhile: the preview still says what the confirmation does.
    assert db.run(workbooks.xlsx([("ESU-USERS", "P2", 9)])).status == "imported"
    confirmed = import_stored_upload(
        db.factory, preview.upload_id, actor=actor, max_bytes=db.settings.max_upload_bytes
    )
    assert confirmed.status == "imported"


def first_cell(db, result, observation_id: int) -> str:
    """The workbook cell of the change that concerns the observation (its indicator and period)."""
    with db.factory() as session:
        key = session.execute(
            select(Indicator.code, ReportingPeriod.label)
            .join(Observation, Observation.indicator_id == Indicator.id)
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .where(Observation.id == observation_id)
        ).one()
    return next(c.cell for c in result.changes if (c.indicator, c.period) == tuple(key))
