"""Keeping the gettext catalogues in step with the code (Babel): ``python -m i18n.catalogue update``
extracts every text people read and merges it into each language's ``.po`` (new texts arrive empty,
texts no longer used are dropped, translations are kept); ``python -m i18n.catalogue compile`` writes the
``.mo`` files (``make`` runs it at install). ``tests/unit/test_catalogues.py`` fails when a text is missing
from a catalogue, untranslated or fuzzy, or when a translation's placeholders differ from the English.

Texts come from three places: ``_()``, ``N_()`` and ``ngettext()`` calls in the code; the problem
templates of rules.messages (translated when rendered); and the auth templates' ``_()`` calls.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALES_DIR, compile_catalogue

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "cli",
    "dashboard",
    "i18n",
    "importers",
    "jobs",
    "models",
    "reports",
    "rules",
    "seed",
    "services",
    "workbooks",
)
KEYWORDS = {"_": None, "N_": None, "page_title": None, "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TRANSLATED = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)
# gettext's customary plural rules where they differ from Babel's CLDR data: CLDR gives French a third
# form for millions ("1 million de"), which no sentence of ours needs and translators do not expect.
GETTEXT_PLURALS = {"fr": (2, "(n > 1)")}


def source_messages() -> dict[str | tuple[str, str], list[tuple[str, int]]]:
    """Every text to translate (a string, or a (singular, plural) pair) with where it is used."""
    found: dict = {}
    for package in PACKAGES:
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=_methods(), keywords=KEYWORDS, comment_tags=()
        ):
            if message and message != ("", ""):
                found.setdefault(message, []).append((f"{package}/{filename}", line))
    from rules.messages import MESSAGES

    for code, template in MESSAGES.items():
        for text in template.values() if isinstance(template, dict) else [template]:
            found.setdefault(text, []).append((f"rules/messages.py:{code}", 0))
    return found


def _methods():
    try:
        import jinja2.ext  # noqa: F401  (Babel's jinja2 extractor needs Jinja, which Flask brings)

        return [(pattern, "jinja2.ext:babel_extract" if method == "jinja2" else method)
                for pattern, method in METHODS]  # fmt: skip
    except ImportError:
        return METHODS[:1]


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="SHARING Monitor")
    with path.open("rb") as stream:
        return read_po(stream, locale=language)


def update() -> None:
    """Merge the texts of the code into every language's catalogue, keeping translations."""
    messages = source_messages()
    for language in TRANSLATED:
        old = read_catalogue(language)
        new = Catalog(
            locale=language, domain=DOMAIN, project="SHARING Monitor",
            copyright_holder="SHARING Monitor contributors", charset="utf-8", fuzzy=False,
            last_translator="SHARING Monitor translators", language_team=language,
        )  # fmt: skip
        if language in GETTEXT_PLURALS:
            new._num_plurals, new._plural_expr = GETTEXT_PLURALS[language]
        for message, locations in messages.items():
            msgid = message
            previous = old.get(msgid[0] if isinstance(msgid, tuple) else msgid)
            string = (
                previous.string
                if previous is not None
                else ("", "")
                if isinstance(msgid, tuple)
                else ""
            )
            if isinstance(msgid, tuple) and not isinstance(string, tuple | list):
                string = ("",) * new.num_plurals
            elif isinstance(msgid, tuple) and len(string) < new.num_plurals:
                string = tuple(string) + ("",) * (new.num_plurals - len(string))
            flags = previous.flags if previous is not None else ()
            new.add(msgid, string, locations=locations[:3], flags=flags)
        path = catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            write_po(stream, new, width=100, sort_output=False, omit_header=False)


def compile_all() -> None:
    for language in TRANSLATED:
        source = catalogue_path(language)
        if source.exists():
            source.with_suffix(".mo").write_bytes(compile_catalogue(source))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        sys.exit("usage: python -m i18n.catalogue update|compile")
