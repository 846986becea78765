"""Header detection and row extraction: where the table is, what each column holds, which cell is which."""

from datetime import date

import pytest

from importers.headers import column_role, find_header
from importers.layout import cell_name, extract
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
