"""Finding the header row and knowing what each column holds, in the partners' five languages.

Names are compared folded (case, accents and spacing ignored), so "Période", "PERIODE" and "période " match.
The workbooks we write (the template, the setup workbook) translate their headers with ``_()``; every
translation must be a name listed here for its column, so a workbook written in any language imports
back: tests/unit/test_workbook_languages.py checks each catalogue (a translator adds the word here when
the test names it).
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
        "indicator", "indicator code", "code", "indicator id", "kpi", "indicator ref", "indicator no",
        "indicateur", "code indicateur", "code de l'indicateur", "identifiant",
        "réf. indicateur", "n° indicateur",
        "cod indicator", "cod", "indicatorul", "codul indicatorului", "cod indicator de program",
        "pokazatelj", "šifra pokazatelja", "šifra", "oznaka pokazatelja", "kod pokazatelja",
        "oznaka", "id pokazatelja",
        "rādītājs", "rādītāja kods", "kods", "rādītāja numurs",
    ),
    "indicator_name": (
        "indicator name", "name", "name of indicator", "indicator title", "indicator description",
        "nom", "nom de l'indicateur", "libellé", "intitulé", "libellé de l'indicateur",
        "intitulé de l'indicateur",
        "denumire", "denumire indicator", "denumirea indicatorului", "indicator (denumire)",
        "naziv", "naziv pokazatelja", "opis pokazatelja",
        "nosaukums", "rādītāja nosaukums", "rādītāja apraksts",
    ),
    "period": (
        "period", "reporting period", "semester", "period covered", "reporting semester",
        "période", "période de rapport", "semestre", "période de référence", "période concernée",
        "période de reporting", "période de rapportage",
        "perioadă", "perioada", "perioada de raportare", "semestru", "semestrul",
        "perioada raportării", "perioadă de raportare", "perioada de referință", "semestrul de raportare",
        "razdoblje", "izvještajno razdoblje", "semestar", "razdoblje izvještavanja",
        "razdoblje izvješćivanja", "izvještajni period", "period izvještavanja",
        "periods", "pārskata periods", "semestris", "pārskata posms", "pārskata semestris",
        "periods, par kuru ziņo",
    ),
    "value": (
        "value", "value reported", "achieved", "actual", "achieved value", "reported value",
        "actual value", "value achieved", "realised value", "realized value", "result", "achievement",
        "current value",
        "valeur", "valeur réalisée", "réalisé", "valeur atteinte", "valeur obtenue",
        "valeur déclarée", "valeur constatée", "réalisation", "résultat", "valeur actuelle",
        "valoare", "valoare realizată", "realizat", "valoare raportată", "valoare atinsă",
        "valoare obținută", "valoare efectivă", "valoarea indicatorului", "rezultat",
        "valoare curentă",
        "vrijednost", "ostvarena vrijednost", "ostvareno", "vrijednost pokazatelja",
        "postignuta vrijednost", "ostvarenje", "izvještajna vrijednost", "trenutna vrijednost",
        "vērtība", "faktiskā vērtība", "sasniegtā vērtība", "rādītāja vērtība", "rezultāts",
        "sasniegts", "izpilde", "faktiski",
    ),
    "partner": (
        "partner", "partner code", "partner name", "project partner", "partner organisation",
        "partenaire", "code partenaire", "partenaire du projet",
        "partener", "cod partener", "partener de proiect",
        "partner (hr)", "šifra partnera", "partner na projektu",
        "partneris", "partnera kods", "projekta partneris",
    ),
    "comment": (
        "comment", "comments", "note", "notes", "remark", "remarks", "explanation",
        "commentaire", "commentaires", "remarque", "observations", "explication", "justification",
        "comentariu", "comentarii", "observații", "observatii", "mențiuni", "explicație",
        "justificare",
        "komentar", "napomena", "primjedba", "obrazloženje", "pojašnjenje", "napomene",
        "komentārs", "komentāri", "piezīmes", "skaidrojums", "paskaidrojums", "piezīme",
    ),
    "unit": (
        "unit", "unit of measure", "unité", "unité de mesure", "unitate", "unitate de măsură", "u.m.",
        "jedinica", "mjerna jedinica", "jedinica mjere", "mērvienība", "vienība",
    ),
    # Policy changes sheet
    "change": (
        "change id", "change", "change code", "policy change",
        "changement", "code du changement", "id changement", "modification", "code de la modification",
        "schimbare", "cod schimbare", "id schimbare", "modificare", "cod modificare", "id modificare",
        "promjena", "šifra promjene", "id promjene",
        "izmaiņa", "izmaiņas kods", "izmaiņas id",
    ),
    "stage": ("stage", "étape", "stade", "etapă", "etapa", "faza", "stadij", "posms", "stadija"),
    "date": ("date", "data", "datum", "datums", "stage date", "date de l'étape"),
    "evidence_url": (
        "evidence url", "evidence", "evidence link", "url", "link",
        "preuve", "lien", "url de la preuve", "justificatif", "lien vers le justificatif", "url du justificatif",
        "dovadă", "dovada", "link dovadă",
        "dokaz", "poveznica", "poveznica na dokaz",
        "pierādījums", "saite", "pierādījuma saite",
    ),
    "instrument": ("instrument", "policy instrument", "instrument politique", "instrument de politique", "instrument de politique publique", "instrument de politică", "instrument politike", "politikas instruments"),
    "title": ("title", "titre", "titlu", "naslov", "nosaukums izmaiņai", "izmaiņas nosaukums"),
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
    # Wide layout with a comment column per period: period column -> its comment column.
    comment_columns: dict[int, int] = field(default_factory=dict)

    @property
    def is_wide(self) -> bool:
        return bool(self.period_columns)


@dataclass
class IncompleteHeader:
    """A row naming two of the three columns a long table needs (indicator, period, value)."""

    row_index: int
    missing: str  # "indicator", "period" or "value"
    found: dict[str, tuple[int, str]]  # role -> (column, the header as written)


@dataclass
class _RowScan:
    columns: dict[str, int] = field(default_factory=dict)
    period_columns: dict[int, int | CellError] = field(default_factory=dict)
    comment_positions: list[int] = field(default_factory=list)
    comments_of_periods: dict[int, int] = field(default_factory=dict)  # period number -> column


def _scan_row(row: Sequence[object], periods: Sequence[PeriodLike]) -> _RowScan:
    scan = _RowScan()
    for position, cell in enumerate(row):
        role = column_role(cell)
        if role:
            scan.columns.setdefault(role, position)
            if role == "comment":
                scan.comment_positions.append(position)
        elif isinstance(cell, str) and cell.strip():
            # Only text headers: a number in a header row is more likely a stray value.
            try:
                scan.period_columns[position] = parse_period(cell, periods)
            except CellError as problem:
                # "P9" or "2024-S1" over a period's values: reported, never silently skipped.
                if problem.code == "ambiguous-period" or problem.names_a_period:
                    scan.period_columns[position] = problem
                else:
                    number = _period_of_comment(cell, periods)
                    if number is not None:
                        scan.comments_of_periods.setdefault(number, position)
    return scan


def _period_of_comment(cell: str, periods: Sequence[PeriodLike]) -> int | None:
    """The period a per-period comment header names ("Comment P1", "P1 comment", "Komentar - S2")."""
    words = fold(cell).replace(":", " ").replace("-", " ").split()
    for size in (2, 1):
        for name, rest in ((words[:size], words[size:]), (words[-size:], words[:-size])):
            if rest and _ROLE_OF_NAME.get(" ".join(name)) == "comment":
                try:
                    return parse_period(" ".join(rest), periods)
                except CellError:
                    continue
    return None


def _comment_columns(scan: _RowScan) -> dict[int, int]:
    """Period column -> comment column, when the layout has a comment column per period: headers that
    name their period, or several comment columns each right after a period column. One comment column
    is the row's, not the last period's."""
    numbered = {c: p for c, p in scan.period_columns.items() if isinstance(p, int)}
    if scan.comments_of_periods:
        return {
            column: scan.comments_of_periods[number]
            for column, number in numbered.items()
            if number in scan.comments_of_periods
        }
    if len(scan.comment_positions) < 2:
        return {}
    return {column: column + 1 for column in numbered if column + 1 in scan.comment_positions}


def find_header(
    rows: Sequence[Sequence[object]], periods: Sequence[PeriodLike]
) -> HeaderRow | None:
    """The first row, among the first 30, that names the columns of a long, wide or policy-changes table.

    Long: an indicator (code or name) column, a period column and a value column. Wide: an indicator
    column and at least one column whose header names a period ("P1", "S2", "01.03.2023-31.08.2023"...).
    Policy changes: a change-id column and a stage column.
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        scan = _scan_row(row, periods)
        columns, period_columns = scan.columns, scan.period_columns
        if "change" in columns and "stage" in columns:
            return HeaderRow(index, columns, kind="policy-changes")
        has_indicator = "indicator" in columns or "indicator_name" in columns
        if has_indicator and "period" in columns and "value" in columns:
            return HeaderRow(index, columns)
        if has_indicator and period_columns and "period" not in columns:
            return HeaderRow(
                index, columns, period_columns, cells=list(row),
                comment_columns=_comment_columns(scan),
            )  # fmt: skip
    return None


def find_incomplete_header(
    rows: Sequence[Sequence[object]], periods: Sequence[PeriodLike]
) -> IncompleteHeader | None:
    """The first row, among the first 30, naming two of the indicator, period and value columns: in a
    sheet where ``find_header`` found nothing, it says which column is missing."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _scan_row(row, periods).columns
        indicator = columns.get("indicator", columns.get("indicator_name"))
        found = {
            role: (column, str(row[column]).strip())
            for role, column in (("indicator", indicator), ("period", columns.get("period")),
                                 ("value", columns.get("value")))
            if column is not None
        }  # fmt: skip
        if len(found) == 2:
            (missing,) = {"indicator", "period", "value"} - set(found)
            return IncompleteHeader(index, missing, found)
    return None


# --- the setup workbook ------------------------------------------------------------------------------
# The setup workbook's sheets and columns: the names the export writes (first) and how officers and
# partners may write them in English, French, Romanian, Croatian and Latvian.
SETUP_SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "Indicators": ("indicators", "indicateurs", "indicatori", "pokazatelji", "rādītāji"),
    "Targets": ("targets", "cibles", "valeurs cibles", "ținte", "valori țintă", "ciljevi", "ciljne vrijednosti", "mērķi", "mērķa vērtības"),
    "Milestones": ("milestones", "jalons", "etape intermediare", "repere", "međuciljevi", "ključne točke", "starpposma mērķi", "valeurs intermédiaires", "ținte intermediare", "ključne etape", "starpposma vērtības"),
    "Partners": ("partners", "partenaires", "parteneri", "partneri", "partneri"),
    "Periods": ("periods", "reporting periods", "périodes", "perioade", "perioade de raportare", "razdoblja", "izvještajna razdoblja", "periodi", "pārskata periodi"),
}  # fmt: skip
SETUP_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("code", "cod", "šifra", "oznaka", "kods", "kod"),
    "name": ("name", "nom", "intitulé", "denumire", "naziv", "nosaukums"),
    "name_fr": ("name_fr", "name in french", "nom en français", "denumire în franceză", "naziv na francuskom", "nosaukums franču valodā"),
    "name_ro": ("name_ro", "name in romanian", "nom en roumain", "denumire în română", "naziv na rumunjskom", "nosaukums rumāņu valodā"),
    "name_hr": ("name_hr", "name in croatian", "nom en croate", "denumire în croată", "naziv na hrvatskom", "nosaukums horvātu valodā"),
    "name_lv": ("name_lv", "name in latvian", "nom en letton", "denumire în letonă", "naziv na latvijskom", "nosaukums latviešu valodā"),
    "unit": ("unit", "unité", "unitate", "unitate de măsură", "jedinica", "mjerna jedinica", "mērvienība"),
    "category": ("category", "catégorie", "categorie", "kategorija"),
    "value_kind": ("value_kind", "kind of value", "type de valeur", "tip de valoare", "vrsta vrijednosti", "vērtības veids"),
    "aggregation": ("aggregation", "agrégation", "agregare", "agregacija", "apkopošana"),
    "higher_is_better": ("higher_is_better", "higher is better", "plus c'est élevé, mieux c'est", "mai mare este mai bine", "veće je bolje", "lielāks ir labāks", "cu cât mai mare, cu atât mai bine", "jo lielāks, jo labāks"),
    "eu_code": ("eu_code", "eu code", "code ue", "cod ue", "eu šifra", "es kods"),
    "display_order": ("display_order", "order", "ordre", "ordine", "redoslijed", "secība"),
    "description": ("description", "descriere", "opis", "apraksts"),
    "partner_code": ("partner_code", "partner", "partner code", "partenaire", "code partenaire", "partener", "cod partener", "šifra partnera", "partneris", "partnera kods"),
    "indicator_code": ("indicator_code", "indicator", "indicator code", "indicateur", "code indicateur", "cod indicator", "pokazatelj", "šifra pokazatelja", "rādītājs", "rādītāja kods"),
    "baseline_value": ("baseline_value", "baseline", "valeur de référence", "valoare de referință", "valoare de bază", "polazna vrijednost", "bāzes vērtība"),
    "baseline_date": ("baseline_date", "baseline date", "date de référence", "data de referință", "datum polazne vrijednosti", "bāzes datums", "bāzes vērtības datums"),
    "target_value": ("target_value", "target", "valeur cible", "cible", "valoare țintă", "țintă", "ciljna vrijednost", "cilj", "mērķa vērtība", "mērķis"),
    "period": ("period", "période", "perioadă", "perioada", "razdoblje", "periods", "pārskata periods"),
    "value": ("value", "milestone value", "valeur", "valeur intermédiaire", "valoare", "valoarea țintei intermediare", "vrijednost", "vrijednost ključne etape", "vērtība", "starpposma vērtība"),
    "short_name": ("short_name", "short name", "nom court", "denumire scurtă", "kratki naziv", "īsais nosaukums"),
    "country": ("country", "pays", "țară", "țara", "država", "valsts"),
    "nuts_code": ("nuts_code", "nuts code", "nuts", "code nuts", "cod nuts", "nuts šifra", "nuts kods"),
    "level": ("level", "niveau", "nivel", "razina", "līmenis"),
    "role": ("role", "rôle", "rol", "uloga", "loma"),
    "label": ("label", "period", "période", "perioadă", "perioada", "razdoblje", "periods", "pārskata periods"),
    "due_date": ("due_date", "report due", "due date", "échéance", "échéance du rapport", "date limite", "termen", "termen de raportare", "rok", "rok za izvješće", "termiņš", "iesniegšanas termiņš"),
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
