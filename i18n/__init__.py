"""The partnership's five languages: every text people read goes through ``_()`` (or ``ngettext()``), which
looks it up in the current language's gettext catalogue.

- Catalogues are standard gettext ``.po`` files in ``i18n/locales/<lang>/LC_MESSAGES/messages.po`` (a
  translator corrects a sentence there without touching code; the key terms per language are fixed in
  ``i18n/GLOSSARY.md``). ``make`` compiles them to ``.mo`` when it installs the project; a ``.po`` newer
  than its ``.mo`` (or without one) is compiled in memory when first used, so a fresh checkout works too.
- The current language is a context variable: the web app sets it for each request (dashboard.language),
  the command line from ``--lang`` or the partner's language (``use_locale``). Two requests in different
  languages on the same worker each get their own.
- Texts defined at import time (page names, labels in constants) are marked with ``N_()`` and
  translated with ``_()`` when shown; sentences are whole, with named placeholders, never glued from
  fragments; plurals go through ``ngettext`` with each language's rules (Croatian and Latvian have three
  forms).
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = ("en", "fr", "ro", "hr", "lv")
DEFAULT_LANGUAGE = "en"
# Each language's name in itself, for the language switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ro": "Română",
    "hr": "Hrvatski",
    "lv": "Latviešu",
}
# The language a partner's country writes (a partner editor's default before the browser's).
COUNTRY_LANGUAGES = {"RO": "ro", "HR": "hr", "LV": "lv", "FR": "fr"}
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("sharing_language", default=DEFAULT_LANGUAGE)


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if compiled.exists() and (
        not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime
    ):
        with compiled.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    if not source.exists():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compile_catalogue(source)))


def compile_catalogue(source: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (Babel), leaving fuzzy entries out as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as stream:
        catalogue = read_po(stream, locale=source.parents[1].name)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def current_language() -> str:
    """The language texts are written in now (this request's, this command's)."""
    return _current.get()


def set_language(language: str | None):
    """Make ``language`` (one of LANGUAGES; anything else means English) the current one; returns a
    token for ``reset_language``."""
    return _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token) -> None:
    _current.reset(token)


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Within the block, texts are written in ``language`` (a template in the partner's language)."""
    token = set_language(language)
    try:
        yield current_language()
    finally:
        reset_language(token)


def _(message: str) -> str:
    """``message`` in the current language (the English source when it has no translation yet)."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` in the current language (HR and LV have three forms: the catalogue's
    Plural-Forms decides)."""
    return _translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogues without translating it: for texts defined at import time and
    translated with ``_()`` when shown."""
    return message


def page_title(text: str):
    """A page's title for ``dash.register_page``, translated each time a page is shown (Dash calls it
    with the page's path variables); the text is marked for the catalogues by the call."""

    def title(**_path_variables) -> str:
        return _(text)

    return title


def negotiate(accept_language: str | None) -> str | None:
    """The best of LANGUAGES for a browser's Accept-Language header, or None."""
    if not accept_language:
        return None
    wanted = []
    for part in accept_language.split(",")[:20]:
        tag, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        wanted.append((weight, tag.strip().lower()))
    for _weight, tag in sorted(wanted, key=lambda item: -item[0]):
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return None
