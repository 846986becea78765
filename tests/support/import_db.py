"""Fixtures for importer tests: a migrated database holding the reference data, and a way to import into it.

Import them into a test module (``from tests.support.import_db import import_db  # noqa: F401``).
``import_db`` is SQLite only (fast); ``import_db_both`` runs once on SQLite and once on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import migrations
from dashboard.access import Actor
from dashboard.settings import Settings
from importers.workbook_import import ImportResult, run_import
from models import Observation, ObservationRevision, StageEvent, Upload
from models.database import make_engine, make_session_factory, transaction
from seed.reference_data import load_reference_data

TESTER = Actor(name="tester", role="admin")
TODAY = date(2026, 11, 27)  # P7 (01.03.2026-31.08.2026) has ended, P8 has not


@dataclass
class ImportDatabase:
    factory: sessionmaker[Session]
    settings: Settings

    def run(
        self,
        content: bytes,
        filename: str = "report.xlsx",
        partner: str | None = "SMILTENE",
        *,
        dry_run: bool = False,
        today: date = TODAY,
    ) -> ImportResult:
        return run_import(self.factory, content, filename, actor=TESTER, partner_code=partner, dry_run=dry_run, max_bytes=self.settings.max_upload_bytes, today=today)  # fmt: skip

    def values(self) -> dict[tuple[str, str, str], float | None]:
        """{(partner, indicator, period): value} for every observation."""
        from models import Indicator, Partner, ReportingPeriod

        with self.factory() as session:
            rows = session.execute(
                select(Partner.code, Indicator.code, ReportingPeriod.label, Observation.value)
                .join(Partner, Partner.id == Observation.partner_id)
                .join(Indicator, Indicator.id == Observation.indicator_id)
                .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            )
            return {(p, i, period): v for p, i, period, v in rows}

    def counts(self) -> dict[str, int]:
        with self.factory() as session:
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Observation, ObservationRevision, Upload, StageEvent)
            }


def _prepared(url: str, tmp_path) -> tuple[ImportDatabase, object]:
    settings = Settings(
        database_url=url, secret_key="test", project_start=date(2023, 3, 1), instance_path=tmp_path
    )
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_reference_data(session, settings.project_start)
    return ImportDatabase(factory, settings), engine


@pytest.fixture
def import_db(sqlite_url, tmp_path):
    database, engine = _prepared(sqlite_url, tmp_path)
    yield database
    engine.dispose()


@pytest.fixture
def import_db_both(database_url, tmp_path):
    database, engine = _prepared(database_url, tmp_path)
    yield database
    engine.dispose()
