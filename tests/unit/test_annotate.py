"""Annotated workbooks without a database: problems on cells, on no cell, and for unreadable files."""

import io

import openpyxl

from rules.problems import error, warning
from tests.factories import workbooks
from workbooks.annotate import PROBLEMS_SHEET, annotate_workbook


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_errors_red_warnings_yellow_and_a_list_of_everything():
    issues = [
        error("not-a-number", "Raport", "D8", "12,5,0"),
        warning(
            "far-from-previous", "Raport", "D6", 12, number=12, series="X", period="P0", previous=1
        ),
        error("no-header", rows=30),
        error("unknown-period", "Gone", "C3", "P9"),
    ]
    book = _book(annotate_workbook(workbooks.broken_partner_xlsx(), "r.xlsx", issues))
    sheet = book["Raport"]
    assert (
        sheet["D8"].fill.fgColor.rgb.endswith("F4B6B6")
        and "not-a-number" in sheet["D8"].comment.text
    )
    assert sheet["D6"].fill.fgColor.rgb.endswith("FFE699")
    assert sheet["B1"].value == "Raport"  # the partner's own content and layout are kept
    listed = [row[1] for row in book[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert listed == ["not-a-number", "far-from-previous", "no-header", "unknown-period"]


def test_an_unreadable_file_still_gets_its_problem_list():
    issues = [error("not-a-spreadsheet", variant="pdf", filename="report.xlsx")]
    book = _book(annotate_workbook(workbooks.PDF_BYTES, "report.xlsx", issues))
    assert book.sheetnames[0] == PROBLEMS_SHEET
    assert book[PROBLEMS_SHEET]["F2"].value.startswith("report.xlsx is a PDF")


def test_no_problems_says_so():
    book = _book(annotate_workbook(workbooks.messy_partner_xlsx(), "r.xlsx", []))
    assert book[PROBLEMS_SHEET]["F2"].value == "No problems found."
