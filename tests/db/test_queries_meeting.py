"""The meeting's view models on the demo data, as of the end of a period (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import select, update

from dashboard.access import Actor, command_line_actor
from dashboard.queries.meeting import MeetingNotFound, meeting_view
from models import Observation, Partner
from tests.db.conftest import DEMO_TODAY

OFFICER = command_line_actor("tester")
SHARE_LINK = Actor(name="share link", role="share-link", via="share-link")


def _meeting(session, period="P7", partners=None, **options):
    return meeting_view(session, OFFICER, period, partners, today=DEMO_TODAY, **options)


def test_the_headline_of_p7(demo):
    meeting = _meeting(demo, "p7")
    head = meeting.headline
    assert meeting.period.label == "P7" and meeting.previous.label == "P6"
    assert head.changes_total == 11
    assert dict(head.changes_by_stage)["validated"] == 1
    assert (head.instruments_improved, head.instruments_total) == (1, 5)
    assert head.targets_total == 46
    assert head.targets_on_track + head.targets_behind + head.targets_no_data == 46
    assert head.partners_missing == ("PLH",)
    assert len(head.partners_reported) == 4
    assert meeting.data_date is not None and meeting.has_demo


def test_stages_are_those_at_the_end_of_the_period(demo):
    p3 = _meeting(demo, "P3")  # ends 31.08.2024
    stages = {(row.partner_code, row.stage): row.changes for row in p3.pipeline}
    assert ("SWO-RDA", "abandoned") not in stages  # abandoned on 05.11.2024
    # SMILTENE-1 was adopted on 22.02.2024; SMILTENE-2, proposed on 14.03.2024, only on 26.09.2024.
    assert stages[("SMILTENE", "adopted")] == 1 and stages[("SMILTENE", "proposed")] == 1
    assert p3.headline.instruments_improved == 0  # SMILTENE-1 validated in 2025


def test_what_moved_in_the_period_in_date_order(demo):
    moves = _meeting(demo, "P5").moves
    assert [(m.change_code, m.from_stage, m.to_stage) for m in moves] == [
        ("REDEA-1", "adopted", "implemented"),
        ("SWO-RDA-1", "proposed", "submitted"),
        ("SMILTENE-1", "implemented", "validated"),
        ("MDPWA-2", "identified", "proposed"),
    ]
    only = _meeting(demo, "P5", ["smiltene", "PLH"])
    assert [m.change_code for m in only.moves] == ["SMILTENE-1"]
    assert only.partner_codes == ("SMILTENE", "PLH")
    assert _meeting(demo, "P7").moves == ()


def test_open_issues(demo):
    partner_id = demo.scalar(select(Partner.id).where(Partner.code == "REDEA"))
    first_two = demo.scalars(
        select(Observation.id).where(Observation.partner_id == partner_id).limit(2)
    ).all()
    demo.execute(
        update(Observation).where(Observation.id.in_(first_two)).values(review_status="submitted")
    )
    demo.commit()
    issues = _meeting(demo, "P7").issues
    assert [(late.partner_code, late.days_overdue) for late in issues.late] == [("PLH", -3)]
    assert issues.late[0].last_reported_period == "P6"
    stuck = {item.change_code: item for item in issues.stuck}
    assert "SMILTENE-1" not in stuck and "SWO-RDA-3" not in stuck  # validated, abandoned
    assert stuck["PLH-2"].stage == "identified" and stuck["PLH-2"].since_period == "P3"
    assert "MDPWA-2" in stuck  # proposed 12.06.2025 (P5): P6 and P7 without a move
    assert [(a.partner_code, a.values) for a in issues.awaiting] == [("REDEA", 2)]
    assert _meeting(demo, "P1").issues.stuck == ()


def test_the_partner_progress_e_services_and_skills(demo):
    meeting = _meeting(demo, "P7")
    plh = next(row for row in meeting.progress if row.partner_code == "PLH")
    assert not plh.reported_in_period and plh.last_reported_period == "P6"
    assert {row.indicator_code for row in meeting.e_services} == {
        "ESU-SERVICES", "ESU-ONLINE-SHARE", "ESU-TRANSACTIONS", "ESU-USERS",
    }  # fmt: skip
    stale = [row for row in meeting.e_services if row.partner_code == "PLH"]
    assert stale and all(row.is_stale and row.latest_period == "P6" for row in stale)
    skills = meeting.skills
    assert [row.partner_code for row in skills.rows] == ["REDEA", "SMILTENE", "PLH"]
    smiltene = skills.rows[1]
    assert (smiltene.country, smiltene.reference_value, smiltene.reference_year) == (
        "LV",
        45.34,
        2023,
    )
    assert (skills.eu_value, skills.eu_year) == (55.6, 2023)
    assert {(t.geo, t.value, t.year) for t in skills.policy_targets} == {
        ("EU27", 80.0, 2030),
        ("LV", 70.0, 2027),
    }
    assert len(meeting.indicator_lines) == 46
    assert {h.change_code for h in meeting.histories} >= {"SMILTENE-1", "MDPWA-1"}


def test_unknown_period_or_partner_is_one_sentence(demo):
    with pytest.raises(MeetingNotFound) as period:
        _meeting(demo, "P9")
    assert str(period.value) == (
        "There is no reporting period P9; choose one of P1, P2, P3, P4, P5, P6, P7, P8."
    )
    with pytest.raises(MeetingNotFound) as partner:
        _meeting(demo, "P7", ["SMILTENE", "XX"])
    assert str(partner.value).startswith("There is no partner XX; the partners are MDPWA")


def test_a_share_link_never_sees_submitted_values(demo):
    meeting = meeting_view(demo, SHARE_LINK, "P7", None, include_submitted=True, today=date.today())
    assert not meeting.include_submitted
