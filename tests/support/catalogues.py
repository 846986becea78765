"""Stand-in gettext catalogues for tests that must see texts in another language before (or whatever)
the translators write: ``install(monkeypatch, {"fr": StandIn(...)})`` makes ``_()`` and ``ngettext()``
answer from them for those languages, the real catalogues for the others.

``TEMPLATE_WORDS`` holds, per language, what a translator would write for the words of the partner's
template that the importer reads back (sheet names, header cells, stage names), each chosen among the
names importers/headers.py and rules/stages.py accept: with them a template is truly French, Romanian,
Croatian or Latvian, and a test shows that such a template imports back.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping

import i18n

_PLACEHOLDER_OR_TEXT = re.compile(r"(\{[^{}]*\})|([^{}]+)")


class StandIn(gettext.NullTranslations):
    """A catalogue that answers ``words[message]`` for the messages it knows and ``rest(message)``
    (default: the English message) for the others."""

    def __init__(
        self, words: Mapping[str, str] | None = None, rest: Callable[[str], str] | None = None
    ):
        super().__init__()
        self.words, self.rest = dict(words or {}), rest

    def gettext(self, message: str) -> str:
        if message in self.words:
            return self.words[message]
        return self.rest(message) if self.rest else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def shouting(message: str) -> str:
    """``message`` in capitals, its {placeholders} untouched: a translation anyone can spot."""
    return _PLACEHOLDER_OR_TEXT.sub(lambda match: match.group(1) or match.group(2).upper(), message)


def install(monkeypatch, catalogues: Mapping[str, gettext.NullTranslations]) -> None:
    """Answer ``_()`` from ``catalogues`` for their languages until the test ends."""
    real = i18n._translations
    monkeypatch.setattr(
        i18n, "_translations", lambda language: catalogues.get(language) or real(language)
    )


TEMPLATE_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "Instructions": "Mode d'emploi", "Indicators": "Indicateurs",
        "Policy changes": "Changements de politique", "Lists": "Listes",
        "Partner": "Partenaire", "Code": "Code", "Indicator name": "Intitulé de l'indicateur",
        "Unit": "Unité", "Period": "Période", "Value": "Valeur", "Comment": "Commentaire",
        "Change id": "Code du changement", "Instrument": "Instrument de politique publique",
        "Title": "Titre", "Stage": "Étape", "Date": "Date", "Evidence URL": "URL de la preuve",
        "Note": "Remarque",
        "identified": "identifié", "proposed": "proposé", "submitted": "soumis",
        "adopted": "adopté", "implemented": "mis en œuvre", "validated": "validé",
        "abandoned": "abandonné",
    },
    "ro": {
        "Instructions": "Instrucțiuni", "Indicators": "Indicatori",
        "Policy changes": "Schimbări de politică", "Lists": "Liste",
        "Partner": "Partener", "Code": "Cod", "Indicator name": "Denumirea indicatorului",
        "Unit": "Unitate de măsură", "Period": "Perioada de raportare", "Value": "Valoare raportată",
        "Comment": "Comentarii", "Change id": "Cod schimbare", "Instrument": "Instrument de politică",
        "Title": "Titlu", "Stage": "Etapă", "Date": "Data", "Evidence URL": "Link dovadă",
        "Note": "Observații",
        "identified": "identificat", "proposed": "propus", "submitted": "depus",
        "adopted": "adoptat", "implemented": "implementat", "validated": "validat",
        "abandoned": "abandonat",
    },
    "hr": {
        "Instructions": "Upute", "Indicators": "Pokazatelji", "Policy changes": "Promjene politike",
        "Lists": "Popisi",
        "Partner": "Partner", "Code": "Šifra", "Indicator name": "Naziv pokazatelja",
        "Unit": "Mjerna jedinica", "Period": "Izvještajno razdoblje",
        "Value": "Ostvarena vrijednost", "Comment": "Komentar", "Change id": "Šifra promjene",
        "Instrument": "Instrument politike", "Title": "Naslov", "Stage": "Faza", "Date": "Datum",
        "Evidence URL": "Poveznica na dokaz", "Note": "Napomena",
        "identified": "identificiran", "proposed": "predložen", "submitted": "podnesen",
        "adopted": "usvojen", "implemented": "proveden", "validated": "potvrđen",
        "abandoned": "napušten",
    },
    "lv": {
        "Instructions": "Norādījumi", "Indicators": "Rādītāji", "Policy changes": "Politikas izmaiņas",
        "Lists": "Saraksti",
        "Partner": "Partneris", "Code": "Kods", "Indicator name": "Rādītāja nosaukums",
        "Unit": "Mērvienība", "Period": "Pārskata periods", "Value": "Vērtība",
        "Comment": "Komentārs", "Change id": "Izmaiņas kods", "Instrument": "Politikas instruments",
        "Title": "Izmaiņas nosaukums", "Stage": "Posms", "Date": "Datums",
        "Evidence URL": "Pierādījuma saite", "Note": "Piezīmes",
        "identified": "identificēts", "proposed": "ierosināts", "submitted": "iesniegts",
        "adopted": "pieņemts", "implemented": "īstenots", "validated": "apstiprināts",
        "abandoned": "atcelts",
    },
}  # fmt: skip


def template_words(monkeypatch) -> None:
    """Install TEMPLATE_WORDS for French, Romanian, Croatian and Latvian."""
    install(monkeypatch, {language: StandIn(words) for language, words in TEMPLATE_WORDS.items()})
