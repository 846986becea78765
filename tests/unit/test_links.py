"""Evidence links as people type them (rules/links.py)."""

import pytest

from rules.links import Link, read_link


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("https://www.smiltene.lv/lemums-12", Link("https://www.smiltene.lv/lemums-12", False)),
        ("HTTP://Example.org/a", Link("HTTP://Example.org/a", False)),
        ("  www.smiltene.lv/lemums-12 ", Link("https://www.smiltene.lv/lemums-12", True)),
        ("www.smiltene.lv", Link("https://www.smiltene.lv", True)),
        ("WWW.Medjimurska-Zupanija.HR/odluka?id=7", Link("https://WWW.Medjimurska-Zupanija.HR/odluka?id=7", True)),
        ("smiltene.lv/lemums-12", Link("https://smiltene.lv/lemums-12", True)),
        ("legislatie.just.ro:8080/Public/DetaliiDocument/276600", Link("https://legislatie.just.ro:8080/Public/DetaliiDocument/276600", True)),
    ],
)  # fmt: skip
def test_a_web_address_is_read_with_its_scheme(typed, link):
    assert read_link(typed) == link


@pytest.mark.parametrize(
    "typed",
    [
        "", "www.example", "decision.pdf", "javascript:alert(1)", "ftp://files.example.org/a",
        "see the council's site", "www.smiltene.lv/two words", "mailto:x@example.org", "-bad.lv/x",
        "https://localhost",
    ],
)  # fmt: skip
def test_what_is_not_a_web_address_is_refused(typed):
    assert read_link(typed) is None
