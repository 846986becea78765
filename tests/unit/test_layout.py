"""Header detection and row extraction: where the table is, what each column holds, which cell is which."""

from datetime import date

import pytest

from importers.headers import column_role, find_header
from importers.layout import cell_name, column_letters, extract
from importers.reading import read_workbook
from models import period_specs
from tests.factories import workbooks

PERIODS = period_specs(date(2023, 3, 1))
LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Indicator", "indicator"), ("INDICATEUR", "indicator"), ("Pokazatelj", "indicator"),
        ("Rādītājs", "indicator"), ("raditajs", "indicator"), ("Cod indicator", "indicator"),
        ("Period", "period"), ("Période", "period"), ("Perioadă", "period"), ("Razdoblje", "period"),
        ("Periods", "period"), ("Value", "value"), ("Valeur", "value"), ("Valoare", "value"),
        ("Vrijednost", "value"), ("Vērtība", "value"), ("  valeur  ", "value"), ("Value:", "value"),
        ("Partenaire", "partner"), ("Komentar", "comment"), ("Indicator name", "indicator_name"),
        ("Naziv pokazatelja", "indicator_name"), ("Something else", None), (12, None),
    ],
)  # fmt: skip
def test_header_names_in_five_languages(header, role):
    assert column_role(header) == role


def test_header_is_found_below_title_rows():
    rows = [
        ["SHARING report"],
        [],
        ["Partner: REDEA", ""],
        ["Pokazatelj", "Razdoblje", "Vrijednost"],
    ]
    header = find_header(rows, PERIODS)
    assert header.row_index == 3 and header.columns == {"indicator": 0, "period": 1, "value": 2}


def test_wide_header_maps_period_columns():
    header = find_header(
        [["Indicator", "Unit", "P1", "S2", "01.09.2023-29.02.2024", "Total"]], PERIODS
    )
    assert header.is_wide
    assert header.period_columns == {2: 1, 3: 2, 4: 2}


def test_no_header_beyond_row_30():
    rows = [[""]] * 30 + [["Indicator", "Period", "Value"]]
    assert find_header(rows, PERIODS) is None


@pytest.mark.parametrize(
    ("row", "column", "name"),
    [
        (0, 0, "A1"),
        (13, 3, "D14"),
        (0, 25, "Z1"),
        (0, 26, "AA1"),
        (9, 701, "ZZ10"),
        (0, 702, "AAA1"),
    ],
)
def test_cell_names(row, column, name):
    assert cell_name(row, column) == name


def test_messy_workbook_rows_carry_their_cells():
    extraction = extract(read_workbook(workbooks.messy_partner_xlsx(), "r.xlsx", LIMIT), PERIODS)
    assert extraction.data_sheets == ["Raport"]
    first = list(extraction.iter_observations())[0]
    assert (first.indicator, first.period, first.value) == ("ESU-SERVICES", "P1", "12")
    assert first.cell(first.indicator_column) == "B6" and first.value_cell == "D6"
    assert len(list(extraction.iter_observations())) == len(workbooks.ROMANIAN_ROWS)


def test_wide_layout_gives_one_row_per_filled_period_cell():
    content = workbooks.xlsx(
        [("ESU-SERVICES", 3, 4, None), ("DSK-BASIC", 0.4, None, "n/a")],
        ("Code", "P1", "P2", "P3"),
        percent_cells=["B3"],
    )
    extraction = extract(read_workbook(content, "w.xlsx", LIMIT), PERIODS)
    cells = [
        (o.indicator, o.period, o.value, o.value_cell, o.percent_formatted)
        for o in list(extraction.iter_observations())
    ]
    assert cells == [
        ("ESU-SERVICES", 1, 3, "B2", False), ("ESU-SERVICES", 2, 4, "C2", False),
        ("DSK-BASIC", 1, 0.4, "B3", True), ("DSK-BASIC", 3, "n/a", "D3", False),
    ]  # fmt: skip


def test_vertically_merged_indicator_cells_are_filled_down():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "P1", 3), (None, "P2", 4), (None, "P3", 5)], merge=["A2:A4"]
    )
    extraction = extract(read_workbook(content, "m.xlsx", LIMIT), PERIODS)
    assert [o.indicator for o in list(extraction.iter_observations())] == ["ESU-SERVICES"] * 3


def test_total_rows_are_skipped_with_a_warning():
    content = workbooks.xlsx([("ESU-SERVICES", "P1", 3), ("Total", "P1", 3)])
    extraction = extract(read_workbook(content, "t.xlsx", LIMIT), PERIODS)
    assert len(list(extraction.iter_observations())) == 1
    assert [i.code for i in extraction.issues] == ["total-row-skipped"]  # found while iterating


def test_a_workbook_without_any_header_is_one_error():
    content = workbooks.xlsx([("a", "b")], ("Name", "Age"))
    extraction = extract(read_workbook(content, "x.xlsx", LIMIT), PERIODS)
    assert [i.code for i in extraction.issues] == ["no-header"]


def test_a_wide_column_for_a_period_that_does_not_exist_is_reported_not_skipped():
    content = workbooks.xlsx([("ESU-SERVICES", 3, 4)], ("Code", "P1", "P9"))
    extraction = extract(read_workbook(content, "w.xlsx", LIMIT), PERIODS)
    rows = list(extraction.iter_observations())
    assert [(o.period, o.value) for o in rows] == [(1, 3)]
    assert [(i.code, i.cell) for i in extraction.issues] == [("unknown-period", "C1")]
    (problem,) = extraction.issues
    assert problem.message.startswith(
        "C1: the column header 'P9' is not a reporting period of the project; use one of P1"
    )
    assert problem.params["variant"] == "header-not-in-project"


def test_the_no_header_error_names_how_many_rows_were_searched():
    content = workbooks.xlsx([("a", "b")], ("Name", "Age"))
    (problem,) = extract(read_workbook(content, "x.xlsx", LIMIT), PERIODS).issues
    assert problem.message.startswith("No sheet has a header row, in its first 30 rows, naming")


# --- what clerks write (issue 10, "Reading what clerks write") -----------------------------------------


def _rows(content: bytes, filename: str):
    extraction = extract(read_workbook(content, filename, LIMIT), PERIODS)
    return list(extraction.iter_observations()), extraction.issues


@pytest.mark.parametrize(
    ("header", "data", "total", "cell"),
    [
        (("Nr.", "Indicator", "Period", "Value"), (1, "ESU-USERS", "P1", 3), ("TOTAL", None, "P1", 12), "A3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), (None, "Ukupno", "P1", 12), "B3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), (None, "Total général:", "P1", 12), "B3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), (None, "TOTAL:", "P1", 12), "B3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), (None, "Kopā", "P1", 12), "B3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), ("Sveukupno", None, "P1", 12), "A3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), ("Totalul", "x", "P1", 12), "A3"),
        (("Indicator", "Name", "Period", "Value"), ("ESU-USERS", None, "P1", 3), (None, "suma", "P1", 12), "B3"),
        # A total over the periods, and a total over the partners, of an indicator that is named.
        (("Indicator", "Period", "Value"), ("ESU-USERS", "P1", 3), ("ESU-SERVICES", "Total", 12), "B3"),
        (("Partner", "Indicator", "Period", "Value"), ("SMILTENE", "ESU-USERS", "P1", 3),
         ("Totaux", "ESU-SERVICES", "P1", 12), "A3"),
    ],
)  # fmt: skip
def test_a_totals_row_is_skipped_whatever_label_column_says_so(header, data, total, cell):
    rows, issues = _rows(workbooks.xlsx([data, total], header), "t.xlsx")
    assert [o.indicator for o in rows] == ["ESU-USERS"]
    assert [(i.code, i.cell) for i in issues] == [("total-row-skipped", cell)]


def test_a_category_saying_total_on_an_indicator_row_is_data():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "Total", "P1", 3)], ("Indicator", "Type", "Period", "Value")
    )
    rows, issues = _rows(content, "t.xlsx")
    assert [(o.indicator, o.value) for o in rows] == [("ESU-SERVICES", 3)] and issues == []


def _merged_table(kind: str, rows, merged):
    """The same table as .xlsx, .xls or .ods, with 0-based (top, left, bottom, right) merges."""
    if kind == "xlsx":
        names = [
            f"{column_letters(left)}{top + 1}:{column_letters(right)}{bottom + 1}"
            for top, left, bottom, right in merged
        ]
        return workbooks.xlsx(rows[1:], rows[0], merge=names)
    if kind == "xls":
        return workbooks.xls(rows, merged=merged)
    return workbooks.ods({"Indicators": rows}, merged={"Indicators": merged})


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_vertically_merged_indicator_and_partner_cells_are_filled_down_in_every_format(kind):
    rows = [
        ("Partner", "Indicator", "Period", "Value"),
        ("SMILTENE", "ESU-SERVICES", "P1", 3),
        (None, None, "P2", 4),
        (None, "DSK-BASIC", "P1", 45),
    ]
    content = _merged_table(kind, rows, [(1, 0, 3, 0), (1, 1, 2, 1)])
    found, _ = _rows(content, f"m.{kind}")
    assert [(o.partner, o.indicator, o.period) for o in found] == [
        ("SMILTENE", "ESU-SERVICES", "P1"), ("SMILTENE", "ESU-SERVICES", "P2"),
        ("SMILTENE", "DSK-BASIC", "P1"),
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_a_total_merged_across_label_columns_is_one_label_in_every_format(kind):
    rows = [
        ("Nr.", "Indicator", "Period", "Value"),
        (1, "ESU-SERVICES", "P1", 3),
        (2, "ESU-USERS", "P1", 4),
        ("Total general", None, None, 7),
    ]
    content = _merged_table(kind, rows, [(3, 0, 3, 2)])
    found, issues = _rows(content, f"m.{kind}")
    assert [o.indicator for o in found] == ["ESU-SERVICES", "ESU-USERS"]
    assert [(i.code, i.cell, i.value) for i in issues] == [
        ("total-row-skipped", "B4", "Total general")
    ]


def test_a_merged_value_is_not_copied_to_the_rows_below():
    rows = [
        ("Indicator", "Period", "Value"),
        ("ESU-SERVICES", "P1", 3),
        ("ESU-SERVICES", "P2", None),
    ]
    found, _ = _rows(_merged_table("xlsx", rows, [(1, 2, 2, 2)]), "m.xlsx")
    assert [(o.period, o.value) for o in found] == [("P1", 3)]


def test_a_header_below_more_blank_rows_than_the_search_covers_is_found():
    content = workbooks.csv_bytes(
        [*[()] * 60, ("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", "3")]
    )
    found, issues = _rows(content, "r.csv")
    assert issues == [] and [(o.indicator, o.value_cell) for o in found] == [
        ("ESU-SERVICES", "C62")
    ]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Valeur atteinte", "value"), ("Valeur réalisée", "value"), ("Vrijednost pokazatelja", "value"),
        ("Ostvarena vrijednost", "value"), ("Valoare raportată", "value"), ("Valoare realizată", "value"),
        ("Rezultat", "value"), ("Rezultāts", "value"), ("Sasniegtā vērtība", "value"),
        ("Achieved value", "value"), ("Reported value", "value"), ("Postignuta vrijednost", "value"),
        ("Perioada raportării", "period"), ("Razdoblje izvještavanja", "period"),
        ("Pārskata periods", "period"), ("Période de référence", "period"),
        ("Reporting semester", "period"), ("Codul indicatorului", "indicator"),
        ("Kod pokazatelja", "indicator"), ("Libellé de l'indicateur", "indicator_name"),
        ("Obrazloženje", "comment"), ("Skaidrojums", "comment"), ("Justificare", "comment"),
        ("Valeur cible", None), ("Ciljna vrijednost", None),  # targets are not the reported value
    ],
)  # fmt: skip
def test_the_words_programme_reports_use_name_their_columns(header, role):
    assert column_role(header) == role


@pytest.mark.parametrize(
    ("header", "missing", "sentence"),
    [
        (("Cod indicator", "Perioadă", "Observații"), "value",
         "A4: this row names the indicator ('Cod indicator') and the period ('Perioadă') but no column "
         "of values; name that column Value, Valeur, Valoare, Vrijednost or Vērtība"),
        (("Pokazatelj", "Iznos", "Vrijednost"), "period", "A4: this row names the indicator ('Pokazatelj')"),
        (("Nr.", "Period", "Value"), "indicator", "B4: this row names the period ('Period')"),
    ],
)  # fmt: skip
def test_an_almost_found_header_says_which_column_is_missing(header, missing, sentence):
    content = workbooks.xlsx([("x", "y", "z")], header, title_rows=("Raport", "", ""), header_row=4)
    (problem,) = extract(read_workbook(content, "r.xlsx", LIMIT), PERIODS).issues
    assert (problem.code, problem.params["variant"], problem.sheet) == (
        "incomplete-header",
        missing,
        "Indicators",
    )
    assert problem.message.startswith(sentence)


def test_a_wide_rows_comment_belongs_to_its_latest_period():
    content = workbooks.xlsx(
        [("ESU-SERVICES", 3, 4, "estimate"), ("DSK-BASIC", 40, None, None)],
        ("Code", "P1", "P2", "Comment"),
    )
    found, _ = _rows(content, "w.xlsx")
    assert [(o.indicator, o.period, o.comment) for o in found] == [
        ("ESU-SERVICES", 1, None), ("ESU-SERVICES", 2, "estimate"), ("DSK-BASIC", 1, ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [
        ("Code", "P1", "Comment", "P2", "Comment"),
        ("Code", "P1", "Comment P1", "P2", "P2 comment"),
        ("Code", "P1", "Komentar - P1", "P2", "Komentar - P2"),
    ],
)
def test_a_comment_column_per_period_gives_each_period_its_own(header):
    content = workbooks.xlsx([("ESU-SERVICES", 3, "first", 4, None)], header)
    found, _ = _rows(content, "w.xlsx")
    assert [(o.period, o.value, o.comment) for o in found] == [(1, 3, "first"), (2, 4, "")]


def test_without_a_comment_column_the_file_says_nothing_about_comments():
    found, _ = _rows(
        workbooks.xlsx([("ESU-SERVICES", "P1", 3)], ("Indicator", "Period", "Value")), "l.xlsx"
    )
    assert [o.comment for o in found] == [None]


def test_the_titles_above_a_table_and_the_sheet_name_are_kept_as_partner_mentions():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "P1", 3)], sheet="REDEA", title_rows=("Partner: REDEA",), header_row=3
    )
    extraction = extract(read_workbook(content, "r.xlsx", LIMIT), PERIODS)
    assert extraction.partner_mentions == [
        ("REDEA", "", "REDEA"),
        ("REDEA", "A1", "Partner: REDEA"),
    ]
