"""What real files showed the reader (issue 10, "Reading files"): every kind of encryption, packages in
other layouts, .xlsb, files only openpyxl opens, data on hidden sheets, which zip-bomb rule fired, and
files that once made the reader raise instead of refusing with a sentence. Every file is written here."""

import csv
import io
import zipfile

import pytest

from importers.reading import UnreadableFile, read_workbook
from tests.factories import workbooks

LIMIT = 20 * 1024 * 1024
ROWS = [("Indicator", "Period", "Value"), ("DSK-BASIC", "P1", 0.45), ("ESU-SERVICES", "P2", 3)]


def _refusal(content: bytes, filename: str, limit: int = LIMIT):
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(content, filename, limit)
    issue = refused.value.issue
    assert issue.is_error and issue.message and "{" not in issue.message
    return issue


def _values(book) -> list[list[object]]:
    return [row for row in book.sheets[0].rows() if any(cell != "" for cell in row)]


# --- 1. encryption, told from the container -------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        (workbooks.encrypted_xlsx, "locked.xlsx"),
        (
            lambda: workbooks.encrypted_package(workbooks.ooxml_xlsx({"S": ROWS}, kind="xlsm")),
            "m.xlsm",
        ),
        (lambda: workbooks.encrypted_package(workbooks.xlsb({"S": ROWS})), "locked.xlsb"),
        (lambda: workbooks.encrypted_xls("rc4"), "locked.xls"),
        (lambda: workbooks.encrypted_xls("xor"), "obfuscated.xls"),
        (workbooks.encrypted_ods, "locked.ods"),
        # The name does not decide: an encrypted .xls sent as .xlsx is still an encrypted workbook.
        (lambda: workbooks.encrypted_xls("rc4"), "renamed.xlsx"),
    ],
)
def test_every_kind_of_encrypted_workbook_says_so(make, filename):
    issue = _refusal(make(), filename)
    assert issue.code == "encrypted-workbook"
    assert "password" in issue.message


def test_an_encrypted_ods_is_told_how_libreoffice_removes_the_password():
    assert "untick 'Save with password'" in _refusal(workbooks.encrypted_ods(), "r.ods").message


def test_the_encrypted_xls_factory_really_holds_a_filepass_record():
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(workbooks.encrypted_xls("rc4")))
    stream = ole.openstream("Workbook").read()
    bof_length = int.from_bytes(stream[2:4], "little")
    assert stream[4 + bof_length : 6 + bof_length] == b"\x2f\x00"  # FILEPASS right after BOF


# --- 2. packages in other layouts (Open Packaging Conventions) -------------------------------------

ELSEWHERE = {
    "workbook": "excel/book.xml",
    "sheet": "excel/data/table{n}.xml",
    "strings": "excel/texts.xml",
    "styles": "look/styles.xml",
}
AT_THE_ROOT = {
    "workbook": "workbook.xml",
    "sheet": "worksheets/sheet{n}.xml",
    "strings": "sharedStrings.xml",
    "styles": "styles.xml",
}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"backslashes": True},
        {"parts": AT_THE_ROOT},
        {"parts": ELSEWHERE},
        {"parts": ELSEWHERE, "absolute_targets": True},
        {"parts": ELSEWHERE, "backslashes": True},
        {"parts": {"strings": "xl/SharedStrings.xml"}},  # calamine looks for the exact name only
        {"kind": "xlsm", "parts": ELSEWHERE},
    ],
    ids=["excel", "backslashes", "root", "elsewhere", "absolute", "elsewhere-backslashes",
         "strings-case", "xlsm-elsewhere"],
)  # fmt: skip
def test_a_package_is_read_wherever_its_relationships_put_the_parts(options):
    content = workbooks.ooxml_xlsx({"Raport": ROWS}, percent_cells={"Raport": {(1, 2)}}, **options)
    book = read_workbook(content, "report.xlsx", LIMIT)
    assert book.kind == options.get("kind", "xlsx")
    assert [sheet.name for sheet in book.sheets] == ["Raport"]
    assert _values(book) == [list(ROWS[0]), ["DSK-BASIC", "P1", 0.45], ["ESU-SERVICES", "P2", 3]]
    # The percent scan follows the same parts: C2's style is found wherever the styles part is.
    assert book.sheets[0].percent_cells == {(1, 2)}


def test_a_word_document_in_another_layout_is_still_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/doc/main.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="doc/main.xml"/></Relationships>',
        )
        archive.writestr("doc/main.xml", "<document/>")
    issue = _refusal(buffer.getvalue(), "report.xlsx")
    assert (issue.code, issue.params["variant"]) == ("not-a-spreadsheet", "word")


# --- 3. .xlsb ------------------------------------------------------------------------------------------


def test_xlsb_values_are_read_with_a_warning_that_formats_cannot_be_checked():
    book = read_workbook(workbooks.xlsb({"Indicators": ROWS}), "report.xlsb", LIMIT)
    assert book.kind == "xlsb"
    assert _values(book) == [list(ROWS[0]), ["DSK-BASIC", "P1", 0.45], ["ESU-SERVICES", "P2", 3]]
    assert [note.code for note in book.notes] == ["xlsb-format"]
    assert "percent formats cannot be checked" in book.notes[0].message


@pytest.mark.parametrize("filename", ["report.xlsx", "report.zip", "report"])
def test_xlsb_is_told_from_its_content_types_not_its_name(filename):
    assert read_workbook(workbooks.xlsb({"S": ROWS}), filename, LIMIT).kind == "xlsb"


def test_an_xlsx_named_xlsb_is_read_as_the_xlsx_it_is():
    content = workbooks.ooxml_xlsx({"S": ROWS}, percent_cells={"S": {(1, 2)}})
    book = read_workbook(content, "report.xlsb", LIMIT)
    assert (book.kind, book.notes, book.sheets[0].percent_cells) == ("xlsx", [], {(1, 2)})


# --- 4. files calamine refuses and openpyxl reads ----------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_a_valid_workbook_calamine_refuses_is_read_with_openpyxl(kind):
    # Excel 365 saves dynamic-array errors (#SPILL!, #CALC!) that python-calamine 0.9 rejects whole.
    rows = [*ROWS, ("ESU-USERS", "P2", workbooks.ErrorValue("#SPILL!"))]
    content = workbooks.ooxml_xlsx(
        {"Raport": rows, "Lists": [("x",)]}, kind=kind, percent_cells={"Raport": {(1, 2)}}
    )
    book = read_workbook(content, f"report.{kind}", LIMIT)
    assert book.kind == kind
    assert [sheet.name for sheet in book.sheets] == ["Raport", "Lists"]
    assert _values(book)[3] == ["ESU-USERS", "P2", "#SPILL!"]  # then refused at that cell only
    assert book.sheets[0].percent_cells == {(1, 2)}


def test_the_openpyxl_fallback_keeps_merged_cells_and_leaves_hidden_sheets_out():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Raport"
    for row in [("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 1), (None, "P2", 2)]:
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet["C3"] = "#SPILL!"
    sheet["C3"].data_type = "e"
    book.create_sheet("Lists").sheet_state = "hidden"
    book["Lists"]["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_workbook(buffer.getvalue(), "r.xlsx", LIMIT)
    assert [s.name for s in read.sheets] == ["Raport"]
    assert read.sheets[0].merged_ranges == [((1, 0), (2, 0))]


def test_a_workbook_neither_reader_opens_is_damaged():
    content = workbooks.ooxml_xlsx({"S": ROWS})
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut in the middle of the cells
            broken.writestr(item, data)
    assert _refusal(buffer.getvalue(), "r.xlsx").code == "corrupt-file"


# --- 5. data only on hidden sheets -------------------------------------------------------------------


def test_data_only_on_hidden_sheets_names_them():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "P1", 3)],
        extra_sheets={"Notes": [], "Lists": [("a",)]},
        hidden_sheets=["Indicators", "Lists"],
    )
    issue = _refusal(content, "r.xlsx")
    assert (issue.code, issue.params["sheets"]) == ("hidden-sheets-only", "Indicators, Lists")
    assert issue.message.startswith(
        "Every filled sheet of the workbook is hidden (Indicators, Lists)."
    )


def test_data_only_on_a_hidden_xlsb_sheet_names_it():
    content = workbooks.xlsb({"Data": ROWS, "Cover": []}, hidden=["Data"])
    assert _refusal(content, "r.xlsb").params["sheets"] == "Data"


def test_hidden_sheets_beside_a_filled_visible_one_are_skipped_quietly():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "P1", 3)], extra_sheets={"Lists": [("a",)]}, hidden_sheets=["Lists"]
    )
    assert [sheet.name for sheet in read_workbook(content, "r.xlsx", LIMIT).sheets] == [
        "Indicators"
    ]


def test_an_empty_workbook_is_still_empty():
    assert _refusal(workbooks.empty_xlsx(), "r.xlsx").code == "empty-workbook"


# --- 6. which zip-bomb rule fired ----------------------------------------------------------------------


def test_a_member_compressed_beyond_any_worksheet_is_the_ratio_rule():
    issue = _refusal(workbooks.zip_bomb_xlsx(30 * 1024 * 1024), "bomb.xlsx")
    assert (issue.code, issue.params["variant"]) == ("zip-bomb", "ratio")
    assert issue.params["member"] == "xl/worksheets/sheet1.xml"
    assert issue.message.startswith(
        "One part of the workbook (xl/worksheets/sheet1.xml) is compressed"
    )


def test_small_members_expanding_too_much_in_all_are_the_expansion_rule():
    bomb = workbooks.zip_expanding_in_small_members(15)  # 15 x 900 KB: no member reaches 1 MB
    issue = _refusal(bomb, "bomb.xlsx", limit=1024 * 1024)
    assert (issue.code, issue.params["variant"]) == ("zip-bomb", "expansion")
    assert issue.message.startswith(
        "The workbook would expand to 13 MB when opened, more than the 10 MB"
    )


def test_too_many_members_is_the_members_rule():
    issue = _refusal(workbooks.zip_of_many_members(10_001), "bomb.xlsx")
    assert (issue.code, issue.params["variant"], issue.params["count"]) == (
        "zip-bomb",
        "members",
        10_002,
    )
    assert "made of 10002 files" in issue.message


def test_a_zip_bomb_stored_before_the_rules_were_told_apart_still_reads():
    from rules.problems import Problem

    stored = {"severity": "error", "code": "zip-bomb", "params": {"expanded": "900"}}
    assert Problem.from_dict(stored).message.startswith("The workbook would expand to 900 MB")


# --- 7. what once raised instead of refusing ------------------------------------------------------------


def test_a_csv_field_over_the_csv_module_limit_is_refused_with_its_line():
    content = workbooks.csv_bytes(
        [
            ("Indicator", "Period", "Value"),
            ("ESU-SERVICES", "P1", "x" * (csv.field_size_limit() + 1)),
        ]
    )
    issue = _refusal(content, "r.csv")
    assert (issue.code, issue.params["variant"], issue.params["line"]) == (
        "corrupt-file",
        "csv-field",
        2,
    )
    assert issue.message.startswith("r.csv: line 2 holds a cell longer than 131,072 characters")


def test_more_than_fifty_blank_lines_before_a_csv_header_are_read():
    content = b"\r\n" * 60 + workbooks.csv_bytes(
        [("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", "3")]
    )
    rows = list(read_workbook(content, "r.csv", LIMIT).sheets[0].rows())
    assert rows[60:] == [["Indicator", "Period", "Value"], ["ESU-SERVICES", "P1", "3"]]


def test_utf16_with_a_bom_and_an_odd_byte_count_is_read_up_to_the_cut():
    text = "Indicator;Period;Value\r\nESU-SERVICES;P1;3\r\n"
    content = text.encode("utf-16") + b"\x00"  # one byte of a character that was cut off
    rows = list(read_workbook(content, "r.csv", LIMIT).sheets[0].rows())
    assert rows[:2] == [["Indicator", "Period", "Value"], ["ESU-SERVICES", "P1", "3"]]
    assert rows[2:] == [["\ufffd"]]


def test_a_number_format_without_an_id_is_ignored_not_fatal():
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt formatCode="0.0%"/><numFmt numFmtId="x" formatCode="0%"/>'
        '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9"/></cellXfs></styleSheet>'
    )
    content = workbooks.ooxml_xlsx({"S": ROWS}, styles_xml=styles, percent_cells={"S": {(1, 2)}})
    book = read_workbook(content, "r.xlsx", LIMIT)
    assert _values(book)[1] == ["DSK-BASIC", "P1", 0.45]
    assert book.sheets[0].percent_cells == {(1, 2)}  # the built-in 0% format still counts


def test_an_unexpected_failure_is_a_damaged_file_logged_without_cell_values(monkeypatch, caplog):
    import importers.reading

    def surprise(*_args):
        raise ValueError("could not convert 'secret figure 123'")

    monkeypatch.setattr(importers.reading, "_scan_ods_content", surprise)
    issue = _refusal(workbooks.ods({"S": ROWS}), "rapport.ods")
    assert (issue.code, issue.params["variant"]) == ("corrupt-file", "unexpected")
    assert issue.message.startswith("rapport.ods could not be read")
    assert "ValueError" in caplog.text and "secret" not in caplog.text


def test_a_damaged_ole_file_is_damaged_not_a_traceback():
    content = workbooks.xls(ROWS)
    assert _refusal(content[:600], "old.xls").code == "corrupt-file"


# --- a sheet reaching further than any reader may hold (found by the fuzz test: the process aborted) ---


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xlsb"])
def test_a_sheet_reaching_the_last_cell_is_refused_before_it_is_read(kind):
    issue = _refusal(workbooks.far_reaching(kind), f"report.{kind}")
    # An .xlsb names its sheets in binary records: the sentence names the sheet's part instead.
    sheet = "xl/worksheets/sheet1.bin" if kind == "xlsb" else "Raport"
    assert (issue.code, issue.sheet) == ("sheet-too-large", sheet)
    assert issue.params["columns"] == "16,384"
    assert "Ctrl+End" in issue.message


def test_a_sheet_of_a_few_far_away_rows_is_still_read():
    rows = [("Indicator", "Period", "Value"), *[()] * 50_000, ("ESU-SERVICES", "P1", 3)]
    book = read_workbook(workbooks.ooxml_xlsx({"Raport": rows}), "r.xlsx", LIMIT)
    assert _values(book)[-1] == ["ESU-SERVICES", "P1", 3]


@pytest.mark.parametrize("what", ["dimensions", "column"])
def test_an_xls_whose_records_cannot_be_true_is_damaged(what):
    assert _refusal(workbooks.damaged_xls(what), "old.xls").code == "corrupt-file"
