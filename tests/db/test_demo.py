"""The demo loads the real partnership and invented, marked figures; loading twice adds nothing."""

from datetime import date

from sqlalchemy import func, select

from models import (
    BenchmarkValue,
    Indicator,
    Observation,
    Partner,
    PolicyChange,
    ReportingPeriod,
    Target,
)
from seed.demo import LATE_PARTNER, load_demo

TODAY = date(2026, 11, 27)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_demo_is_complete_marked_and_idempotent(session):
    load_demo(session, date(2023, 3, 1), today=TODAY)
    session.commit()
    counts = {
        m: _count(session, m) for m in (Partner, PolicyChange, Target, Observation, BenchmarkValue)
    }
    assert counts[Partner] == 5
    assert set(session.scalars(select(Partner.code))) == {
        "MDPWA",
        "SWO-RDA",
        "REDEA",
        "SMILTENE",
        "PLH",
    }
    assert _count(session, ReportingPeriod) == 8
    required = {
        "ESU-SERVICES", "ESU-ONLINE-SHARE", "ESU-TRANSACTIONS", "ESU-USERS", "DSK-BASIC", "DSK-TRAINED",
        "DSK-STAFF", "STK-MEETINGS", "RCO14", "RCR11", "RCO81", "RCO83", "RCO87", "RCO116", "RCR79", "RCR104",
    }  # fmt: skip
    assert required <= set(session.scalars(select(Indicator.code)))
    assert set(session.scalars(select(Observation.source_kind))) == {"demo"}
    assert all(session.scalars(select(PolicyChange.is_demo)))
    assert all(session.scalars(select(BenchmarkValue.verified)))

    summary = load_demo(session, date(2023, 3, 1), today=TODAY)
    session.commit()
    assert "added 0 policy changes, 0 targets, 0 observations" in summary
    assert {m: _count(session, m) for m in counts} == counts


def test_demo_covers_ended_periods_with_one_partner_late(session):
    load_demo(session, date(2023, 3, 1), today=TODAY)
    rows = session.execute(
        select(Partner.code, func.max(ReportingPeriod.number))
        .join(Observation, Observation.partner_id == Partner.id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .group_by(Partner.code)
    ).all()
    latest = dict(rows)
    assert latest.pop(LATE_PARTNER) == 6
    assert set(latest.values()) == {7}


def test_every_stage_is_represented_and_validated_changes_have_evidence(session):
    load_demo(session, date(2023, 3, 1), today=TODAY)
    changes = list(session.scalars(select(PolicyChange)))
    assert {c.stage for c in changes} == {
        "identified", "proposed", "submitted", "adopted", "implemented", "validated", "abandoned",
    }  # fmt: skip
    for change in changes:
        assert change.events and change.events[-1].stage == change.stage
        if change.stage == "validated":
            assert change.evidence
