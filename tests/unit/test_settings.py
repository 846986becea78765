import re
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from dashboard.settings import Settings, SettingsError, _stored_secret_key


def test_defaults_use_sqlite_in_the_instance_folder_and_keep_the_generated_key(tmp_path):
    first = Settings.from_env({}, instance_path=tmp_path)
    assert first.database_url == f"sqlite:///{tmp_path / 'sharing.db'}"
    assert first.project_start == date(2023, 3, 1)
    assert len(first.secret_key) == 64
    assert Settings.from_env({}, instance_path=tmp_path).secret_key == first.secret_key
    assert first.max_upload_bytes == 20 * 1024 * 1024


def test_values_come_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://u:p@db/sharing",
            "SECRET_KEY": "s3cret",
            "SHARING_PROJECT_START": "2024-01-01",
            "SHARING_MAX_UPLOAD_MB": "5",
        },
        instance_path=tmp_path,
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db/sharing"
    assert settings.secret_key == "s3cret"
    assert settings.project_start == date(2024, 1, 1)
    assert settings.max_upload_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SHARING_PROJECT_START", "01/03/2023", "SHARING_PROJECT_START='01/03/2023' is not a date"),
        ("SHARING_MAX_UPLOAD_MB", "lots", "SHARING_MAX_UPLOAD_MB='lots' must be a positive number"),
        ("SHARING_MAX_UPLOAD_MB", "0", "must be a positive number"),
    ],
)
def test_bad_values_name_the_variable(tmp_path, name, value, expected):
    with pytest.raises(SettingsError, match=expected):
        Settings.from_env({name: value}, instance_path=tmp_path)


def test_storage_budget_defaults_and_values(tmp_path):
    defaults = Settings.from_env({}, instance_path=tmp_path)
    assert (defaults.keep_dry_runs_days, defaults.storage_quota_bytes) == (30, 2000 * 1024 * 1024)
    chosen = Settings.from_env(
        {"SHARING_KEEP_DRY_RUNS_DAYS": "0", "SHARING_STORAGE_QUOTA_MB": "0.5"},
        instance_path=tmp_path,
    )
    assert (chosen.keep_dry_runs_days, chosen.storage_quota_bytes) == (0, 512 * 1024)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "SHARING_KEEP_DRY_RUNS_DAYS",
            "a month",
            "SHARING_KEEP_DRY_RUNS_DAYS='a month' must be a whole",
        ),
        ("SHARING_KEEP_DRY_RUNS_DAYS", "-1", "from 0 to 36500"),
        ("SHARING_KEEP_DRY_RUNS_DAYS", "7.5", "whole number of days"),
        ("SHARING_KEEP_DRY_RUNS_DAYS", "99999999", "from 0 to 36500"),
        ("SHARING_STORAGE_QUOTA_MB", "lots", "SHARING_STORAGE_QUOTA_MB='lots' must be a positive"),
        ("SHARING_STORAGE_QUOTA_MB", "0", "must be a positive number of megabytes"),
        ("SHARING_STORAGE_QUOTA_MB", "inf", "must be a positive number of megabytes"),
        ("SHARING_MAX_UPLOAD_MB", "nan", "SHARING_MAX_UPLOAD_MB='nan' must be a positive"),
    ],
)
def test_bad_storage_values_name_the_variable(tmp_path, name, value, expected):
    with pytest.raises(SettingsError, match=re.escape(expected)):
        Settings.from_env({name: value}, instance_path=tmp_path)


def test_the_instance_folder_and_the_key_are_private_from_the_start(tmp_path):
    instance = tmp_path / "deploy" / "instance"
    settings = Settings.from_env({}, instance_path=instance)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == settings.secret_key


def test_a_key_another_worker_wrote_is_read_not_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("written-by-the-other-worker\n")
    assert Settings.from_env({}, instance_path=tmp_path).secret_key == "written-by-the-other-worker"


def test_workers_starting_together_agree_on_the_key(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: _stored_secret_key(tmp_path), range(32)))
    assert len(keys) == 1 and len(keys.pop()) == 64
