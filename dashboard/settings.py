"""All configuration, read once from the environment into one immutable object.

Every variable is documented in README.md ("Configuration"); tests/unit/test_docs.py fails when one is not.
"""

from __future__ import annotations

import math
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from models.database import database_url_from_env

DEFAULT_PROJECT_START = date(2023, 3, 1)
DEFAULT_MAX_UPLOAD_MB = 20
# Files larger than this are checked and imported by a background worker (jobs/): a 1 MB workbook holds
# some 50,000 values in the long layout (a dry run of several seconds); a partner's semester sheet is some
# 20 kB.
DEFAULT_BACKGROUND_MB = 1
DEFAULT_KEEP_DRY_RUNS_DAYS = 30
MAX_KEEP_DAYS = 36_500  # a century: "keep them", without dates before year 1
DEFAULT_STORAGE_QUOTA_MB = 2000
MEGABYTE = 1024 * 1024
DEFAULT_IDLE_MINUTES = 60
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8050"
DEFAULT_CACHE_SECONDS = 24 * 3600
MAX_CACHE_SECONDS = 30 * 24 * 3600
COOKIE_SECURE_CHOICES = ("auto", "always", "never")


class SettingsError(ValueError):
    """A configuration value is unusable; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    project_start: date = DEFAULT_PROJECT_START
    instance_path: Path = field(default_factory=lambda: Path("instance"))
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * MEGABYTE
    background_bytes: int = DEFAULT_BACKGROUND_MB * MEGABYTE
    # Dry runs never imported, and refused files, keep their bytes this long (``sharing prune``).
    keep_dry_runs_days: int = DEFAULT_KEEP_DRY_RUNS_DAYS
    # Every stored file counts toward it; a file that would go over it is refused.
    storage_quota_bytes: int = DEFAULT_STORAGE_QUOTA_MB * MEGABYTE
    # A signed-in browser left alone this long is signed out (the meeting room's shared screen).
    session_idle_minutes: int = DEFAULT_IDLE_MINUTES
    # "auto": the session cookie is Secure when the request came over HTTPS (directly or, with
    # trusted_proxies, as the proxy says); "always" / "never" force it.
    cookie_secure: str = "auto"
    # How many reverse proxies in front of the app may be believed about the client's address and
    # scheme (X-Forwarded-For / -Proto / -Host). 0: none (the app is reached directly).
    trusted_proxies: int = 0
    # The address people open the dashboard at: links made on the command line (set-password, share).
    public_url: str = DEFAULT_PUBLIC_URL
    # Single sign-on through OpenID Connect: all three set, or none (dashboard/auth/oidc.py).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_label: str = "single sign-on"
    # The figure cache (dashboard/figure_cache.py): Redis when set, else files under the instance folder.
    redis_url: str | None = None
    # How long a cached figure or aggregate is kept at most (entries are keyed by data version, so this
    # only bounds what a change outside the services could leave behind); 0 turns the cache off.
    cache_seconds: int = DEFAULT_CACHE_SECONDS

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, instance_path: Path | None = None):
        """Build settings from ``environ`` (default ``os.environ``); creates the instance folder (mode
        0700: it holds the database and the secret key) when it does not exist."""
        env = os.environ if environ is None else environ
        instance = Path(instance_path or env.get("SHARING_INSTANCE_PATH") or "instance").resolve()
        # Parents get the usual permissions; an existing folder keeps the ones its owner gave it.
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(
            database_url=database_url_from_env({**env, "SHARING_INSTANCE_PATH": str(instance)}),
            secret_key=env.get("SECRET_KEY") or _stored_secret_key(instance),
            project_start=_parse_date("SHARING_PROJECT_START", env.get("SHARING_PROJECT_START")),
            instance_path=instance,
            max_upload_bytes=_parse_megabytes(
                "SHARING_MAX_UPLOAD_MB", env.get("SHARING_MAX_UPLOAD_MB"), DEFAULT_MAX_UPLOAD_MB
            ),
            keep_dry_runs_days=_parse_days(
                "SHARING_KEEP_DRY_RUNS_DAYS", env.get("SHARING_KEEP_DRY_RUNS_DAYS")
            ),
            background_bytes=_parse_megabytes(
                "SHARING_BACKGROUND_MB", env.get("SHARING_BACKGROUND_MB"), DEFAULT_BACKGROUND_MB
            ),
            storage_quota_bytes=_parse_megabytes(
                "SHARING_STORAGE_QUOTA_MB",
                env.get("SHARING_STORAGE_QUOTA_MB"),
                DEFAULT_STORAGE_QUOTA_MB,
            ),
            session_idle_minutes=_parse_whole(
                "SHARING_SESSION_IDLE_MINUTES", env.get("SHARING_SESSION_IDLE_MINUTES"),
                DEFAULT_IDLE_MINUTES, low=1, high=24 * 60,
            ),
            cookie_secure=_parse_choice(
                "SHARING_COOKIE_SECURE", env.get("SHARING_COOKIE_SECURE"), COOKIE_SECURE_CHOICES
            ),
            trusted_proxies=_parse_whole(
                "SHARING_TRUSTED_PROXIES", env.get("SHARING_TRUSTED_PROXIES"), 0, low=0, high=5
            ),
            public_url=_parse_url("SHARING_PUBLIC_URL", env.get("SHARING_PUBLIC_URL")),
            redis_url=_parse_redis_url("REDIS_URL", env.get("REDIS_URL")),
            cache_seconds=_parse_whole(
                "SHARING_CACHE_SECONDS", env.get("SHARING_CACHE_SECONDS"), DEFAULT_CACHE_SECONDS,
                low=0, high=MAX_CACHE_SECONDS,
            ),
            **_oidc_settings(env),
        )  # fmt: skip


# How long a worker waits for the key another worker is writing at the same moment (it takes microseconds).
_KEY_WAIT_SECONDS = 2.0


def _stored_secret_key(instance: Path) -> str:
    """Generate the key once and keep it, so sessions survive restarts and workers agree.

    The file is created readable by the owner only from the start (never world-readable, even for a
    moment), and exclusively: when two workers start at once, one writes the key and the other reads it.
    """
    key_file = instance / "secret_key"
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(key_file)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(secrets.token_hex(32))
    return _read_key(key_file)


def _read_key(key_file: Path) -> str:
    deadline = time.monotonic() + _KEY_WAIT_SECONDS
    while not (key := key_file.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.01)  # created by another worker that has not written it yet
    if not key:
        raise SettingsError(f"{key_file} is empty; delete it (a new key is made) or set SECRET_KEY")
    return key


def _parse_date(name: str, raw: str | None) -> date:
    if not raw:
        return DEFAULT_PROJECT_START
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a date; write it as YYYY-MM-DD") from None


def _parse_megabytes(name: str, raw: str | None, default: float) -> int:
    if not raw:
        return int(default * MEGABYTE)
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1
    if not 0 < megabytes < math.inf:
        raise SettingsError(f"{name}={raw!r} must be a positive number of megabytes")
    return int(megabytes * MEGABYTE)


def _parse_days(name: str, raw: str | None) -> int:
    if not raw:
        return DEFAULT_KEEP_DRY_RUNS_DAYS
    try:
        days = int(raw.strip())
    except ValueError:
        days = -1
    if not 0 <= days <= MAX_KEEP_DAYS:
        raise SettingsError(
            f"{name}={raw!r} must be a whole number of days from 0 to {MAX_KEEP_DAYS} "
            "(0 prunes every dry run at once)"
        )
    return days


def _parse_whole(name: str, raw: str | None, default: int, *, low: int, high: int) -> int:
    if not raw:
        return default
    try:
        number = int(raw.strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise SettingsError(f"{name}={raw!r} must be a whole number from {low} to {high}")
    return number


def _parse_choice(name: str, raw: str | None, choices: tuple[str, ...]) -> str:
    if not raw:
        return choices[0]
    value = raw.strip().lower()
    if value not in choices:
        raise SettingsError(f"{name}={raw!r} must be one of {', '.join(choices)}")
    return value


def _parse_url(name: str, raw: str | None) -> str:
    if not raw:
        return DEFAULT_PUBLIC_URL
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise SettingsError(f"{name}={raw!r} must be an http:// or https:// address")
    return url


def _parse_redis_url(name: str, raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    url = raw.strip()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"{name} must be a redis://, rediss:// or unix:// address")
    return url


def _oidc_settings(env) -> dict:
    names = ("SHARING_OIDC_ISSUER", "SHARING_OIDC_CLIENT_ID", "SHARING_OIDC_CLIENT_SECRET")
    values = [(env.get(name) or "").strip() for name in names]
    if any(values) and not all(values):
        missing = ", ".join(name for name, value in zip(names, values, strict=True) if not value)
        raise SettingsError(f"Single sign-on needs {', '.join(names)}; {missing} is not set")
    if not all(values):
        return {}
    issuer = _parse_url("SHARING_OIDC_ISSUER", values[0])
    return {
        "oidc_issuer": issuer,
        "oidc_client_id": values[1],
        "oidc_client_secret": values[2],
        "oidc_label": (env.get("SHARING_OIDC_LABEL") or "single sign-on").strip()[:60],
    }
