"""Upload history, original files and value revisions, with real imports through the importer."""

from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import Actor
from dashboard.queries.overview import target_progress
from dashboard.queries.uploads import (
    original_file,
    upload_history,
    upload_record,
    value_revisions,
)
from dashboard.queries.values import approved_only
from importers.workbook_import import run_import
from models import Indicator, Observation, Partner, ReportingPeriod
from models.database import transaction
from seed.demo import load_demo
from tests.factories.workbooks import xlsx

TODAY = date(2026, 11, 27)
ANNA = Actor(name="anna", role="editor", partner_code="SMILTENE")


@pytest.fixture
def demo_factory(session_factory):
    with transaction(session_factory) as session:
        load_demo(session, date(2023, 3, 1), today=TODAY)
    return session_factory


def _import(factory, settings, rows, *, dry_run=False, name="report.xlsx"):
    return run_import(
        factory, xlsx(rows), name, partner_code="SMILTENE", actor=ANNA, dry_run=dry_run,
        max_bytes=settings.max_upload_bytes, today=TODAY,
    )  # fmt: skip


def test_history_original_file_and_revisions(demo_factory, settings):
    rejected = _import(demo_factory, settings, [("ESU-USERS", "P7", "lots", None)], name="bad.xlsx")
    dry = _import(demo_factory, settings, [("ESU-USERS", "P7", "4 700", None)], dry_run=True)
    done = _import(demo_factory, settings, [("ESU-USERS", "P7", "4 700", None)])
    assert (rejected.status, dry.status, done.status) == ("rejected", "dry-run", "imported")
    with demo_factory() as session:
        history = upload_history(session, ["SMILTENE"])
        assert history["upload_id"].tolist() == [done.upload_id, rejected.upload_id]  # no dry run
        assert history.iloc[1][["outcome", "error_count"]].tolist() == ["rejected", 1]
        assert len(upload_history(session, ["SMILTENE"], include_dry_runs=True)) == 3
        by_outcome = upload_history(
            session, ["SMILTENE"], include_dry_runs=True, outcomes=["dry-run", "rejected"]
        )
        assert by_outcome["upload_id"].tolist() == [dry.upload_id, rejected.upload_id]
        stored = history.iloc[1]["issues"]
        assert [(i["code"], i["cell"]) for i in stored] == [("not-a-number", "C2")]
        assert upload_history(session, ["PLH"]).empty

        filename, content = original_file(session, rejected.upload_id, ["SMILTENE"])
        assert filename == "bad.xlsx" and content.startswith(b"PK")
        assert original_file(session, rejected.upload_id, ["PLH"]) is None

        record = upload_record(session, rejected.upload_id, ["SMILTENE"])
        assert record["partner_code"] == "SMILTENE"
        assert record["issues"][0]["cell"]

        revisions = value_revisions(session, ["SMILTENE"])
        assert len(revisions) == 1
        row = revisions.iloc[0]
        assert (row.indicator_code, row.period_label, row.new_value) == ("ESU-USERS", "P7", 4700)
        assert (int(row.upload_id), row.upload_filename) == (done.upload_id, "report.xlsx")
        assert value_revisions(session, ["SMILTENE"], indicator_codes=["DSK-BASIC"]).empty
        assert len(value_revisions(session, ["SMILTENE"], period_labels=["P7"])) == 1
        assert len(value_revisions(session, ["SMILTENE"], upload_id=done.upload_id)) == 1


def test_a_real_value_equal_to_the_demo_one_replaces_it(demo_factory, settings):
    with demo_factory() as session:
        demo_value = session.scalar(
            select(Observation.value)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .join(Partner, Partner.id == Observation.partner_id)
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .where(
                Partner.code == "SMILTENE", Indicator.code == "ESU-SERVICES",
                ReportingPeriod.label == "P6", Observation.source_kind == "demo",
            )
        )  # fmt: skip
    officer = Actor(name="officer", role="admin")
    result = run_import(
        demo_factory, xlsx([("ESU-SERVICES", "P6", demo_value, None)]), "p6.xlsx",
        partner_code="SMILTENE", actor=officer, dry_run=False,
        max_bytes=settings.max_upload_bytes, today=TODAY,
    )  # fmt: skip
    assert (result.status, result.rows.updated) == ("imported", 1)
    with demo_factory() as session:
        progress = target_progress(session, ["SMILTENE"], 7, view=approved_only(officer))
        row = progress.set_index("indicator_code").loc["ESU-SERVICES"]
        assert row["demo_values"] == 6  # P1..P7 were demo; P6 is the partner's now
        history = value_revisions(session, ["SMILTENE"])
        assert (history.iloc[0]["previous_source_kind"], history.iloc[0]["new_value"]) == (
            "demo", demo_value,
        )  # fmt: skip
