"""The figure cache (dashboard/figure_cache.py) never shows a stale value or another partner's data: a
value imported, corrected or approved, and a target changed in Setup, are on the next request; an
editor's submitted values stay the editor's; two processes share the entries; a bad entry is a miss."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from dashboard.access import Actor, command_line_actor
from dashboard.app import create_app
from dashboard.database import EXTENSION_KEY
from dashboard.figure_cache import CACHE_FOLDER
from importers.workbook_import import run_import
from models import Indicator, Observation, Partner, ReportingPeriod, Submission, Target
from models.database import make_engine, make_session_factory, transaction
from services.catalogue import update_setup_value
from services.observations import correct_observation
from services.review import approve_submission
from tests.factories.workbooks import xlsx
from tests.support.accounts import ensure_account, signed_in_client
from tests.support.callbacks import page_request

ROUTE = "/_dash-update-component"
OFFICER = command_line_actor("tests")
PARTNER, OTHER = "SMILTENE", "REDEA"


@pytest.fixture
def app(settings, demo):
    app = create_app(settings)
    app.server.test_client().get("/_dash-dependencies")  # the first request adds the page router
    yield app
    app.server.extensions[EXTENSION_KEY]["engine"].dispose()


@pytest.fixture
def shown(demo) -> dict:
    """An e-service indicator (not a running total) and SMILTENE's value of it in the newest period."""
    code, observation_id = demo.execute(
        select(Indicator.code, Observation.id)
        .join(Observation, Observation.indicator_id == Indicator.id)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Indicator.category == "e-service uptake",
            Indicator.aggregation != "sum",
            Indicator.value_kind == "count",
            Partner.code == PARTNER,
            Observation.value.is_not(None),
        )
        .order_by(ReportingPeriod.number.desc(), Indicator.code)
        .limit(1)
    ).one()
    return {"indicator": code, "observation": observation_id}


def _page(app, client, path: str, search: str = "") -> str:
    answer = client.post(ROUTE, json=page_request(app, path, search))
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _write(settings, service, *args, actor: Actor = OFFICER, **kwargs):
    """``service`` through its own committed transaction, as a request or the command line runs it."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return service(session, actor, *args, **kwargs)
    finally:
        engine.dispose()


def test_every_change_is_on_the_next_request(app, demo, settings, shown):
    officer = signed_in_client(app, ensure_account(demo, "officer@test.example.org", "admin"))
    demo.commit()
    search = f"?partner={PARTNER}&indicator={shown['indicator']}"
    assert "777.25" not in _page(app, officer, "/e-services", search)
    assert "777.25" not in _page(app, officer, "/e-services", search)  # now from the cache

    _write(settings, correct_observation, shown["observation"], "777.25", "checked the register")
    assert "777.25" in _page(app, officer, "/e-services", search)

    target = demo.scalar(
        select(Target.id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(Partner, Partner.id == Target.partner_id)
        .where(Indicator.code == shown["indicator"], Partner.code == PARTNER)
    )
    _write(settings, update_setup_value, "target", target, "target_value", "888.5")
    assert "888.5" in _page(app, officer, "/e-services", search)

    # An editor's import waits for review: on the committee's view once approved, not before.
    editor = Actor(name="editor", role="editor", partner_code=PARTNER, partner_id=_id(demo))
    period = demo.scalar(select(ReportingPeriod.label).where(ReportingPeriod.number == 1))
    workbook = xlsx([(shown["indicator"], period, 666.75, "")])
    engine = make_engine(settings.database_url)
    result = run_import(
        make_session_factory(engine), workbook, "values.xlsx",
        actor=editor, partner_code=PARTNER, dry_run=False, max_bytes=10**7, today=date.today(),
    )  # fmt: skip
    engine.dispose()
    assert result.review == "submitted", result
    assert "666.75" not in _page(app, officer, "/e-services", search)
    assert "666.75" in _page(app, officer, "/e-services", search + "&data=submitted")
    demo.rollback()  # a new snapshot: the import committed in its own session
    submission = demo.scalar(select(Submission.id).where(Submission.upload_id == result.upload_id))
    _write(settings, approve_submission, submission)
    assert "666.75" in _page(app, officer, "/e-services", search)


def _id(session, code: str = PARTNER) -> int:
    return session.scalar(select(Partner.id).where(Partner.code == code))


def test_an_editors_submitted_values_stay_the_editors(app, demo, settings, shown):
    own = ensure_account(demo, "own@test.example.org", "editor", PARTNER)
    other = ensure_account(demo, "other@test.example.org", "editor", OTHER)
    # Both in English: else each reads its partner's language, which keys the entries apart anyway.
    own.language = other.language = "en"
    demo.commit()
    editor = Actor(name="own", role="editor", partner_code=PARTNER, partner_id=_id(demo))
    _write(settings, correct_observation, shown["observation"], "555.5", "typo", actor=editor)
    search = f"?partner={PARTNER}&indicator={shown['indicator']}&data=submitted"
    for _ in range(2):  # the second from the cache
        assert "555.5" in _page(app, signed_in_client(app, own), "/e-services", search)
        assert "555.5" not in _page(app, signed_in_client(app, other), "/e-services", search)
        assert "555.5" not in _page(app, signed_in_client(app, own), "/e-services", search[:-15])


def test_two_processes_share_the_file_cache(settings, demo):
    """Each process asks for an entry only the first computes: the second reads the first's pid."""
    program = f"""
import os
from flask import g
from dashboard.app import create_app
from dashboard.database import read_session
from dashboard.figure_cache import remember
from dashboard.settings import Settings
settings = Settings(database_url={settings.database_url!r}, secret_key="x",
                    instance_path=__import__("pathlib").Path({str(settings.instance_path)!r}))
app = create_app(settings)
with app.server.test_request_context(), read_session() as session:
    print(remember(session, "test.pid", (), os.getpid, actions=["target.updated"],
                   partner_codes=None))
"""
    pids = [
        subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    assert pids[0] == pids[1]


def test_a_bad_entry_is_a_miss(app, demo, settings, shown):
    officer = signed_in_client(app, ensure_account(demo, "officer@test.example.org", "admin"))
    demo.commit()
    search = f"?partner={PARTNER}&indicator={shown['indicator']}"
    first = json.loads(_page(app, officer, "/e-services", search))
    entries = sorted((settings.instance_path / CACHE_FOLDER).iterdir())
    assert entries
    for number, entry in enumerate(entries):
        # Cut short, or a valid entry of another key (what a hash collision or a copy would be).
        entry.write_bytes(entry.read_bytes()[:40] if number % 2 else entries[-1].read_bytes())
    again = json.loads(_page(app, officer, "/e-services", search))
    assert again == first
    assert json.loads(_page(app, officer, "/e-services", search)) == first
