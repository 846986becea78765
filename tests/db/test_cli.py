"""The ``sharing`` command, run as a user runs it, against SQLite and PostgreSQL."""

import pytest
from sqlalchemy import create_engine, func, select

from models import Observation
from tests.support.processes import run_sharing, sharing_env


@pytest.fixture
def env(database_url, tmp_path):
    return sharing_env(database_url, tmp_path)


def test_help_is_everywhere(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/x.db", tmp_path)
    top = run_sharing("--help", env=env)
    assert top.returncode == 0
    for command in ("init", "demo", "serve", "check"):
        assert command in top.stdout
        assert run_sharing(command, "--help", env=env).returncode == 0


def test_init_demo_check_and_demo_again(env, database_url):
    check = run_sharing("check", env=env)
    assert check.returncode == 1 and "run `sharing init`" in check.stdout

    demo_too_early = run_sharing("demo", env=env)
    assert demo_too_early.returncode == 2 and "run `sharing init` first" in demo_too_early.stderr

    init = run_sharing("init", env=env)
    assert init.returncode == 0, init.stderr
    assert "8 reporting periods" in init.stdout
    assert run_sharing("init", env=env).returncode == 0  # upgrading a current database is a no-op

    first = run_sharing("demo", env=env)
    assert first.returncode == 0, first.stderr
    again = run_sharing("demo", env=env)
    assert "added 0 policy changes, 0 targets, 0 observations" in again.stdout

    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Observation)) > 300
    engine.dispose()
    check = run_sharing("check", env=env)
    assert check.returncode == 0 and "schema is current" in check.stdout


def test_an_unreachable_database_gives_one_sentence_with_the_password_masked(tmp_path):
    env = sharing_env("postgresql+psycopg://monitor:hunter2@127.0.0.1:1/sharing", tmp_path)
    for command in ("check", "init"):
        result = run_sharing(command, env=env)
        assert result.returncode == 2
        assert (
            "Cannot reach the database at postgresql+psycopg://monitor:***@127.0.0.1:1/sharing"
            in result.stderr
        )
        assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_a_bad_setting_is_named(tmp_path):
    env = sharing_env(f"sqlite:///{tmp_path}/x.db", tmp_path, SHARING_PROJECT_START="March 2023")
    result = run_sharing("check", env=env)
    assert result.returncode == 2
    assert "SHARING_PROJECT_START='March 2023' is not a date" in result.stderr


def test_periods_never_move_silently_when_the_start_changes(env):
    assert run_sharing("init", env=env).returncode == 0
    moved = run_sharing("init", env={**env, "SHARING_PROJECT_START": "2024-01-01"})
    assert moved.returncode == 2
    assert "SHARING_PROJECT_START" in moved.stderr
