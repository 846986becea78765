"""Finding the header row and knowing what each column holds, in the partners' five languages.

Names are compared folded (case, accents and spacing ignored), so "Période", "PERIODE" and "période " match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rules.cells import CellError, PeriodLike, fold, parse_period

HEADER_SEARCH_ROWS = 30

# Spelled as partners write them; ``fold`` takes the accents off for matching. English, French, Romanian,
# Croatian, Latvian.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "indicator": (
        "indicator", "indicator code", "code", "indicator id", "kpi",
        "indicateur", "code indicateur", "code de l'indicateur",
        "cod indicator", "cod", "indicatorul",
        "pokazatelj", "šifra pokazatelja", "šifra", "oznaka pokazatelja",
        "rādītājs", "rādītāja kods", "kods",
    ),
    "indicator_name": (
        "indicator name", "name", "nom", "nom de l'indicateur", "libellé", "intitulé",
        "denumire", "denumire indicator", "denumirea indicatorului",
        "naziv", "naziv pokazatelja",
        "nosaukums", "rādītāja nosaukums",
    ),
    "period": (
        "period", "reporting period", "semester",
        "période", "période de rapport", "semestre",
        "perioadă", "perioada", "perioada de raportare", "semestru", "semestrul",
        "razdoblje", "izvještajno razdoblje", "semestar",
        "periods", "pārskata periods", "semestris",
    ),
    "value": (
        "value", "value reported", "achieved", "actual",
        "valeur", "valeur réalisée", "réalisé",
        "valoare", "valoare realizată", "realizat",
        "vrijednost", "ostvarena vrijednost", "ostvareno",
        "vērtība", "faktiskā vērtība", "sasniegtā vērtība",
    ),
    "partner": (
        "partner", "partner code", "partner name",
        "partenaire", "code partenaire",
        "partener", "cod partener",
        "partner (hr)", "šifra partnera",
        "partneris", "partnera kods",
    ),
    "comment": (
        "comment", "comments", "note", "notes", "remark",
        "commentaire", "commentaires", "remarque", "observations",
        "comentariu", "comentarii", "observații", "observatii", "mențiuni",
        "komentar", "napomena", "primjedba",
        "komentārs", "komentāri", "piezīmes",
    ),
    "unit": (
        "unit", "unité", "unitate", "unitate de măsură", "jedinica", "mjerna jedinica",
        "mērvienība", "vienība",
    ),
    # Policy changes sheet
    "change": (
        "change id", "change", "change code", "policy change",
        "changement", "code du changement", "id changement",
        "schimbare", "cod schimbare", "id schimbare",
        "promjena", "šifra promjene", "id promjene",
        "izmaiņa", "izmaiņas kods", "izmaiņas id",
    ),
    "stage": ("stage", "étape", "stade", "etapă", "etapa", "faza", "stadij", "posms", "stadija"),
    "date": ("date", "data", "datum", "datums", "stage date", "date de l'étape"),
    "evidence_url": (
        "evidence url", "evidence", "evidence link", "url", "link",
        "preuve", "lien", "url de la preuve",
        "dovadă", "dovada", "link dovadă",
        "dokaz", "poveznica", "poveznica na dokaz",
        "pierādījums", "saite", "pierādījuma saite",
    ),
    "instrument": ("instrument", "policy instrument", "instrument politique", "instrument de politică", "instrument politike", "politikas instruments"),
    "title": ("title", "titre", "titlu", "naslov", "nosaukums izmaiņai"),
}  # fmt: skip

_ROLE_OF_NAME: dict[str, str] = {}
for _role, _names in COLUMN_NAMES.items():
    for _name in _names:
        _ROLE_OF_NAME.setdefault(fold(_name), _role)

# Unfolded spellings, lower case: an encoding that turns them into mojibake is the wrong one (reading.py).
ACCENTED_HEADER_WORDS = frozenset(
    name for names in COLUMN_NAMES.values() for name in names if not name.isascii()
)


def column_role(header: object) -> str | None:
    """The role a header cell names ("indicator", "period", "value"...), or None."""
    if not isinstance(header, str):
        return None
    folded = fold(header).rstrip(":*").strip()
    return _ROLE_OF_NAME.get(folded) or _ROLE_OF_NAME.get(folded.split(" (")[0])


@dataclass
class HeaderRow:
    """Where the header is and which column holds what; ``period_columns`` is set for the wide layout."""

    row_index: int  # 0-based, in the sheet's coordinates
    columns: dict[str, int]  # role -> 0-based column index
    # Wide layout: column index -> period number, or the CellError of a header that names no single period.
    period_columns: dict[int, int | CellError] = field(default_factory=dict)
    kind: str = "observations"  # or "policy-changes"
    cells: list[object] = field(default_factory=list)  # the header row itself (wide layout)

    @property
    def is_wide(self) -> bool:
        return bool(self.period_columns)


def find_header(
    rows: Sequence[Sequence[object]], periods: Sequence[PeriodLike]
) -> HeaderRow | None:
    """The first row, among the first 30, that names the columns of a long, wide or policy-changes table.

    Long: an indicator (code or name) column, a period column and a value column. Wide: an indicator
    column and at least one column whose header names a period ("P1", "S2", "01.03.2023-31.08.2023"...).
    Policy changes: a change-id column and a stage column.
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        period_columns: dict[int, int | CellError] = {}
        for position, cell in enumerate(row):
            role = column_role(cell)
            if role:
                columns.setdefault(role, position)
            elif isinstance(cell, str) and cell.strip():
                # Only text headers: a number in a header row is more likely a stray value.
                try:
                    period_columns[position] = parse_period(cell, periods)
                except CellError as problem:
                    # "P9" or "2024-S1" over a period's values: reported, never silently skipped.
                    if problem.code == "ambiguous-period" or problem.names_a_period:
                        period_columns[position] = problem
        if "change" in columns and "stage" in columns:
            return HeaderRow(index, columns, kind="policy-changes")
        has_indicator = "indicator" in columns or "indicator_name" in columns
        if has_indicator and "period" in columns and "value" in columns:
            return HeaderRow(index, columns)
        if has_indicator and period_columns and "period" not in columns:
            return HeaderRow(index, columns, period_columns, cells=list(row))
    return None
