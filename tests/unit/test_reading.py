"""Opening files: refusals with a clear reason, fast reading of real .xlsx/.ods/.xls/.csv files."""

import pytest

from importers.reading import UnreadableFile, decode_text, read_workbook
from tests.factories import workbooks

LIMIT = 20 * 1024 * 1024


def _refusal(content: bytes, filename: str, limit: int = LIMIT) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(content, filename, limit)
    assert refused.value.issue.is_error and refused.value.issue.message
    return refused.value.issue.code


def test_too_large_names_the_limit_and_the_setting():
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(workbooks.messy_partner_xlsx(), "big.xlsx", 1000)
    assert refused.value.issue.code == "file-too-large"
    assert "SHARING_MAX_UPLOAD_MB" in refused.value.issue.message


def test_zip_bomb_is_refused_before_opening():
    assert _refusal(workbooks.zip_bomb_xlsx(30 * 1024 * 1024), "bomb.xlsx") == "zip-bomb"


def test_zip_expanding_past_ten_times_the_limit_is_refused():
    bomb = workbooks.zip_bomb_xlsx(2 * 1024 * 1024)
    assert _refusal(bomb, "bomb.xlsx", limit=len(bomb) + 100_000) == "zip-bomb"


def test_encrypted_workbook_says_how_to_remove_the_password():
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(workbooks.encrypted_xlsx(), "locked.xlsx", LIMIT)
    assert refused.value.issue.code == "encrypted-workbook"
    assert "password" in refused.value.issue.message


def test_old_xls_is_read_with_a_note_on_saving_as_xlsx():
    book = read_workbook(
        workbooks.xls([("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 12.5)]),
        "old.xls",
        LIMIT,
    )
    assert book.kind == "xls"
    assert list(book.sheets[0].rows())[1] == ["ESU-SERVICES", "P1", 12.5]
    assert [note.code for note in book.notes] == ["old-xls-format"]


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (workbooks.PDF_BYTES, "report.xlsx", "not-a-spreadsheet"),
        (workbooks.docx_like_zip(), "report.xlsx", "not-a-spreadsheet"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "report.xlsx", "not-a-spreadsheet"),
        (b"just some words\nin a text file\n", "report.xlsx", "not-a-spreadsheet"),
        (b"\x01\x02\x00\x03binary", "data.csv", "not-a-spreadsheet"),
        (b"", "empty.xlsx", "empty-workbook"),
        (b"  \n\n", "empty.csv", "empty-workbook"),
        (workbooks.empty_xlsx(), "empty.xlsx", "empty-workbook"),
        (b"PK\x03\x04 truncated", "broken.xlsx", "corrupt-file"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, filename, code):
    assert _refusal(content, filename) == code


def test_xlsx_rows_keep_their_sheet_coordinates():
    content = workbooks.xlsx(
        [("ESU-SERVICES", "P1", 3)], first_column=3, header_row=5, title_rows=("Title",)
    )
    rows = list(read_workbook(content, "a.xlsx", LIMIT).sheets[0].rows())
    assert rows[4][2:5] == ["Indicator", "Period", "Value"]  # C5:E5
    assert rows[5][2:5] == ["ESU-SERVICES", "P1", 3]


def test_percent_formatted_cells_and_unsaved_formulas_are_found():
    content = workbooks.xlsx(
        [("DSK-BASIC", "P1", 0.45), ("ESU-USERS", "P1", "=1+1"), ("ESU-SERVICES", "P1", "=2+2")],
        percent_cells=["C2"],
    )
    content = workbooks.with_saved_formula_values(content, {"C4": 4})
    sheet = read_workbook(content, "a.xlsx", LIMIT).sheets[0]
    assert sheet.percent_cells == {(1, 2)}
    assert sheet.formulas_without_value == {(2, 2)}
    assert list(sheet.rows())[3][2] == 4


def test_ods_percent_cells_are_found():
    content = workbooks.ods(
        {"Indicators": [("Indicator", "Period", "Value"), ("DSK-BASIC", "P1", 0.45)]},
        {"Indicators": {(1, 2)}},
    )
    book = read_workbook(content, "a.ods", LIMIT)
    assert book.kind == "ods"
    assert book.sheets[0].percent_cells == {(1, 2)}
    assert list(book.sheets[0].rows())[1] == ["DSK-BASIC", "P1", 0.45]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Rādītājs;Periods;Vērtība\nESU-SERVICES;P1;12,5\n", "cp1257"),
        ("Pokazatelj;Razdoblje;Vrijednost\nESU-SERVICES;P1;12,5\nMeđimurje;;\n", "cp1250"),
        ("Indicator;Perioadă;Valoare\nESU-SERVICES;P1;12,5\nŞtefăneşti;;\n", "cp1250"),
        ("Indicateur;Période;Valeur\nESU-SERVICES;P1;12,5\nPlœuc-L'Hermitage;;\n", "cp1252"),
    ],
)
def test_windows_code_pages_are_told_apart(text, encoding):
    decoded, used = decode_text(text.encode(encoding))
    assert (decoded, used) == (text, encoding)


@pytest.mark.parametrize("bom", [False, True])
def test_utf8_csv_with_or_without_bom(bom):
    content = workbooks.csv_bytes(
        [("Indicateur", "Période", "Valeur"), ("ESU-SERVICES", "P1", "12,5")], bom=bom
    )
    rows = list(read_workbook(content, "r.csv", LIMIT).sheets[0].rows())
    assert rows == [["Indicateur", "Période", "Valeur"], ["ESU-SERVICES", "P1", "12,5"]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_found_even_with_comma_decimals(delimiter):
    content = workbooks.csv_bytes(
        [
            ("Indicator", "Period", "Value"),
            ("ESU-SERVICES", "P1", "12,5"),
            ("ESU-USERS", "P1", "1 234,5"),
        ],
        delimiter=delimiter,
    )
    rows = list(read_workbook(content, "r.csv", LIMIT).sheets[0].rows())
    assert rows[1] == ["ESU-SERVICES", "P1", "12,5"]


@pytest.mark.parametrize(
    ("content", "filename", "sentence"),
    [
        (workbooks.PDF_BYTES, "report.xlsx", "report.xlsx is a PDF document, not a spreadsheet. Upload"),
        (workbooks.docx_like_zip(), "report.xlsx", "report.xlsx is a Word document, not a spreadsheet."),
        (b"just some words\n", "report.xlsx", "report.xlsx is a text file, not a spreadsheet."),
        (b"\x01\x02\x00\x03binary", "data.csv", "data.csv is a binary file, not a spreadsheet."),
        (b"", "empty.xlsx", "The file is empty: there is nothing to import."),
        (workbooks.empty_xlsx(), "empty.xlsx", "The workbook has no filled cells."),
        (b"PK\x03\x04 truncated", "broken.xlsx", "broken.xlsx is damaged: it looks like a workbook"),
    ],
)  # fmt: skip
def test_each_refusal_is_worded_from_its_template(content, filename, sentence):
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(content, filename, LIMIT)
    assert refused.value.issue.message.startswith(sentence)
    assert str(refused.value) == refused.value.issue.message
