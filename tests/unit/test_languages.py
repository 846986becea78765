"""The five languages: numbers, percentages and dates as each writes them, plural forms with each
language's rules, the choice of language per request, and the current language kept per context."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from dashboard.access import Actor
from dashboard.language import choose_language
from i18n import LANGUAGES, _, current_language, negotiate, ngettext, use_language
from rules.formatting import (
    format_date,
    format_number,
    format_percent,
    format_value,
    plotly_separators,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("language", "number", "percent", "day", "separators"),
    [
        ("en", f"1{NNBSP}234.5", "12.5 %", "31.12.2025", f".{NNBSP}"),
        ("fr", f"1{NNBSP}234,5", f"12,5{NNBSP}%", "31/12/2025", f",{NNBSP}"),
        ("ro", "1.234,5", "12,5%", "31.12.2025", ",."),
        ("hr", "1.234,5", "12,5%", "31.12.2025.", ",."),
        ("lv", f"1{NBSP}234,5", "12,5%", "31.12.2025.", f",{NBSP}"),
    ],
)
def test_numbers_percentages_and_dates_as_each_language_writes_them(
    language, number, percent, day, separators
):
    with use_language(language):
        assert format_number(1234.5) == number
        assert format_percent(12.5) == percent
        assert format_value(12.5, "percentage") == percent
        assert format_date(date(2025, 12, 31)) == day
        assert plotly_separators() == separators
        assert format_number(42.0) == "42"
    assert current_language() == "en"


def _forms(language: str, noun: str = "value") -> list[str]:
    with use_language(language):
        return [ngettext(f"{{n}} {noun}", f"{{n}} {noun}s", n).format(n=n) for n in (1, 2, 5, 21)]


def test_plural_forms_follow_each_languages_rules():
    """Croatian and Latvian have three forms; 21 takes the singular-like form in both."""
    assert _forms("en") == ["1 value", "2 values", "5 values", "21 values"]
    for language in ("fr", "ro", "hr", "lv"):
        forms = _forms(language)
        assert "value" not in " ".join(forms) or language == "en", (language, forms)
    # Croatian "vrijednost" has one form for 2 and 5 (vrijednosti); "pogreška" shows all three
    hr, lv = _forms("hr", "error"), _forms("lv")
    assert hr[0].split()[1] == hr[3].split()[1] != hr[1].split()[1]  # 1 and 21 alike, 2 not
    assert hr[1].split()[1] != hr[2].split()[1]  # 2 and 5 differ: three forms
    assert lv[0].split()[1] == lv[3].split()[1] != lv[2].split()[1]  # 1 and 21 alike, 5 not


def test_the_current_language_is_per_context():
    seen = {}

    def worker(language: str):
        with use_language(language):
            threading.Event().wait(0.05)
            seen[language] = (current_language(), _("Sign in"))

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in LANGUAGES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {lang: pair[0] for lang, pair in seen.items()} == {lang: lang for lang in LANGUAGES}
    assert len({pair[1] for pair in seen.values()}) == len(LANGUAGES)  # each its own words


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("de-DE,de;q=0.9,lv;q=0.8", "lv"),
        ("en-GB;q=0.2,hr;q=0.9", "hr"),
        ("de", None),
        ("", None),
        (None, None),
        ("ro;q=abc,fr", "fr"),
    ],
)
def test_the_browsers_languages_are_negotiated(header, expected):
    assert negotiate(header) == expected


def test_the_language_is_chosen_link_then_account_then_browser_then_partner():
    editor = Actor(name="anna", role="editor", partner_code="SMILTENE", partner_country="LV")
    assert choose_language(editor, None, None) == "lv"
    assert choose_language(editor, None, "fr,en;q=0.5") == "fr"
    with_setting = Actor(name="anna", role="editor", language="ro", partner_country="LV")
    assert choose_language(with_setting, None, "fr") == "ro"
    assert choose_language(with_setting, "hr", "fr") == "hr"
    assert choose_language(Actor(name="x", role="viewer"), "xx", "de") == "en"


def test_standard_units_are_translated_and_typed_units_stay_as_typed():
    from rules.units import unit_label

    with use_language("lv"):
        assert unit_label("services") == "pakalpojumi"
        assert unit_label("km of fibre") == "km of fibre"
        assert unit_label(None) is None
    assert unit_label("services") == "services"
