from datetime import date

import pytest

from dashboard.settings import Settings, SettingsError


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
