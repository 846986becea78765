"""Every workbook and file we write without a database is clean: hostile text in every kind of text cell
comes out storable (the file opens), never as a formula, and reads back as written minus the characters a
spreadsheet cannot store; numbers stay numbers. The writers that need a database are checked the same way
in tests/db/test_workbook_roundtrip_safety.py, with the helpers defined here.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import python_calamine

from dashboard.components.downloads import send_frame
from rules.problems import error, warning
from tests.factories import workbooks
from workbooks.annotate import PROBLEMS_SHEET, AnnotationTooLarge, annotate_workbook
from workbooks.cell_text import EXCEL_MAX_CELL_CHARS, clean_text, csv_text, looks_like_formula

CONTROL_CHARACTERS = "".join(chr(code) for code in range(32)) + "\x7f"
FORMULA_LIKE = [
    '=HYPERLINK("https://evil.example","x")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    " =1+1",
    "\t=1",
    "\n=1",
    "\r\n+1",
    "\uff1d1+1",  # a full-width equals sign
    "=cmd|' /C calc'!A0",
]
HOSTILE = [
    *FORMULA_LIKE,
    f"a{CONTROL_CHARACTERS}b",
    "=1\x00+\x1f1",  # control characters inside formula-like text
    "broken \ud800 half",  # a lone surrogate
    "x" * 40_000,
    "#N/A",
]
# What an uploaded file can hold: no encoding writes a lone surrogate into a file.
IN_FILES = [text for text in HOSTILE if "\ud800" not in text]
# An independent statement of what may not be stored (XML 1.0): C0 controls but tab, LF, CR; surrogates.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """What a cell written with ``text`` must read back as."""
    text = _UNSTORABLE.sub("", text)
    return text if len(text) <= EXCEL_MAX_CELL_CHARS else text[: EXCEL_MAX_CELL_CHARS - 1] + "…"


def assert_no_formula(content: bytes) -> openpyxl.Workbook:
    """``content`` opens with openpyxl and with calamine (the importer's reader) and holds no formula:
    no <f> element in any sheet's XML, no cell typed "f". Returns the opened workbook."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<(?:\w+:)?f[\s>/]", archive.read(name)), name
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and looks_like_formula(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
    calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    for name in calamine.sheet_names:
        calamine.get_sheet_by_name(name).to_python()
    return book


def text_cells(book: openpyxl.Workbook) -> list[str]:
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


# --- the cleaning rules themselves ----------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_text_drops_only_what_cannot_be_stored(text):
    assert clean_text(text) == visible(text)


def test_long_text_is_cut_to_excel_limit_counted_in_utf16_units():
    emoji = "\U0001f600" * 20_000  # two UTF-16 units each
    cut = clean_text(emoji)
    assert len(cut.encode("utf-16-le")) // 2 <= EXCEL_MAX_CELL_CHARS and cut.endswith("…")
    assert clean_text("y" * EXCEL_MAX_CELL_CHARS) == "y" * EXCEL_MAX_CELL_CHARS


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text(text):
    assert looks_like_formula(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["ok", "12", "a=b", "x-1", "'=already quoted", "", "email@x"])
def test_ordinary_text_is_left_alone(text):
    assert not looks_like_formula(text) and csv_text(text) == text


def test_numbers_are_not_text():
    assert csv_text(-3) == -3 and csv_text(-3.5) == -3.5


# --- the annotated workbook -----------------------------------------------------------------------


def _hostile_issues(sheet: str) -> list:
    """Problems whose values (and so messages and comments) are the hostile texts, on C2..Cn."""
    issues = [
        error("not-a-number", sheet, f"C{row}", text) for row, text in enumerate(HOSTILE, start=2)
    ]
    issues.append(warning("csv-encoding-guessed", encoding="cp1250\ud800"))
    return issues


def _problem_sheet_texts(book) -> list[str]:
    return [row[4] for row in book[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True)]


def test_annotated_csv_copy_keeps_every_cell_as_text():
    # The 40,000-character cell comes first, so the NULs fall after the 8 KB binary-file check.
    rows = [("Indicator", "Period", "Value", "Comment")]
    rows += [(text, "P1", text, -3) for text in sorted(IN_FILES, key=len, reverse=True)]
    content = workbooks.csv_bytes(rows)
    book = assert_no_formula(annotate_workbook(content, "r.csv", _hostile_issues("r")))
    sheet = book["r"]
    copied = [(row[0], row[2], row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    # A CSV holds text only: its "-3" is copied as the text "-3" (quote-prefixed, never a formula).
    expected = [
        (visible(text), visible(text), "-3") for text in sorted(IN_FILES, key=len, reverse=True)
    ]
    assert copied == expected
    assert sheet["D2"].data_type == "s" and sheet["D2"].quotePrefix
    assert sheet["C2"].comment is not None and sheet["C2"].fill.fgColor.rgb.endswith("F4B6B6")
    assert _problem_sheet_texts(book)[: len(HOSTILE)] == [visible(t) for t in HOSTILE]


def test_annotated_xlsx_keeps_text_as_text_and_the_partners_formulas():
    source = openpyxl.Workbook()
    sheet = source.active
    sheet.title = "Raport"
    sheet.append(["Indicator", "Period", "Value"])
    for row, text in enumerate(IN_FILES, start=2):
        storable = _UNSTORABLE.sub("", text)  # an .xlsx cannot hold the rest
        for column in (1, 3):
            cell = sheet.cell(row, column, None)
            cell.value, cell.data_type = storable, "s"  # text, as Excel saves '=1+1
    sheet["D2"] = "=1+2"  # the partner's own formula
    sheet["E2"] = -3
    buffer = io.BytesIO()
    source.save(buffer)

    content = annotate_workbook(buffer.getvalue(), "r.xlsx", _hostile_issues("Raport"))
    book = openpyxl.load_workbook(io.BytesIO(content))
    copied = book["Raport"]
    assert (
        copied["D2"].data_type == "f" and copied["D2"].value == "=1+2"
    )  # kept as the partner wrote it
    assert copied["E2"].value == -3
    for row, text in enumerate(IN_FILES, start=2):
        # openpyxl's reader itself keeps only the first 32,767 characters of a longer cell.
        expected = _UNSTORABLE.sub("", text)[:EXCEL_MAX_CELL_CHARS]
        for column in (1, 3):
            cell = copied.cell(row, column)
            assert cell.value == expected and cell.data_type == "s"
            if looks_like_formula(cell.value):
                assert cell.quotePrefix
    assert_no_formula_except(content, {("Raport", "D2")})
    assert _problem_sheet_texts(book)[: len(HOSTILE)] == [visible(t) for t in HOSTILE]


def assert_no_formula_except(content: bytes, formulas: set[tuple[str, str]]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = {
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    assert found == formulas


def test_annotated_ods_and_unreadable_files_hold_no_formula():
    rows = [("Indicator", "Period", "Value"), *[(t, "P1", 2) for t in FORMULA_LIKE]]
    book = assert_no_formula(
        annotate_workbook(workbooks.ods({"Data": rows}), "r.ods", _hostile_issues("Data"))
    )
    # An .ods is XML: its reader turns "\r\n" into "\n" before we see the cell.
    assert [r[0] for r in book["Data"].iter_rows(min_row=2, values_only=True)] == [
        visible(t).replace("\r\n", "\n") for t in FORMULA_LIKE
    ]
    book = assert_no_formula(annotate_workbook(workbooks.PDF_BYTES, "r.pdf", _hostile_issues("x")))
    assert book.sheetnames == [PROBLEMS_SHEET, "Sheet1"]


def test_a_sheet_name_a_workbook_cannot_hold_is_made_valid():
    content = workbooks.csv_bytes([("Indicator", "Value"), ("ESU", "=1")])
    name = "report: [final]? " + "x" * 40
    book = assert_no_formula(
        annotate_workbook(content, f"{name}.csv", [error("not-a-number", name, "B2", "=1")])
    )
    copied = book.worksheets[1]
    assert copied.title == "report_ _final__ " + "x" * 14 and copied["B2"].comment is not None


def test_a_malformed_problem_cell_is_listed_but_not_marked():
    issues = [error("not-a-number", "Raport", "ZZZZ0", "x"), error("not-a-number", "Raport", "?")]
    book = openpyxl.load_workbook(
        io.BytesIO(annotate_workbook(workbooks.broken_partner_xlsx(), "r.xlsx", issues))
    )
    assert book[PROBLEMS_SHEET].max_row == 3


# --- annotating is bounded --------------------------------------------------------------------------


def _csv_of(rows: int) -> bytes:
    return workbooks.csv_bytes(
        [("Indicator", "Period", "Value", "Comment", "Source", "Note")]
        + [("ESU-SERVICES", "P1", str(i), "c", "s", "n") for i in range(rows)]
    )


@pytest.mark.parametrize("rows", [70_000, 35_000])  # refused before parsing / after counting
def test_a_csv_too_large_to_annotate_is_refused_with_a_clear_message(rows):
    with pytest.raises(AnnotationTooLarge) as refusal:
        annotate_workbook(_csv_of(rows), "big.csv", [error("not-a-number", "big", "C2", "x")])
    assert "too large to mark" in refusal.value.message
    assert "names every cell" in str(refusal.value)


def test_an_xlsx_too_large_to_annotate_is_refused_before_loading():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Indicators")
    for index in range(13_000):
        sheet.append(["ESU-SERVICES", "P1", index, "checked"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(AnnotationTooLarge, match="52\u202f000 cells"):
        annotate_workbook(buffer.getvalue(), "big.xlsx", [])


# --- chart data downloads -------------------------------------------------------------------------


def _download_frame() -> pd.DataFrame:
    columns = {f"h{index}{text}": [text] * 2 for index, text in enumerate(HOSTILE)}
    return pd.DataFrame({**columns, "value": [-3.0, 4.0], "count": [-3, None]})


def _payload_bytes(payload: dict) -> bytes:
    content = payload["content"]
    return base64.b64decode(content) if payload.get("base64") else content.encode("utf-8")


def test_xlsx_download_header_and_data_cells_are_text_and_numbers_numbers():
    frame = _download_frame()
    book = assert_no_formula(_payload_bytes(send_frame(frame, "chart", "xlsx")))
    rows = list(book["data"].iter_rows(values_only=True))
    assert list(rows[0]) == [visible(str(c)) for c in frame.columns]
    assert list(rows[1][: len(HOSTILE)]) == [visible(t) for t in HOSTILE]
    assert rows[1][-2:] == (-3, -3) and rows[2][-1] is None


def test_csv_download_header_and_data_cells_get_an_apostrophe():
    frame = _download_frame()
    text = _payload_bytes(send_frame(frame, "chart", "csv")).decode("utf-8")
    header, first, _second = list(csv.reader(io.StringIO(text, newline="")))

    def expected(raw: str) -> str:
        shown = visible(raw)
        return "'" + shown if looks_like_formula(shown) else shown

    assert header == [expected(str(c)) for c in frame.columns]
    assert first[: len(HOSTILE)] == [expected(t) for t in HOSTILE]
    assert first[-2:] == ["-3", "-3"]  # whole numbers as integers, as before


def test_a_zip_bomb_gets_its_problem_list_without_being_inflated():
    issues = [error("zip-bomb", expanded="50")]
    book = assert_no_formula(annotate_workbook(workbooks.zip_bomb_xlsx(), "bomb.xlsx", issues))
    assert book.sheetnames == [PROBLEMS_SHEET, "Sheet1"]
