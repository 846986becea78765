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


# --- the setup workbook ------------------------------------------------------------------------------
# The setup workbook's sheets and columns: the names the export writes (first) and how officers and
# partners may write them in English, French, Romanian, Croatian and Latvian.
SETUP_SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "Indicators": ("indicators", "indicateurs", "indicatori", "pokazatelji", "rādītāji"),
    "Targets": ("targets", "cibles", "valeurs cibles", "ținte", "valori țintă", "ciljevi", "ciljne vrijednosti", "mērķi", "mērķa vērtības"),
    "Milestones": ("milestones", "jalons", "etape intermediare", "repere", "međuciljevi", "ključne točke", "starpposma mērķi"),
    "Partners": ("partners", "partenaires", "parteneri", "partneri", "partneri"),
    "Periods": ("periods", "reporting periods", "périodes", "perioade", "perioade de raportare", "razdoblja", "izvještajna razdoblja", "periodi", "pārskata periodi"),
}  # fmt: skip
SETUP_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("code", "cod", "šifra", "oznaka", "kods", "kod"),
    "name": ("name", "nom", "intitulé", "denumire", "naziv", "nosaukums"),
    "unit": ("unit", "unité", "unitate", "unitate de măsură", "jedinica", "mjerna jedinica", "mērvienība"),
    "category": ("category", "catégorie", "categorie", "kategorija"),
    "value_kind": ("value_kind", "kind of value", "type de valeur", "tip de valoare", "vrsta vrijednosti", "vērtības veids"),
    "aggregation": ("aggregation", "agrégation", "agregare", "agregacija", "apkopošana"),
    "higher_is_better": ("higher_is_better", "higher is better", "plus c'est élevé, mieux c'est", "mai mare este mai bine", "veće je bolje", "lielāks ir labāks"),
    "eu_code": ("eu_code", "eu code", "code ue", "cod ue", "eu šifra", "es kods"),
    "display_order": ("display_order", "order", "ordre", "ordine", "redoslijed", "secība"),
    "description": ("description", "descriere", "opis", "apraksts"),
    "partner_code": ("partner_code", "partner", "partner code", "partenaire", "code partenaire", "partener", "cod partener", "šifra partnera", "partneris", "partnera kods"),
    "indicator_code": ("indicator_code", "indicator", "indicator code", "indicateur", "code indicateur", "cod indicator", "pokazatelj", "šifra pokazatelja", "rādītājs", "rādītāja kods"),
    "baseline_value": ("baseline_value", "baseline", "valeur de référence", "valoare de referință", "valoare de bază", "polazna vrijednost", "bāzes vērtība"),
    "baseline_date": ("baseline_date", "baseline date", "date de référence", "data de referință", "datum polazne vrijednosti", "bāzes datums"),
    "target_value": ("target_value", "target", "valeur cible", "cible", "valoare țintă", "țintă", "ciljna vrijednost", "cilj", "mērķa vērtība", "mērķis"),
    "period": ("period", "période", "perioadă", "perioada", "razdoblje", "periods"),
    "value": ("value", "milestone value", "valeur", "valoare", "vrijednost", "vērtība"),
    "short_name": ("short_name", "short name", "nom court", "denumire scurtă", "kratki naziv", "īsais nosaukums"),
    "country": ("country", "pays", "țară", "țara", "država", "valsts"),
    "nuts_code": ("nuts_code", "nuts code", "nuts", "code nuts", "cod nuts", "nuts šifra", "nuts kods"),
    "level": ("level", "niveau", "nivel", "razina", "līmenis"),
    "role": ("role", "rôle", "rol", "uloga", "loma"),
    "label": ("label", "period", "période", "perioadă", "perioada", "razdoblje", "periods"),
    "due_date": ("due_date", "report due", "due date", "échéance", "date limite", "termen", "termen de raportare", "rok", "rok za izvješće", "termiņš", "iesniegšanas termiņš"),
}  # fmt: skip


def setup_sheet(name: str) -> str | None:
    """The setup sheet a sheet name stands for ("Cibles" -> "Targets"), or None."""
    folded = fold(name)
    for sheet, names in SETUP_SHEET_NAMES.items():
        if folded in {fold(n) for n in names}:
            return sheet
    return None


def find_named_header(
    rows: Sequence[Sequence[object]], columns: Sequence[str], required: Sequence[str]
) -> tuple[int, dict[str, int]] | None:
    """(row index, column -> position) of the first row among the first 30 that names every column in
    ``required``, reading each header in any of the five languages (SETUP_COLUMN_NAMES)."""
    lookup = {fold(name): column for column in columns for name in SETUP_COLUMN_NAMES[column]}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                column = lookup.get(fold(cell).rstrip(":*").strip())
                if column:
                    found.setdefault(column, position)
        if all(column in found for column in required):
            return index, found
    return None
