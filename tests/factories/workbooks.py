"""Real, messy partner workbooks written by code: .xlsx, .ods, .csv (several encodings), .xls, plus the
unsafe and broken files the importer must refuse. Used by the importer tests and the Upload page's browser
tests, so every function is public, documented and returns the file's bytes.

Rows are given as lists of cell values; ``None`` leaves a cell empty.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font

from importers.headers import column_role, find_named_header

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
    hidden_sheets: Sequence[str] = (),
) -> bytes:
    """An .xlsx with ``title_rows`` (merged across the table) above a header on ``header_row``.

    ``percent_cells`` ("C7") get the 0% number format; ``merge`` ranges ("A6:A8") are merged after writing;
    strings starting with "=" become formulas without a saved value (openpyxl never computes them).
    ``hidden_sheets`` names the sheets (``sheet`` or extra ones) saved hidden.
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
    for name in hidden_sheets:
        book[name].sheet_state = "hidden"
    visible = [index for index, ws in enumerate(book.worksheets) if ws.sheet_state == "visible"]
    book.active = visible[0] if visible else 0
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
    sheets: dict[str, Sequence[Row]],
    percent_cells: dict[str, set[tuple[int, int]]] | None = None,
    *,
    merged: dict[str, Sequence[tuple[int, int, int, int]]] | None = None,
) -> bytes:
    """An .ods (LibreOffice) workbook. ``percent_cells[sheet]`` holds 0-based (row, column) positions of
    numbers stored as percentages (0.45 shown as 45 %), as LibreOffice does for a percent-formatted cell.
    ``merged[sheet]`` holds 0-based (top, left, bottom, right) ranges: the top-left cell spans them and
    the others are written as covered cells, as LibreOffice saves merged cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        spans = {
            (top, left): (bottom, right)
            for top, left, bottom, right in (merged or {}).get(name, ())
        }
        covered = {
            (row, column)
            for (top, left), (bottom, right) in spans.items()
            for row in range(top, bottom + 1)
            for column in range(left, right + 1)
            if (row, column) != (top, left)
        }
        for row_index, row in enumerate(rows):
            table_row = TableRow()
            for column_index, value in enumerate(row):
                percent = (row_index, column_index) in (percent_cells or {}).get(name, set())
                if (row_index, column_index) in covered:
                    table_row.addElement(CoveredTableCell())
                    continue
                if value is None:
                    cell = TableCell()
                elif isinstance(value, int | float):
                    kind = "percentage" if percent else "float"
                    cell = TableCell(valuetype=kind, value=value)
                    cell.addElement(P(text=f"{value * 100:g} %" if percent else f"{value:g}"))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                if (row_index, column_index) in spans:
                    bottom, right = spans[(row_index, column_index)]
                    cell.setAttribute("numberrowsspanned", str(bottom - row_index + 1))
                    cell.setAttribute("numbercolumnsspanned", str(right - column_index + 1))
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


def xls(
    rows: Sequence[Row],
    sheet: str = "Indicators",
    *,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> bytes:
    """A real Excel 97-2003 .xls (written with xlwt). ``merged`` holds 0-based (top, left, bottom,
    right) ranges, merged with the value of their top-left cell (a MERGEDCELLS record)."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet(sheet)
    covered = set()
    for top, left, bottom, right in merged:
        value = rows[top][left] if left < len(rows[top]) else None
        ws.write_merge(top, bottom, left, right, "" if value is None else value)
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if value is not None and (row_index, column_index) not in covered:
                ws.write(row_index, column_index, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_xlsx(password: str = "secret") -> bytes:
    """A password-protected .xlsx, encrypted the way Excel does it (msoffcrypto-tool)."""
    return encrypted_package(xlsx([("ESU-SERVICES", "P1", 3)]), password)


def encrypted_package(plain: bytes, password: str = "secret") -> bytes:
    """An .xlsx, .xlsm or .xlsb package encrypted the way Excel does it (agile encryption in an OLE
    container holding EncryptionInfo and EncryptedPackage, written by msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    return encrypted.getvalue()


def encrypted_xls(method: str = "rc4") -> bytes:
    """A password-protected .xls: a FILEPASS record right after the workbook stream's BOF, and the
    record bodies after it scrambled, as Excel's RC4 ("rc4") or XOR obfuscation ("xor") leave them.

    No Python library writes an encrypted .xls, so xlwt's file is changed in place: FILEPASS (and a
    shortened WRITEACCESS) replace the INTERFACEHDR, MMS, INTERFACEEND and WRITEACCESS records, which
    take the same number of bytes, so the OLE container stays valid.
    """
    import olefile

    content = bytearray(xls([("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 3)]))
    ole = olefile.OleFileIO(io.BytesIO(bytes(content)))
    entry = ole.direntries[ole._find(["Workbook"])]
    start, size = (entry.isectStart + 1) * ole.sectorsize, entry.size
    ole.close()
    bof_type, bof_length = struct.unpack_from("<HH", content, start)
    assert bof_type == 0x0809
    position = start + 4 + bof_length
    records = []
    while position < start + min(
        size, ole.sectorsize
    ):  # xlwt's first sector holds the globals' head
        record, length = struct.unpack_from("<HH", content, position)
        records.append((record, position, length))
        position += 4 + length
    assert [record for record, _, _ in records[:4]] == [0x00E1, 0x00C1, 0x00E2, 0x005C]
    replaced = sum(4 + length for _, _, length in records[:4])
    if method == "xor":  # wEncryptionType 0, key, verifier
        filepass = struct.pack("<HHHHH", 0x002F, 6, 0x0000, 0x1F2E, 0x3D4C)
    else:  # wEncryptionType 1, RC4 CryptoAPI 4.2: version, flags, then header and verifier bytes
        body = struct.pack("<HHH", 0x0001, 0x0004, 0x0002) + bytes(range(48))
        filepass = struct.pack("<HH", 0x002F, len(body)) + body
    padding = replaced - len(filepass) - 4
    head = filepass + struct.pack("<HH", 0x005C, padding) + b" " * padding
    first = records[0][1]
    content[first : first + replaced] = head
    # The records after FILEPASS are encrypted in a real file: scramble their bodies, keep headers.
    position = first + replaced
    end = start + size
    while position + 4 <= end:
        record, length = struct.unpack_from("<HH", content, position)
        body_start = position + 4
        for index in range(body_start, min(body_start + length, end)):
            content[index] ^= 0xA5
        position = body_start + length
    return bytes(content)


def encrypted_ods() -> bytes:
    """A password-protected .ods as LibreOffice saves it: the manifest gives content.xml (and styles)
    encryption-data, and their bytes are ciphertext."""
    plain = zipfile.ZipFile(io.BytesIO(ods({"Rapport": [("Indicateur", "Période", "Valeur")]})))
    manifest = plain.read("META-INF/manifest.xml").decode()
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0#sha256-1k" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" '
        'manifest:iteration-count="100000" manifest:salt="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        "</manifest:encryption-data>"
    )
    for part in ("content.xml", "styles.xml"):
        manifest = re.sub(
            rf'(<manifest:file-entry manifest:full-path="{part}"[^>]*?)/>',
            rf"\1>{encryption}</manifest:file-entry>",
            manifest,
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in plain.infolist():
            data = plain.read(item.filename)
            if item.filename == "META-INF/manifest.xml":
                data = manifest.encode()
            elif item.filename in ("content.xml", "styles.xml"):
                data = bytes((byte * 7 + 3) % 256 for byte in data)  # stands for AES ciphertext
            target.writestr(item, data)
    return buffer.getvalue()


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
    row when the template has none for that pair; ``stages[change_code] = (stage, date, url, note)``.

    Sheets and columns are found as the importer finds them (by the role of each header cell), so a
    template in any of the five languages is filled the same way."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet, columns = template_table(book, "value")
    code_col, period_col, value_col = columns["indicator"], columns["period"], columns["value"]
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
        policy, columns = template_table(book, "change")
        by_code = {policy.cell(r, columns["change"]).value: r for r in range(2, policy.max_row + 1)}
        for code, typed in stages.items():
            roles = ("stage", "date", "evidence_url", "comment")
            for role, value in zip(roles, typed, strict=True):
                policy.cell(by_code[code], columns[role], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_table(book: openpyxl.Workbook, role: str) -> tuple[object, dict[str, int]]:
    """(sheet, role -> 1-based column) of the visible sheet whose first row has a ``role`` column
    ("value": Indicators, "change": Policy changes), read with the importer's header vocabulary."""
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        columns = {}
        for cell in sheet[1]:
            columns.setdefault(column_role(cell.value), cell.column)
        if role in columns:
            return sheet, columns
    raise LookupError(f"no sheet has a {role!r} column")


def setup_column(sheet, column: str) -> int:
    """The 1-based column of a setup workbook's sheet that holds ``column`` ("target_value"), read as
    the setup import reads headers (in any of the five languages)."""
    rows = [list(row) for row in sheet.iter_rows(max_row=1, values_only=True)]
    found = find_named_header(rows, [column], [column])
    if found is None:
        raise LookupError(f"{sheet.title} has no {column!r} column")
    return found[1][column] + 1


# --- packages written by hand: other layouts, other kinds --------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_XLSX_MAIN = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}
# Part names of the layout Excel writes; ``ooxml_xlsx(parts=...)`` puts them elsewhere.
STANDARD_PARTS = {
    "workbook": "xl/workbook.xml",
    "sheet": "xl/worksheets/sheet{n}.xml",
    "strings": "xl/sharedStrings.xml",
    "styles": "xl/styles.xml",
}
PERCENT_STYLE = 1  # the cellXfs index ooxml_xlsx gives percent cells (built-in format 9, "0%")


def ooxml_xlsx(
    sheets: dict[str, Sequence[Row]],
    *,
    parts: dict[str, str] | None = None,
    backslashes: bool = False,
    percent_cells: dict[str, set[tuple[int, int]]] | None = None,
    kind: str = "xlsx",
    styles_xml: str | None = None,
    absolute_targets: bool = False,
) -> bytes:
    """An .xlsx (or .xlsm) package written part by part, so tests choose where each part lives.

    ``parts`` overrides STANDARD_PARTS ("sheet" holds ``{n}``, the sheet's number); relationship
    targets are written relative to the workbook part (or as absolute part names with
    ``absolute_targets``), as the Open Packaging Conventions allow. ``backslashes`` stores member names
    with Windows separators, as some tools do. Text goes through shared strings; ``percent_cells[sheet]``
    (0-based positions) get a percent style. ``styles_xml`` replaces the styles part.
    """
    names = {**STANDARD_PARTS, **(parts or {})}
    workbook_folder = posixpath.dirname(names["workbook"])

    def target(part: str) -> str:
        return "/" + part if absolute_targets else posixpath.relpath(part, workbook_folder or ".")

    strings: list[str] = []
    members: dict[str, str] = {}
    sheet_entries, workbook_rels, overrides = [], [], []
    for number, (name, rows) in enumerate(sheets.items(), start=1):
        part = names["sheet"].format(n=number)
        percent = (percent_cells or {}).get(name, set())
        members[part] = _sheet_xml(rows, strings, percent)
        sheet_entries.append(
            f'<sheet name="{_escape(name)}" sheetId="{number}" r:id="rId{number}"/>'
        )
        workbook_rels.append((f"rId{number}", "worksheet", target(part)))
        overrides.append(
            (part, "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
        )
    count = len(sheets)
    members[names["strings"]] = (
        f'<sst xmlns="{_MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{_escape(text)}</t></si>' for text in strings)
        + "</sst>"
    )
    members[names["styles"]] = styles_xml or (
        f'<styleSheet xmlns="{_MAIN_NS}"><fonts count="1"><font/></fonts><fills count="1"><fill>'
        '<patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    workbook_rels += [
        (f"rId{count + 1}", "sharedStrings", target(names["strings"])),
        (f"rId{count + 2}", "styles", target(names["styles"])),
    ]
    overrides += [
        (names["workbook"], _XLSX_MAIN[kind]),
        (
            names["strings"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ),
        (names["styles"], "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
    ]
    members[names["workbook"]] = (
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_DOC_REL}"><sheets>{"".join(sheet_entries)}</sheets>'
        "</workbook>"
    )
    folder, base = posixpath.split(names["workbook"])
    members[posixpath.join(folder, "_rels", f"{base}.rels")] = _relationships_xml(workbook_rels)
    members["_rels/.rels"] = _relationships_xml([("rId1", "officeDocument", names["workbook"])])
    members["[Content_Types].xml"] = (
        f'<Types xmlns="{_CT_NS}"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="/{part}" ContentType="{content_type}"/>'
            for part, content_type in overrides
        )
        + "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name.replace("/", "\\") if backslashes else name, text)
    return buffer.getvalue()


class ErrorValue(str):
    """A cell error as Excel saves it (``<c t="e"><v>#SPILL!</v></c>``), for ``ooxml_xlsx`` rows."""


def _sheet_xml(rows: Sequence[Row], strings: list[str], percent: set[tuple[int, int]]) -> str:
    cells_xml = []
    for row_index, row in enumerate(rows):
        cells = []
        for column_index, value in enumerate(row):
            if value is None:
                continue
            reference = f"{_column_letters(column_index)}{row_index + 1}"
            style = f' s="{PERCENT_STYLE}"' if (row_index, column_index) in percent else ""
            if isinstance(value, ErrorValue):
                cells.append(f'<c r="{reference}" t="e"{style}><v>{_escape(value)}</v></c>')
            elif isinstance(value, str):
                if value not in strings:
                    strings.append(value)
                cells.append(f'<c r="{reference}" t="s"{style}><v>{strings.index(value)}</v></c>')
            else:
                cells.append(f'<c r="{reference}"{style}><v>{value}</v></c>')
        cells_xml.append(f'<row r="{row_index + 1}">{"".join(cells)}</row>')
    return f'<worksheet xmlns="{_MAIN_NS}"><sheetData>{"".join(cells_xml)}</sheetData></worksheet>'


def _relationships_xml(entries: Sequence[tuple[str, str, str]]) -> str:
    return (
        f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="{rel_id}" Type="{_DOC_REL}/{rel_type}" Target="{target}"/>'
            for rel_id, rel_type, target in entries
        )
        + "</Relationships>"
    )


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _column_letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsb(sheets: dict[str, Sequence[Row] | dict[int, Row]], *, hidden: Sequence[str] = ()) -> bytes:
    """An Excel binary workbook (.xlsb), written record by record (MS-XLSB), since no Python library
    writes one: workbook.bin (BrtBundleSh per sheet), sheetN.bin (BrtRowHdr, then BrtCellIsst for
    text, BrtCellReal for numbers), sharedStrings.bin, the relationships and content types.
    ``hidden`` sheets are saved hidden (hsState 1); a sheet given as {row index: row} has only those
    rows. python-calamine reads it back (tests check)."""
    strings: list[str] = []
    members: dict[str, bytes] = {}
    bundles = b""
    sheet_rels = []
    for number, (name, rows) in enumerate(sheets.items(), start=1):
        body = b""
        numbered = list(rows.items() if isinstance(rows, dict) else enumerate(rows))
        for row_index, row in numbered:
            body += _record(0x0000, struct.pack("<IIH", row_index, 0, 300) + bytes(3) + bytes(4))
            for column_index, value in enumerate(row):
                cell = struct.pack("<II", column_index, 0)
                if value is None:
                    continue
                if isinstance(value, str):
                    if value not in strings:
                        strings.append(value)
                    body += _record(0x0007, cell + struct.pack("<I", strings.index(value)))
                else:
                    body += _record(0x0005, cell + struct.pack("<d", float(value)))
        last_row = max((index for index, _ in numbered), default=0)
        width = max((len(row) for _, row in numbered), default=1)
        dimension = struct.pack("<IIII", 0, last_row, 0, max(width - 1, 0))
        members[f"xl/worksheets/sheet{number}.bin"] = (
            _record(0x0081) + _record(0x0094, dimension) + _record(0x0091) + body
            + _record(0x0092) + _record(0x0082)
        )  # fmt: skip
        state = 1 if name in hidden else 0
        bundles += _record(
            0x009C, struct.pack("<II", state, number) + _wide(f"rId{number}") + _wide(name)
        )
        sheet_rels.append((f"rId{number}", "worksheet", f"worksheets/sheet{number}.bin"))
    members["xl/workbook.bin"] = (
        _record(0x0083) + _record(0x008F) + bundles + _record(0x0090) + _record(0x0084)
    )
    members["xl/sharedStrings.bin"] = (
        _record(0x009F, struct.pack("<II", len(strings), len(strings)))
        + b"".join(_record(0x0013, b"\x00" + _wide(text)) for text in strings)
        + _record(0x00A0)
    )
    sheet_rels.append((f"rId{len(sheets) + 1}", "sharedStrings", "sharedStrings.bin"))
    text_members = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_CT_NS}"><Default Extension="bin" '
            'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
                for n in range(1, len(sheets) + 1)
            )
            + '<Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/>'
            "</Types>"
        ),
        "_rels/.rels": _relationships_xml([("rId1", "officeDocument", "xl/workbook.bin")]),
        "xl/_rels/workbook.bin.rels": _relationships_xml(sheet_rels),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in text_members.items():
            archive.writestr(name, text)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _record(record_type: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: its type and size in 7-bit groups (high bit: another byte follows)."""
    head = bytearray()
    if record_type < 0x80:
        head.append(record_type)
    else:
        head += bytes([(record_type & 0x7F) | 0x80, record_type >> 7])
    size = len(payload)
    while True:
        low, size = size & 0x7F, size >> 7
        head.append(low | 0x80 if size else low)
        if not size:
            break
    return bytes(head) + payload


def _wide(text: str) -> bytes:
    """An XLWideString: a 32-bit count of UTF-16 code units, then the UTF-16LE text."""
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


def zip_of_many_members(count: int) -> bytes:
    """A zip of ``count`` tiny members (with a workbook part, so it looks like an .xlsx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(count):
            archive.writestr(f"xl/media/{index}.txt", "")
    return buffer.getvalue()


def zip_expanding_in_small_members(members: int, member_bytes: int = 900 * 1024) -> bytes:
    """A zip whose members are each under the 1 MB the ratio rule looks at, but expand hugely in all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(members):
            archive.writestr(f"xl/worksheets/sheet{index}.xml", b" " * member_bytes)
    return buffer.getvalue()


def far_reaching(kind: str) -> bytes:
    """A tiny workbook with a value in its first cell and one in the last cell the format allows
    (XFD1048576): read densely, as python-calamine reads, it would need hundreds of gigabytes.
    ``kind`` is "xlsx", "ods" (a row repeated 1,048,576 times holding 16,384 repeated values) or "xlsb"."""
    rows = [("Indicator", "Period", "Value")]
    if kind == "xlsx":
        content = ooxml_xlsx({"Raport": rows})
        far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        return _edited(
            content, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</sheetData>", far)
        )
    if kind == "ods":
        content = ods({"Raport": rows})
        far = (
            '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="16384" office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
        )
        return _edited(content, "content.xml", lambda xml: xml.replace("</table:table>", far, 1))
    if kind == "xlsb":
        return xlsb({"Raport": {0: rows[0], 1_048_575: (None,) * 16_383 + (1,)}})
    raise ValueError(kind)


def damaged_xls(what: str) -> bytes:
    """An .xls whose workbook stream says what no valid one can: "dimensions" (a DIMENSIONS record
    whose first row lies past its last, as one flipped bit makes it) or "column" (a cell in column
    65,535, past the 256 columns of the format)."""
    import olefile

    content = bytearray(xls([("Indicator", "Period", "Value"), ("ESU-SERVICES", "P1", 3)]))
    ole = olefile.OleFileIO(io.BytesIO(bytes(content)))
    entry = ole.direntries[ole._find(["Workbook"])]
    start, size = (entry.isectStart + 1) * ole.sectorsize, entry.size
    ole.close()
    position = start
    while position + 4 <= start + size:
        record, length = struct.unpack_from("<HH", content, position)
        body = position + 4
        if what == "dimensions" and record == 0x0200:
            struct.pack_into("<I", content, body, 0x80000000)  # first row far below the last
            return bytes(content)
        if what == "column" and record in (0x00FD, 0x0203, 0x027E):  # row, then column
            struct.pack_into("<H", content, body + 2, 0xFFFF)
            return bytes(content)
        position = body + length
    raise ValueError(what)


def _edited(content: bytes, member: str, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    return _replace_zip_member(source, member, edit(source.read(member).decode()).encode())
