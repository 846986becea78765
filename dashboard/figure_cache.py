"""A cache, shared by every worker, for the expensive aggregates and figures of the overview, the indicator
pages and /instruments.

Files under ``<instance>/cache`` by default (every gunicorn worker of one machine reads them), Redis when
``REDIS_URL`` is set (several machines). An entry's key holds everything its value depends on: the
request's language, the viewer's role and partner (what they may see, their submitted values), the day,
the arguments, and the data version of what it shows (dashboard/queries/data_version.py). A change made
through the services records an audit event, which moves the version: the next request computes afresh
under a new key, and the old entries age out. Nothing is ever invalidated, so no worker can miss it.

The cache is an optimisation only: an entry that cannot be read, belongs to another key or fails to
unpickle is a miss (and is removed); a cache server that is down means every request computes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection
from datetime import date
from typing import TypeVar

from flask import Flask, current_app
from flask_caching import Cache
from sqlalchemy.orm import Session

from dashboard.access import current_actor
from dashboard.queries.data_version import data_version
from dashboard.settings import Settings
from i18n import current_language

T = TypeVar("T")
EXTENSION_KEY = "sharing-figure-cache"
CACHE_FOLDER = "cache"
KEY_PREFIX = "sharing-monitor:"
# Past this many entry files, cachelib removes expired ones, then the oldest.
FILE_THRESHOLD = 5000
# Bump when what an entry holds changes shape, so a deployment never reads the previous one's entries.
FORMAT = 1
log = logging.getLogger(__name__)


def cache_config(settings: Settings) -> dict:
    """Flask-Caching's configuration for ``settings``."""
    if settings.cache_seconds == 0:
        return {"CACHE_TYPE": "NullCache"}
    common = {"CACHE_DEFAULT_TIMEOUT": settings.cache_seconds, "CACHE_KEY_PREFIX": KEY_PREFIX}
    if settings.redis_url:
        return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url}
    return {
        **common,
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.instance_path / CACHE_FOLDER),
        "CACHE_THRESHOLD": FILE_THRESHOLD,
    }


def install(server: Flask, settings: Settings) -> None:
    cache = Cache()
    cache.init_app(server, config=cache_config(settings))
    server.extensions[EXTENSION_KEY] = cache


def clear(settings: Settings) -> None:
    """Empty the cache (after a load that bypassed the services, such as ``sharing demo``)."""
    server = Flask(__name__)
    install(server, settings)
    with server.app_context():
        server.extensions[EXTENSION_KEY].clear()


def remember(
    session: Session,
    name: str,
    arguments: object,
    compute: Callable[[], T],
    *,
    actions: Collection[str],
    partner_codes: Collection[str] | None,
) -> T:
    """``compute()``, or what it returned for the same key before.

    ``arguments``: everything the result depends on besides the data, the language, the viewer and the
    day (filters, the partners and view chosen); its ``repr`` is part of the key. ``actions`` and
    ``partner_codes``: the changes the result depends on (data_version).
    """
    version = data_version(session, actions, partner_codes)
    if version is None:
        return compute()
    actor = current_actor()
    description = repr(
        (FORMAT, name, version, current_language(), actor.role, actor.partner_code,
         date.today().isoformat(), arguments)
    )  # fmt: skip
    key = name + ":" + hashlib.sha256(description.encode()).hexdigest()
    cache: Cache = current_app.extensions[EXTENSION_KEY]
    found = _read(cache, key, description)
    if found is not None:
        return found[0]
    value = compute()
    try:
        cache.set(key, (description, value))
    except Exception:  # a full disk or an unreachable Redis costs speed, not the page
        log.warning("figure cache: could not store %s", name, exc_info=True)
    return value


def _read(cache: Cache, key: str, description: str) -> tuple | None:
    """(value,) when the entry is there and is the one for ``description``; else None."""
    try:
        entry = cache.get(key)
    except Exception:
        log.warning("figure cache: unreadable entry %s, removed", key, exc_info=True)
        _forget(cache, key)
        return None
    if entry is None:
        return None
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == description):
        log.warning("figure cache: entry %s is not what its key describes, removed", key)
        _forget(cache, key)
        return None
    return (entry[1],)


def _forget(cache: Cache, key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        log.warning("figure cache: could not remove %s", key, exc_info=True)
