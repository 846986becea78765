"""Opening an uploaded file safely and fast: refuse what is unsafe or unreadable, then read cell values.

Cell values come from python-calamine (about 12x faster than openpyxl, see TECH.md). Calamine does not say
which cells are formatted as percentages or hold a formula without a saved value, so for .xlsx/.xlsm the
sheet XML is scanned for those, and only when the workbook has a percent style or a formula at all.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

import python_calamine
from lxml import etree

from rules.problems import Problem, error, warning

from .headers import ACCENTED_HEADER_WORDS

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Compound File Binary: .xls, or an encrypted .xlsx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# An .xlsx of the maximum upload size holds well under 10x its size of XML; more is a zip bomb.
ZIP_EXPANSION_FACTOR = 10
ZIP_MAX_RATIO = 100  # compression ratio no real worksheet reaches
ZIP_MAX_MEMBERS = 10_000
_KNOWN_NOT_SPREADSHEETS = {
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"{\\rtf": "rtf",
}
CSV_ENCODINGS = ("cp1250", "cp1257", "cp1252")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


# Partner files are untrusted: no entity expansion (billion laughs), no DTD, no network access.
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class UnreadableFile(Exception):
    """The file cannot be read at all; ``issue`` says why and what to do."""

    def __init__(self, issue: Problem):
        super().__init__(issue.message)
        self.issue = issue


@dataclass
class Sheet:
    """One worksheet. ``rows()`` yields lists of cell values; row i and column j are 0-based (A1 = 0, 0)."""

    name: str
    _rows: object  # a python_calamine sheet or a list of lists (CSV)
    percent_cells: frozenset[tuple[int, int]] = frozenset()
    formulas_without_value: frozenset[tuple[int, int]] = frozenset()
    merged_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def rows(self) -> Iterator[list[object]]:
        if isinstance(self._rows, list):
            yield from self._rows
            return
        # calamine yields rows from row 0 but columns from the first used column: pad them back.
        padding = [""] * self._rows.start[1] if self._rows.start else []
        for row in self._rows.iter_rows():
            yield padding + row if padding else row


@dataclass
class Workbook:
    kind: str  # "xlsx", "xlsm", "ods", "xls" or "csv"
    sheets: list[Sheet]
    notes: list[Problem] = field(default_factory=list)


def read_workbook(content: bytes, filename: str, max_bytes: int) -> Workbook:
    """Open ``content`` (named ``filename``) after the safety checks; raises UnreadableFile."""
    _refuse_too_large_or_empty(content, max_bytes)
    if content.startswith(_ZIP_MAGIC):
        return _read_zip_workbook(content, filename, max_bytes)
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in content:
            raise UnreadableFile(_encrypted_issue())
        return _read_calamine(content, "xls", [_old_xls_note()])
    for magic, what in _KNOWN_NOT_SPREADSHEETS.items():
        if content.startswith(magic):
            raise UnreadableFile(_not_a_spreadsheet(filename, what))
    if b"\x00" in content[:8192] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(_not_a_spreadsheet(filename, "binary"))
    if PurePath(filename).suffix.lower() not in CSV_SUFFIXES:
        raise UnreadableFile(_not_a_spreadsheet(filename, "text"))
    return read_csv(content, filename)


def refuse_unsafe_package(content: bytes, filename: str, max_bytes: int) -> None:
    """The size, emptiness and zip-bomb checks alone, for code that opens an .xlsx with another reader
    (the setup workbook uses openpyxl); raises UnreadableFile."""
    _refuse_too_large_or_empty(content, max_bytes)
    if content.startswith(_ZIP_MAGIC):
        _refuse_zip_bomb(_zip_members(content, filename), max_bytes)


def _refuse_too_large_or_empty(content: bytes, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise UnreadableFile(
            error(
                "file-too-large",
                size=f"{len(content) / 1048576:.1f}",
                limit=f"{max_bytes / 1048576:.0f}",
            )
        )
    if not content.strip():
        raise UnreadableFile(error("empty-workbook", variant="empty-file"))


def _zip_members(content: bytes, filename: str) -> list[zipfile.ZipInfo]:
    try:
        return zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableFile(
            error("corrupt-file", variant="not-a-zip", filename=filename)
        ) from None


def _encrypted_issue() -> Problem:
    return error("encrypted-workbook")


def _old_xls_note() -> Problem:
    return warning("old-xls-format")


def _not_a_spreadsheet(filename: str, what: str) -> Problem:
    return error("not-a-spreadsheet", variant=what, filename=filename)


def _read_zip_workbook(content: bytes, filename: str, max_bytes: int) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableFile(
            error("corrupt-file", variant="not-a-zip", filename=filename)
        ) from None
    _refuse_zip_bomb(members, max_bytes)
    names = {member.filename for member in members}
    if "xl/workbook.xml" in names:
        kind = (
            "xlsm" if "xl/vbaProject.bin" in names or filename.lower().endswith(".xlsm") else "xlsx"
        )
        workbook = _read_calamine(content, kind, [])
        _with_damage_reported(filename, _mark_xlsx_cells, archive, workbook)
        return workbook
    if "content.xml" in names and _is_ods(archive, names):
        workbook = _read_calamine(content, "ods", [])
        _with_damage_reported(filename, _mark_ods_percent_cells, archive, workbook)
        return workbook
    what = "word" if "word/document.xml" in names else "zip"
    raise UnreadableFile(_not_a_spreadsheet(filename, what))


def _with_damage_reported(
    filename: str, mark, archive: zipfile.ZipFile, workbook: Workbook
) -> None:
    try:
        mark(archive, workbook)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, ValueError) as problem:
        raise UnreadableFile(
            error("corrupt-file", variant="named", filename=filename, detail=str(problem)[:300])
        ) from None


def _is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    return "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype")[:100]


def _refuse_zip_bomb(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    expanded = sum(member.file_size for member in members)
    ratios = [
        member.file_size / max(member.compress_size, 1)
        for member in members
        if member.file_size > 1_048_576
    ]
    if (
        len(members) > ZIP_MAX_MEMBERS
        or expanded > ZIP_EXPANSION_FACTOR * max_bytes
        or any(ratio > ZIP_MAX_RATIO for ratio in ratios)
    ):
        raise UnreadableFile(error("zip-bomb", expanded=f"{expanded / 1048576:.0f}"))


def _read_calamine(content: bytes, kind: str, notes: list[Problem]) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue  # the template's hidden Lists sheet; partners' hidden sheets hold no report
            merged = list(sheet.merged_cell_ranges or []) if kind != "xls" else []
            sheets.append(Sheet(meta.name, sheet, merged_ranges=merged))
    except python_calamine.PasswordError:
        raise UnreadableFile(_encrypted_issue()) from None
    except python_calamine.CalamineError as problem:
        raise UnreadableFile(error("corrupt-file", detail=str(problem)[:300])) from None
    if not any(sheet._rows.end for sheet in sheets):
        raise UnreadableFile(error("empty-workbook"))
    return Workbook(kind, sheets, notes)


# --- percent formats and formulas in .xlsx -----------------------------------------------------


def _mark_xlsx_cells(archive: zipfile.ZipFile, workbook: Workbook) -> None:
    percent_styles = _percent_style_indexes(archive)
    for sheet in workbook.sheets:
        path = _xlsx_sheet_paths(archive).get(sheet.name)
        if path is None:
            continue
        if not percent_styles and not _contains(archive, path, b"<f"):
            continue
        sheet.percent_cells, sheet.formulas_without_value = _scan_sheet_xml(
            archive, path, percent_styles
        )


def _percent_style_indexes(archive: zipfile.ZipFile) -> frozenset[int]:
    try:
        styles = etree.fromstring(archive.read("xl/styles.xml"), _SAFE_XML)
    except KeyError:
        return frozenset()
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{{{_MAIN_NS}}}numFmt")
    }
    percent_formats = {9, 10} | {
        fmt_id for fmt_id, code in custom.items() if "%" in re.sub(r'"[^"]*"|\\.', "", code)
    }
    cell_xfs = styles.find(f"{{{_MAIN_NS}}}cellXfs")
    if cell_xfs is None:
        return frozenset()
    return frozenset(
        index
        for index, xf in enumerate(cell_xfs.iterchildren(f"{{{_MAIN_NS}}}xf"))
        if int(xf.get("numFmtId", "0")) in percent_formats
    )


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    book = etree.fromstring(archive.read("xl/workbook.xml"), _SAFE_XML)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), _SAFE_XML)
    targets = {
        rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    paths = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


def _contains(archive: zipfile.ZipFile, path: str, needle: bytes) -> bool:
    with archive.open(path) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


_CELL_REFERENCE = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_SCAN_CHUNK_BYTES = 4 << 20


def _scan_sheet_xml(
    archive: zipfile.ZipFile, path: str, percent_styles: frozenset[int]
) -> tuple[frozenset[tuple[int, int]], frozenset[tuple[int, int]]]:
    """Positions of percent-styled cells and of formulas without a saved value.

    Byte searches over the XML in chunks, not an XML parser: parsing every cell of a 100,000-row sheet
    with lxml took longer than the whole import. Chunks end after a row tag, so no cell is split.
    """
    percent, unsaved = set(), set()
    needles = [b' s="%d"' % style for style in sorted(percent_styles)]
    with archive.open(path) as stream:
        carry = b""
        while True:
            chunk = stream.read(_SCAN_CHUNK_BYTES)
            data = carry + chunk
            # Cut after the last "row>" (a </row> or </x:row>): a boundary between cells.
            found = data.rfind(b"row>")
            cut = len(data) if not chunk else found + len(b"row>") if found >= 0 else 0
            block, carry = data[:cut], data[cut:]
            for needle in needles:  # bytes.find is far faster than a regular expression per cell
                position = block.find(needle)
                while position >= 0:
                    tag_start = block.rfind(b"<", 0, position)
                    tag = block[tag_start : block.find(b">", position)]
                    reference = _CELL_REFERENCE.search(tag)
                    if reference and re.match(rb"<(?:\w+:)?c\b", tag):
                        percent.add(_cell_position(reference.group(1).decode()))
                    position = block.find(needle, position + 1)
            if b"<f" in block or b":f" in block:
                for match in _FORMULA_WITHOUT_VALUE.finditer(block):
                    reference = _CELL_REFERENCE.search(match.group(1))
                    if reference:
                        unsaved.add(_cell_position(reference.group(1).decode()))
            if not chunk:
                break
    return frozenset(percent), frozenset(unsaved)


def _cell_position(reference: str) -> tuple[int, int]:
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :]) - 1, column - 1


def _mark_ods_percent_cells(archive: zipfile.ZipFile, workbook: Workbook) -> None:
    by_name = {sheet.name: sheet for sheet in workbook.sheets}
    table_tag, row_tag = f"{{{_ODS_TABLE}}}table", f"{{{_ODS_TABLE}}}table-row"
    cell_tags = {f"{{{_ODS_TABLE}}}table-cell", f"{{{_ODS_TABLE}}}covered-table-cell"}
    repeat_rows, repeat_cols = (
        f"{{{_ODS_TABLE}}}number-rows-repeated",
        f"{{{_ODS_TABLE}}}number-columns-repeated",
    )
    value_type = f"{{{_ODS_OFFICE}}}value-type"
    with archive.open("content.xml") as stream:
        for _event, table in etree.iterparse(
            stream, tag=table_tag, resolve_entities=False, no_network=True, load_dtd=False
        ):
            sheet = by_name.get(table.get(f"{{{_ODS_TABLE}}}name"))
            percent, row_index = set(), 0
            for row in table.iter(row_tag):
                column = 0
                for cell in row:
                    if cell.tag not in cell_tags:
                        continue
                    span = int(cell.get(repeat_cols, "1"))
                    if cell.get(value_type) == "percentage":
                        percent.update((row_index, column + k) for k in range(min(span, 1000)))
                    column += span
                row_index += int(row.get(repeat_rows, "1"))
            if sheet is not None:
                sheet.percent_cells = frozenset(percent)
            table.clear()


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(content: bytes, filename: str) -> Workbook:
    """A CSV file as a one-sheet workbook: encoding and delimiter are worked out from the content."""
    text, encoding = decode_text(content)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise UnreadableFile(error("empty-workbook", variant="file"))
    delimiter = _sniff_delimiter(lines[:50])
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    notes = []
    if encoding in CSV_ENCODINGS:
        notes.append(warning("csv-encoding-guessed", encoding=encoding))
    sheet_name = PurePath(filename).stem or "CSV"
    return Workbook("csv", [Sheet(sheet_name, rows)], notes)


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 with BOM, else the
    Windows code page (1250 Central European, 1257 Baltic, 1252 Western) whose letters look right."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = {
        encoding: content.decode(encoding, errors="replace") for encoding in CSV_ENCODINGS
    }
    best = max(CSV_ENCODINGS, key=lambda encoding: _plausibility(candidates[encoding], encoding))
    return candidates[best], best


# Letters of the languages each code page is used for; anything else non-ASCII counts against it.
_PLAUSIBLE_LETTERS = {
    "cp1250": set("ăâîșşțţĂÂÎȘŞȚŢčćđšžČĆĐŠŽáéíóúäöüÁÉÍÓÚ"),  # Romanian, Croatian
    "cp1257": set("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽąęėįųĄĘĖĮŲõäöüÕÄÖÜ"),
    "cp1252": set("éèêëàâçîïôûùüœÿÉÈÊÀÂÇÎÔŒäöüßáíóúñ"),
}


def _plausibility(text: str, encoding: str) -> int:
    letters = _PLAUSIBLE_LETTERS[encoding]
    score = sum(
        1 if ch in letters else -2 for ch in text if ord(ch) > 127 and ch not in "€–—’“”„«»°…"
    )
    # Header words spelled right in this code page settle ties between code pages (â, î, ç are in all).
    header_words = {
        cell.strip().lower()
        for line in text.splitlines()[:30]
        for cell in re.split(r"[;,\t]", line)
    }
    return score + 10 * len(header_words & ACCENTED_HEADER_WORDS)


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields most often.

    csv.Sniffer is fooled by comma decimals in semicolon files ("a;b;12,5"), so count fields instead;
    on a tie the delimiter giving more fields wins, then the semicolon (Europe's default).
    """
    lines = [line for line in lines if line.strip()]

    def score(delimiter: str) -> tuple[int, int, bool]:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        mode = max(set(counts), key=counts.count)
        return (counts.count(mode) if mode > 1 else 0, mode, delimiter == ";")

    return max(";,\t", key=score)
