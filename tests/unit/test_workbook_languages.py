"""The workbooks we write, in every language: what the importer must read back is still read back once
the catalogues are translated, and the annotated workbook's texts go through the catalogue.

The first tests run against the real catalogues (a translator whose word the importer does not know
learns it here, with the list to add it to) and against the sample words of tests/support/catalogues.py.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from i18n import LANGUAGES, _, use_language
from importers.headers import (
    SETUP_COLUMN_NAMES,
    column_role,
    find_named_header,
    setup_sheet,
)
from rules.problems import error, warning
from rules.stages import STAGE_LABELS, Stage, parse_stage, stage_label
from services.catalogue import EDITABLE
from services.setup_workbook import SETUP_SHEETS
from tests.factories import workbooks
from tests.support.catalogues import StandIn, install, shouting, template_words
from workbooks.annotate import PROBLEMS_SHEET, annotate_workbook, problems_sheet_name
from workbooks.cell_text import sheet_title
from workbooks.setup_workbook import SHEETS, column_label
from workbooks.template import INDICATOR_COLUMNS, POLICY_COLUMNS, SHEET_NAMES

CATALOGUES = ("as translated", "sample words")


@pytest.fixture(params=CATALOGUES)
def catalogue(request, monkeypatch) -> str:
    if request.param == "sample words":
        template_words(monkeypatch)
    return request.param


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_templates_headers_are_read_back_as_their_columns(catalogue, language):
    with use_language(language):
        for role, header in (*INDICATOR_COLUMNS, *POLICY_COLUMNS):
            written = _(header)
            assert column_role(written) == role, (
                f"{language}: the template's header {written!r} ({header!r}) is not read as the "
                f"{role!r} column: add it to importers/headers.py COLUMN_NAMES[{role!r}]"
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_templates_stage_names_are_read_back_as_their_stages(catalogue, language):
    with use_language(language):
        for stage in Stage:
            written = stage_label(stage)
            assert parse_stage(written) is stage, (
                f"{language}: the stage name {written!r} ({STAGE_LABELS[stage]!r}) is not read "
                f"back: add it to rules/stages.py STAGE_NAMES[Stage.{stage.name}]"
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_templates_sheet_names_are_distinct_and_valid(catalogue, language):
    with use_language(language):
        names = [sheet_title(_(name)) for name in SHEET_NAMES.values()]
    assert len({name.lower() for name in names}) == len(names), names
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_setup_workbooks_sheets_and_columns_are_read_back(language):
    with use_language(language):
        for canonical, table, title in SHEETS:
            assert setup_sheet(sheet_title(_(title))) == canonical, (
                f"{language}: the setup sheet {_(title)!r} is not read back: add it to "
                f"importers/headers.py SETUP_SHEET_NAMES[{canonical!r}]"
            )
            keys, _table = SETUP_SHEETS[canonical]
            columns = [*keys, *EDITABLE[table]]
            header = [column_label(table, column) for column in columns]
            found = find_named_header([header], columns, keys)
            read = found[1] if found else {}
            for position, column in enumerate(columns):
                assert read.get(column) == position, (
                    f"{language}: the setup column {header[position]!r} is not read as "
                    f"{column!r}: add it to importers/headers.py SETUP_COLUMN_NAMES[{column!r}]"
                )
                assert column in SETUP_COLUMN_NAMES


def _sheet_texts(sheet) -> list[str]:
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.mark.parametrize("copy", [False, True], ids=["xlsx kept", "values copy"])
def test_the_annotated_workbook_is_written_in_the_current_language(monkeypatch, copy):
    """Latvian is shouted by a stand-in catalogue: every text of the problem sheet and of the cell
    comments comes out in capitals, placeholders filled; the problem codes stay as they are."""
    install(monkeypatch, {"lv": StandIn(rest=shouting)})
    issues = [
        error("not-a-number", "Raport", "D8", "12,5,0"),
        warning(
            "far-from-previous", "Raport", "D6", 12, number=12, series="X", period="P0", previous=1
        ),
    ]
    content = workbooks.broken_partner_xlsx()
    if copy:  # a CSV comes back as an .xlsx copy of its values (the write-only path)
        content = workbooks.csv_bytes([("Indicator", "Period", "Value")] * 8)
        issues = [error("not-a-number", "r", "C8", "12,5,0")]
    filename = "r.csv" if copy else "r.xlsx"
    with use_language("lv"):
        book = openpyxl.load_workbook(io.BytesIO(annotate_workbook(content, filename, issues)))
        assert problems_sheet_name() == "IMPORT PROBLEMS"
    assert book.sheetnames[0] == "IMPORT PROBLEMS"
    rows = list(book["IMPORT PROBLEMS"].iter_rows(values_only=True))
    assert rows[0] == ("SEVERITY", "CODE", "SHEET", "CELL", "VALUE", "PROBLEM")
    assert rows[1][:2] == ("ERROR", "not-a-number")
    assert rows[1][5].startswith(("D8: '12,5,0' IS NOT A NUMBER", "C8: '12,5,0' IS NOT A NUMBER"))
    marked = book[book.sheetnames[1]]["C8" if copy else "D8"]
    assert marked.comment.text.startswith("ERROR (not-a-number): ")
    assert "IS NOT A NUMBER" in marked.comment.text

    with use_language("en"):
        english = openpyxl.load_workbook(io.BytesIO(annotate_workbook(content, filename, issues)))
    assert english.sheetnames[0] == PROBLEMS_SHEET
    assert english[PROBLEMS_SHEET]["A2"].value == "error"


def test_annotating_again_replaces_the_problem_list_of_any_language(monkeypatch):
    install(monkeypatch, {"fr": StandIn(rest=shouting)})
    issues = [error("not-a-number", "Raport", "D8", "12,5,0")]
    with use_language("fr"):
        once = annotate_workbook(workbooks.broken_partner_xlsx(), "r.xlsx", issues)
    twice = openpyxl.load_workbook(io.BytesIO(annotate_workbook(once, "r.xlsx", [])))
    assert twice.sheetnames[0] == PROBLEMS_SHEET
    assert "IMPORT PROBLEMS" not in twice.sheetnames
    assert twice[PROBLEMS_SHEET]["F2"].value == "No problems found."


def test_an_annotated_workbook_with_no_problems_says_so_in_the_current_language(monkeypatch):
    install(monkeypatch, {"hr": StandIn(rest=shouting)})
    with use_language("hr"):
        content = annotate_workbook(workbooks.messy_partner_xlsx(), "r.xlsx", [])
    sheet = openpyxl.load_workbook(io.BytesIO(content))["IMPORT PROBLEMS"]
    assert sheet["F2"].value == "NO PROBLEMS FOUND."
    assert not any(text.islower() for text in _sheet_texts(sheet))
