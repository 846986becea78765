"""The catalogues reach a running app however it was installed: ``make`` compiles the ``.mo`` files
(git ignores them), a checkout without them compiles the ``.po`` in memory, a ``.po`` edited after the
last compile wins over its stale ``.mo``, and a wheel or sdist carries the ``.po`` files."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

import i18n
from i18n import catalogue as catalogues

ROOT = Path(__file__).resolve().parents[2]


def _write_po(folder: Path, translation: str) -> Path:
    catalogue = Catalog(locale="fr", domain=i18n.DOMAIN)
    catalogue.add("Overview", translation)
    path = folder / "fr" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        write_po(stream, catalogue)
    return path


def _write_mo(po: Path, translation: str, mtime: float) -> None:
    catalogue = Catalog(locale="fr", domain=i18n.DOMAIN)
    catalogue.add("Overview", translation)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as stream:
        write_mo(stream, catalogue)
    po_time = po.stat().st_mtime
    os.utime(mo, (po_time + mtime, po_time + mtime))


@pytest.fixture
def locales(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(catalogues, "LOCALES_DIR", tmp_path)
    i18n._translations.cache_clear()
    yield tmp_path
    i18n._translations.cache_clear()


def _french(message: str) -> str:
    with i18n.use_language("fr"):
        return i18n._(message)


def test_without_a_mo_the_po_is_compiled_in_memory(locales):
    _write_po(locales, "Vue d'ensemble")
    assert _french("Overview") == "Vue d'ensemble"
    assert not list(locales.rglob("*.mo"))


def test_a_compiled_mo_is_used_and_a_newer_po_wins_over_it(locales):
    po = _write_po(locales, "Vue d'ensemble")
    _write_mo(po, "Depuis le .mo", mtime=+10)
    assert _french("Overview") == "Depuis le .mo"

    i18n._translations.cache_clear()
    _write_mo(po, "Depuis le .mo", mtime=-10)  # a translator edited the .po after the last compile
    assert _french("Overview") == "Vue d'ensemble"


def test_compile_writes_a_mo_beside_each_po(locales):
    po = _write_po(locales, "Vue d'ensemble")
    catalogues.compile_all()
    assert po.with_suffix(".mo").exists()
    assert _french("Overview") == "Vue d'ensemble"


def test_a_wheel_carries_the_catalogues_and_git_ignores_the_compiled_ones():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["i18n"]
    for po in (ROOT / "i18n" / "locales").glob("*/LC_MESSAGES/*.po"):
        relative = po.relative_to(ROOT / "i18n")
        assert any(relative.match(pattern) for pattern in patterns), relative
        assert any(relative.with_suffix(".mo").match(pattern) for pattern in patterns)
    assert "*.mo" in (ROOT / ".gitignore").read_text().split()
    assert "-m i18n.catalogue compile" in (ROOT / "Makefile").read_text()
