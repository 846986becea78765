"""The catalogues stay complete: every text of the code is in every language's catalogue, translated,
not fuzzy, with the same placeholders as the English (a translated sentence missing ``{cell}`` would
lose where the problem is). Run ``python -m i18n.catalogue update`` after changing texts, then translate
the new entries."""

from __future__ import annotations

import pytest

from i18n.catalogue import TRANSLATED, placeholders, read_catalogue, source_messages

MESSAGES = source_messages()


@pytest.fixture(scope="module", params=TRANSLATED)
def catalogue(request):
    return read_catalogue(request.param)


def _key(message) -> str:
    return message[0] if isinstance(message, tuple) else message


def test_every_text_of_the_code_is_in_the_catalogue_and_translated(catalogue):
    missing, untranslated, fuzzy = [], [], []
    for message in MESSAGES:
        entry = catalogue.get(_key(message))
        if entry is None:
            missing.append(_key(message))
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else [entry.string]
        if not all(strings):
            untranslated.append(_key(message))
        if entry.fuzzy:
            fuzzy.append(_key(message))
    language = catalogue.locale.language
    assert not missing, f"{language}: run `python -m i18n.catalogue update`: {missing[:5]}"
    assert not untranslated, f"{language}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy (check, then clear the flag): {fuzzy[:5]}"


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        if not entry.id:
            continue
        english = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        expected = set().union(*(placeholders(text) for text in english))
        for text in strings:
            if text and placeholders(text) != expected:
                wrong.append((english[0][:60], sorted(placeholders(text)), sorted(expected)))
    assert not wrong, f"{catalogue.locale.language}: {wrong[:5]}"


def test_plural_forms_are_the_languages_own(catalogue):
    expected = {"fr": 2, "ro": 3, "hr": 3, "lv": 3}[catalogue.locale.language]
    assert catalogue.num_plurals == expected
    for entry in catalogue:
        if entry.pluralizable and entry.id:
            assert len(entry.string) == expected, entry.id
