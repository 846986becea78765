"""Real, messy partner workbooks written by code: .xlsx, .ods, .csv (several encodings), .xls, plus the
unsafe and broken files the importer must refuse. Used by the importer tests and the Upload page's browser
tests, so every function is public, documented and returns the file's bytes.

Rows are given as lists of cell values; ``None`` leaves a cell empty.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font

Row = Sequence[object]

# A long-layout report as a Romanian partner might send it: Romanian headers, comma decimals as text,
# a thousands separator, "n/a", a percentage written with a % sign, another as 0.45 in a percent-formatted
# cell (D11), and a formula whose result Excel saved (D12).
ROMANIAN_HEADER = ("Cod indicator", "Perioadă", "Valoare", "Comentarii")
ROMANIAN_ROWS: list[Row] = [
    ("ESU-SERVICES", "P1", "12", "portal nou"),
    ("ESU-TRANSACTIONS", "P1", "1 234", None),
    ("DSK-TRAINED", "P1", "12,5", "estimare"),
    ("ESU-USERS", "P1", "n/a", "nu se măsoară încă"),
    ("DSK-BASIC", "P1", "45 %", None),
    ("ESU-ONLINE-SHARE", "P1", 0.38, None),
    ("RCO14", "P1", "=1+2", "formulă"),
]
ROMANIAN_EXPECTED = {
    ("ESU-SERVICES", "P1"): 12.0,
    ("ESU-TRANSACTIONS", "P1"): 1234.0,
    ("DSK-TRAINED", "P1"): 12.5,
    ("ESU-USERS", "P1"): None,
    ("DSK-BASIC", "P1"): 45.0,
    ("ESU-ONLINE-SHARE", "P1"): 38.0,
    ("RCO14", "P1"): 3.0,
}


def xlsx(
    rows: Sequence[Row],
    header: Row = ("Indicator", "Period", "Value", "Comment"),
    *,
    sheet: str = "Indicators",
    title_rows: Sequence[str] = (),
    header_row: int = 1,
    first_column: int = 1,
    percent_cells: Sequence[str] = (),
    extra_sheets: dict[str, Sequence[Row]] | None = None,
    merge: Sequence[str] = (),
) -> bytes:
    """An .xlsx with ``title_rows`` (merged across the table) above a header on ``header_row``.

    ``percent_cells`` ("C7") get the 0% number format; ``merge`` ranges ("A6:A8") are merged after writing;
    strings starting with "=" become formulas without a saved value (openpyxl never computes them).
    """
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    width = len(header)
    for index, title in enumerate(title_rows, start=1):
        ws.cell(index, first_column, title).font = Font(bold=True, size=14)
        ws.merge_cells(
            start_row=index,
            start_column=first_column,
            end_row=index,
            end_column=first_column + width - 1,
        )
    for offset, value in enumerate(header):
        ws.cell(header_row, first_column + offset, value)
    for row_offset, row in enumerate(rows, start=1):
        for offset, value in enumerate(row):
            if value is not None:
                ws.cell(header_row + row_offset, first_column + offset, value)
    for reference in percent_cells:
        ws[reference].number_format = "0%"
    for cell_range in merge:
        ws.merge_cells(cell_range)
    for name, sheet_rows in (extra_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in sheet_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def messy_partner_xlsx() -> bytes:
    """The Romanian report on row 5 under a merged two-line title, starting in column B, plus a notes sheet.

    Cells: B6.. indicator codes, C periods, D values (D10 "45 %", D11 0.38 formatted as %, D12 a formula
    with its saved result). See ROMANIAN_EXPECTED for the values it holds.
    """
    content = xlsx(
        ROMANIAN_ROWS, ROMANIAN_HEADER, sheet="Raport", first_column=2, header_row=5,
        title_rows=("Proiect SHARING - raport semestrial", "Partener: MDPWA"), percent_cells=["D11"],
        extra_sheets={"Note": [("Completat de", "Ion Popescu"), ("Data", "05.04.2024")]},
    )  # fmt: skip
    return with_saved_formula_values(content, {"D12": 3})


def broken_partner_xlsx() -> bytes:
    """A report with one problem of each common kind, for error reports and annotated workbooks.

    B6 unknown indicator, C7 unknown period, D8 not a number, D9 percentage over 100, D10 formula without
    a saved result, D11 duplicate of D6's indicator and period.
    """
    rows = [
        ("ESU-SERVISES", "P1", "3", None),
        ("ESU-SERVICES", "P9", "4", None),
        ("ESU-USERS", "P1", "12,5,0", None),
        ("DSK-BASIC", "P1", "140 %", None),
        ("ESU-TRANSACTIONS", "P1", "=B2*2", None),
        ("DSK-TRAINED", "P1", "5", None),
        ("DSK-TRAINED", "P1", "6", None),
    ]
    return xlsx(
        rows, ROMANIAN_HEADER, sheet="Raport", first_column=2, header_row=5, title_rows=("Raport",)
    )


def with_saved_formula_values(
    content: bytes, values: dict[str, object], sheet_index: int = 1
) -> bytes:
    """``content`` with saved results added to formula cells ({"C7": 2}), as Excel would store them.

    openpyxl writes formulas without results; Excel and LibreOffice save both, which is what the importer
    reads. ``sheet_index`` is the n-th worksheet (xl/worksheets/sheetN.xml).
    """
    path = f"xl/worksheets/sheet{sheet_index}.xml"
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read(path).decode()
    for reference, value in values.items():
        xml = re.sub(
            rf'(<c r="{reference}"[^>]*>)(<f>.*?</f>)(<v\s*/>|<v></v>)?',
            lambda m, v=value: f"{m.group(1)}{m.group(2)}<v>{v}</v>",
            xml,
        )
    return _replace_zip_member(source, path, xml.encode())


def _replace_zip_member(source: zipfile.ZipFile, path: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, data if item.filename == path else source.read(item.filename))
    return buffer.getvalue()


def ods(
    sheets: dict[str, Sequence[Row]], percent_cells: dict[str, set[tuple[int, int]]] | None = None
) -> bytes:
    """An .ods (LibreOffice) workbook. ``percent_cells[sheet]`` holds 0-based (row, column) positions of
    numbers stored as percentages (0.45 shown as 45 %), as LibreOffice does for a percent-formatted cell."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row_index, row in enumerate(rows):
            table_row = TableRow()
            for column_index, value in enumerate(row):
                percent = (row_index, column_index) in (percent_cells or {}).get(name, set())
                if value is None:
                    cell = TableCell()
                elif isinstance(value, int | float):
                    kind = "percentage" if percent else "float"
                    cell = TableCell(valuetype=kind, value=value)
                    cell.addElement(P(text=f"{value * 100:g} %" if percent else f"{value:g}"))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Row], *, encoding: str = "utf-8", delimiter: str = ";", bom: bool = False
) -> bytes:
    """A CSV file as exported by Excel in the partner's locale (semicolons, comma decimals as text)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(
        ["" if v is None else v for v in row] for row in rows
    )
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xls(rows: Sequence[Row], sheet: str = "Indicators") -> bytes:
    """A real Excel 97-2003 .xls (written with xlwt)."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if value is not None:
                ws.write(row_index, column_index, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_xlsx(password: str = "secret") -> bytes:
    """A password-protected .xlsx, encrypted the way Excel does it (msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx([("ESU-SERVICES", "P1", 3)])
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    return encrypted.getvalue()


def zip_bomb_xlsx(expanded_bytes: int = 50 * 1024 * 1024) -> bytes:
    """A file that looks like an .xlsx but whose sheet expands to ``expanded_bytes`` of XML padding."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def docx_like_zip() -> bytes:
    """A zip that is a Word document, not a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def empty_xlsx() -> bytes:
    """An .xlsx whose only sheet has no cells."""
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fill_template(
    template: bytes, values: dict[tuple[str, str], object], stages: dict[str, tuple] | None = None
) -> bytes:
    """The template filled as a partner would: ``values[(code, period)]`` into the Value column, adding a
    row when the template has none for that pair; ``stages[change_code] = (stage, date, url, note)``."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Indicators"]
    header = [cell.value for cell in sheet[1]]
    code_col, period_col, value_col = (
        header.index("Code") + 1,
        header.index("Period") + 1,
        header.index("Value") + 1,
    )
    rows = {
        (sheet.cell(r, code_col).value, sheet.cell(r, period_col).value): r
        for r in range(2, sheet.max_row + 1)
    }
    for (code, period), value in values.items():
        row = rows.get((code, period))
        if row is None:
            row = sheet.max_row + 1
            sheet.cell(row, 1, sheet.cell(2, 1).value)
            sheet.cell(row, code_col, code)
            sheet.cell(row, period_col, period)
        sheet.cell(row, value_col, value)
    if stages:
        policy = book["Policy changes"]
        by_code = {policy.cell(r, 1).value: r for r in range(2, policy.max_row + 1)}
        for code, (stage, day, url, note) in stages.items():
            row = by_code[code]
            for column, value in ((4, stage), (5, day), (6, url), (7, note)):
                policy.cell(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
