"""All configuration, read once from the environment into one immutable object.

Every variable is documented in README.md ("Configuration"); tests/unit/test_docs.py fails when one is not.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from models.database import database_url_from_env

DEFAULT_PROJECT_START = date(2023, 3, 1)
DEFAULT_MAX_UPLOAD_MB = 20


class SettingsError(ValueError):
    """A configuration value is unusable; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    project_start: date = DEFAULT_PROJECT_START
    instance_path: Path = field(default_factory=lambda: Path("instance"))
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, instance_path: Path | None = None):
        """Build settings from ``environ`` (default ``os.environ``); creates the instance folder."""
        env = os.environ if environ is None else environ
        instance = Path(instance_path or env.get("SHARING_INSTANCE_PATH") or "instance").resolve()
        instance.mkdir(parents=True, exist_ok=True)
        return cls(
            database_url=database_url_from_env({**env, "SHARING_INSTANCE_PATH": str(instance)}),
            secret_key=env.get("SECRET_KEY") or _stored_secret_key(instance),
            project_start=_parse_date("SHARING_PROJECT_START", env.get("SHARING_PROJECT_START")),
            instance_path=instance,
            max_upload_bytes=_parse_megabytes(env.get("SHARING_MAX_UPLOAD_MB")),
        )


def _stored_secret_key(instance: Path) -> str:
    """Generate the key once and keep it, so sessions survive restarts and workers agree."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _parse_date(name: str, raw: str | None) -> date:
    if not raw:
        return DEFAULT_PROJECT_START
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a date; write it as YYYY-MM-DD") from None


def _parse_megabytes(raw: str | None) -> int:
    if not raw:
        return DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1
    if megabytes <= 0:
        raise SettingsError(f"SHARING_MAX_UPLOAD_MB={raw!r} must be a positive number of megabytes")
    return int(megabytes * 1024 * 1024)
