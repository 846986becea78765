"""The region data set (seed.region) at a test size: deterministic for a seed on SQLite and PostgreSQL,
counted right, loaded once, and invisible to everything that means the P1..P8 reporting periods."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

import migrations
from dashboard.access import command_line_actor
from dashboard.queries import catalogue, indicators, meeting, overview, partner, setup
from dashboard.queries.values import ValueView
from importers.validation import Reference
from models import (
    MONTH,
    PROJECT_PARTNER,
    Indicator,
    Observation,
    Partner,
    ReportingPeriod,
    User,
)
from models.database import make_engine, make_session_factory
from seed.demo import load_demo
from seed.region import MONTHLY_INDICATORS, RegionAlreadyLoaded, load_region
from workbooks.template import chosen_period

from .conftest import DEMO_TODAY

START = date(2023, 3, 1)
SHAPE = dict(bodies=12, months=3, today=DEMO_TODAY)
SEMESTERS = [f"P{n}" for n in range(1, 9)]


def _load(session, seed: int = 7):
    load_demo(session, START, today=DEMO_TODAY)
    summary = load_region(session, START, seed=seed, **SHAPE)
    session.commit()
    return summary


def _fingerprint(session) -> str:
    """The data by natural keys (not identifiers, which differ between databases)."""
    rows = session.execute(
        select(
            Partner.code,
            Indicator.code,
            ReportingPeriod.label,
            Observation.value,
            Observation.review_status,
        )  # fmt: skip
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .order_by(Partner.code, Indicator.code, ReportingPeriod.label)
    ).all()
    bodies = session.execute(
        select(Partner.code, Partner.name, Partner.county, Partner.body_type).order_by(Partner.code)
    ).all()
    return hashlib.sha256(repr((rows, bodies)).encode()).hexdigest()


def _fresh_sqlite(tmp_path, name: str):
    url = f"sqlite:///{tmp_path / name}"
    migrations.upgrade(url)
    return make_engine(url)


def test_the_same_seed_gives_the_same_data_on_sqlite_and_postgresql_and_counts_are_right(
    session, tmp_path
):
    summary = _load(session)
    reference = _fresh_sqlite(tmp_path, "again.db")
    with make_session_factory(reference)() as again:
        _load(again)
        same = _fingerprint(again)
    other = _fresh_sqlite(tmp_path, "other.db")
    with make_session_factory(other)() as different:
        _load(different, seed=8)
        changed = _fingerprint(different)
    reference.dispose()
    other.dispose()
    assert _fingerprint(session) == same != changed

    bodies = list(session.scalars(select(Partner).where(Partner.body_type != PROJECT_PARTNER)))
    assert len(bodies) == 12 and summary.counts["bodies"] == 12
    assert {b.body_type for b in bodies} == {"municipality", "county council", "agency"}
    assert all(b.nuts_code.startswith("RO") and len(b.nuts_code) == 5 and b.county for b in bodies)
    assert session.scalar(select(func.count()).select_from(Indicator)) == 150
    months = session.scalars(select(ReportingPeriod.label).where(ReportingPeriod.kind == MONTH))
    assert list(months) == ["2023-03", "2023-04", "2023-05"]
    # Every body reports P1 (a late body misses only the last ended semester), months included.
    values = dict(
        session.execute(
            select(ReportingPeriod.kind, func.count())
            .join(Observation, Observation.period_id == ReportingPeriod.id)
            .join(Partner, Partner.id == Observation.partner_id)
            .where(Partner.body_type != PROJECT_PARTNER)
            .group_by(ReportingPeriod.kind)
        ).all()
    )
    assert values[MONTH] == 12 * MONTHLY_INDICATORS * 3 == summary.counts["monthly values"]
    assert values["semester"] == summary.counts["semester values"]
    assert 12 * 150 * 6 <= values["semester"] <= 12 * 150 * 7 and values["semester"] % 150 == 0
    editors = session.scalar(
        select(func.count()).select_from(User).where(User.email.like("%@region.example.org"))
    )
    assert editors == 12
    # The five SHARING partners keep their own data.
    assert session.scalar(select(func.count()).select_from(Partner)) == 17


def test_a_second_load_adds_nothing(session):
    _load(session)
    before = session.scalar(select(func.count()).select_from(Observation))
    with pytest.raises(RegionAlreadyLoaded):
        load_region(session, START, seed=9, **SHAPE)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Observation)) == before


def test_the_pages_queries_the_importer_and_the_template_see_only_semesters(session):
    _load(session)
    body = session.scalar(
        select(Partner.code).where(Partner.body_type == "municipality").order_by(Partner.code)
    )
    monthly = session.scalar(select(Indicator.code).where(Indicator.code == "RG-001"))
    view = ValueView(command_line_actor("test"))
    assert list(partner.reporting_periods(session)["label"]) == SEMESTERS
    assert list(catalogue.reporting_periods(session)["label"]) == SEMESTERS
    assert list(setup.periods_frame(session)["label"]) == SEMESTERS
    assert overview.latest_ended_period(session, date(2030, 1, 1)).label == "P8"
    assert [p.label for p in Reference.load(session).periods] == SEMESTERS
    periods = list(session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.end_date)))
    assert chosen_period(periods, None, DEMO_TODAY).label == "P7"
    values = indicators.indicator_values(session, monthly, [body], view=view)
    assert set(values["period_label"]) <= set(SEMESTERS) and not values.empty
    freshness = overview.reporting_freshness(session, [body], 7, view=view)
    assert freshness["last_reported_period"].iloc[0] in {"P6", "P7"}
    report = partner.indicator_report(session, body, "P1", view=view)
    assert len(report) == 150
    with pytest.raises(meeting.MeetingNotFound):
        meeting.meeting_view(session, command_line_actor("test"), "2023-03", today=DEMO_TODAY)


def test_the_command_says_what_it_loaded_and_refuses_a_second_region(database_url, tmp_path):
    from click.testing import CliRunner

    from cli.main import main

    env = {"DATABASE_URL": database_url, "SHARING_INSTANCE_PATH": str(tmp_path), "LC_ALL": "C"}
    migrations.upgrade(database_url)
    region = ["demo", "--scale", "region", "--bodies", "2", "--months", "1"]
    first = CliRunner().invoke(main, region, env=env, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "monthly values" in first.output and "Region data set loaded:" in first.output
    again = CliRunner().invoke(main, region, env=env, catch_exceptions=False)
    assert again.exit_code == 0
    assert "The region data set is loaded already (2 bodies); nothing was added." in again.output
    wrong = CliRunner().invoke(main, ["demo", "--seed", "3"], env=env)
    assert wrong.exit_code == 2 and "--seed applies to --scale region only." in wrong.output
