"""Opening an uploaded file safely and fast: refuse what is unsafe or unreadable, then read cell values.

Cell values come from python-calamine (about 12x faster than openpyxl, see TECH.md); an .xlsx or .xlsm it
cannot read is tried with openpyxl (read-only) before it is called damaged. What the file is comes from its
container, never from its name (importers.containers): encryption, zip bombs, where a package keeps its
workbook. Calamine does not say which cells are formatted as percentages, hold a formula without a saved
value or are merged in an .ods, so the sheet XML is scanned for those (for .xlsx/.xlsm only when the
workbook has a percent style or a formula at all).

Any failure while reading is an UnreadableFile with one sentence, never another exception: a reader's
surprise on a damaged file is logged (without cell values) and reported as a damaged file.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import traceback
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
import python_calamine
from lxml import etree

from rules.problems import Problem, error, warning

from . import containers
from .containers import Package
from .headers import ACCENTED_HEADER_WORDS

_log = logging.getLogger(__name__)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex(
    "D0CF11E0A1B11AE1"
)  # Compound File Binary: .xls, or an encrypted package
_KNOWN_NOT_SPREADSHEETS = {
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"{\\rtf": "rtf",
}
CSV_ENCODINGS = ("cp1250", "cp1257", "cp1252")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_CSV_SNIFF_LINES = 50

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_MAX_SPAN = 1000  # a span or repetition wider than this is formatting, not cells with values


class UnreadableFile(Exception):
    """The file cannot be read at all; ``issue`` says why and what to do."""

    def __init__(self, issue: Problem):
        super().__init__(issue.message)
        self.issue = issue


@dataclass
class Sheet:
    """One worksheet. ``rows()`` yields lists of cell values; row i and column j are 0-based (A1 = 0, 0)."""

    name: str
    _rows: (
        object  # a python_calamine sheet, or a list of lists (CSV, and workbooks read by openpyxl)
    )
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

    @property
    def has_cells(self) -> bool:
        if isinstance(self._rows, list):
            return any(not _blank_cell(value) for row in self._rows for value in row)
        return bool(self._rows.end)


@dataclass
class Workbook:
    kind: str  # "xlsx", "xlsm", "xlsb", "ods", "xls" or "csv"
    sheets: list[Sheet]
    notes: list[Problem] = field(default_factory=list)


def read_workbook(content: bytes, filename: str, max_bytes: int) -> Workbook:
    """Open ``content`` (named ``filename``) after the safety checks; raises UnreadableFile, and only
    UnreadableFile."""
    _refuse_too_large_or_empty(content, max_bytes)
    try:
        return _read(content, filename, max_bytes)
    except UnreadableFile:
        raise
    except BaseException as problem:  # python-calamine's Rust panics are BaseExceptions
        if not _is_reader_failure(problem):
            raise
        _log_failure("reading", filename, problem)
        raise UnreadableFile(
            error("corrupt-file", variant="unexpected", filename=filename)
        ) from None


def refuse_unsafe_package(content: bytes, filename: str, max_bytes: int) -> None:
    """The size, emptiness and zip-bomb checks alone, for code that opens an .xlsx with another reader
    (the annotated workbook uses openpyxl); raises UnreadableFile."""
    _refuse_too_large_or_empty(content, max_bytes)
    if content.startswith(_ZIP_MAGIC):
        bomb = containers.zip_bomb(_open_zip(content, filename).infolist(), max_bytes)
        if bomb is not None:
            raise UnreadableFile(bomb)


def _read(content: bytes, filename: str, max_bytes: int) -> Workbook:
    if content.startswith(_ZIP_MAGIC):
        return _read_zip_workbook(content, filename, max_bytes)
    if content.startswith(_OLE_MAGIC):
        return _read_ole_workbook(content, filename)
    for magic, what in _KNOWN_NOT_SPREADSHEETS.items():
        if content.startswith(magic):
            raise UnreadableFile(_not_a_spreadsheet(filename, what))
    if b"\x00" in content[:8192] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(_not_a_spreadsheet(filename, "binary"))
    if PurePath(filename).suffix.lower() not in CSV_SUFFIXES:
        raise UnreadableFile(_not_a_spreadsheet(filename, "text"))
    return read_csv(content, filename)


def _blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_reader_failure(problem: BaseException) -> bool:
    """An exception a reader raised on a damaged file (pyo3's PanicException is no Exception)."""
    return isinstance(problem, Exception) or type(problem).__name__ == "PanicException"


def _log_failure(what: str, filename: str, problem: BaseException) -> None:
    """Log where a reader failed, never with its message: messages can quote cell values."""
    _log.warning(
        "%s %r failed: %s at %s", what, filename, type(problem).__name__, crash_place(problem)
    )


def crash_place(problem: BaseException) -> str:
    """``file:line`` where ``problem`` was raised, for a log line that must not quote its message (a
    message can quote cell values)."""
    frames = traceback.extract_tb(problem.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


def too_large(content: bytes, max_bytes: int) -> Problem | None:
    """The ``file-too-large`` error when ``content`` is over the upload limit, else None: decided from
    the size alone, before anything is read or kept."""
    if len(content) <= max_bytes:
        return None
    return error(
        "file-too-large", size=f"{len(content) / 1048576:.1f}", limit=f"{max_bytes / 1048576:.0f}"
    )


def _refuse_too_large_or_empty(content: bytes, max_bytes: int) -> None:
    refusal = too_large(content, max_bytes)
    if refusal is not None:
        raise UnreadableFile(refusal)
    if not content.strip():
        raise UnreadableFile(error("empty-workbook", variant="empty-file"))


def _open_zip(content: bytes, filename: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(
            error("corrupt-file", variant="not-a-zip", filename=filename)
        ) from None


def _encrypted_issue() -> Problem:
    return error("encrypted-workbook")


def _not_a_spreadsheet(filename: str, what: str) -> Problem:
    return error("not-a-spreadsheet", variant=what, filename=filename)


def _damaged(filename: str, detail: str) -> Problem:
    return error("corrupt-file", variant="named", filename=filename, detail=detail[:300])


def _read_ole_workbook(content: bytes, filename: str) -> Workbook:
    kind = containers.ole_kind(content)
    if kind == "encrypted":
        raise UnreadableFile(_encrypted_issue())
    if kind == "xls":
        return _read_calamine(content, "xls", [warning("old-xls-format")], filename)
    if kind == "word":
        raise UnreadableFile(_not_a_spreadsheet(filename, "word"))
    if kind == "other":
        raise UnreadableFile(_not_a_spreadsheet(filename, "binary"))
    raise UnreadableFile(_damaged(filename, "the OLE container is broken"))


def _read_zip_workbook(content: bytes, filename: str, max_bytes: int) -> Workbook:
    archive = _open_zip(content, filename)
    bomb = containers.zip_bomb(archive.infolist(), max_bytes)
    if bomb is not None:
        raise UnreadableFile(bomb)
    package = Package(archive)
    odf = containers.odf_kind(package)
    if odf == "encrypted":
        raise UnreadableFile(error("encrypted-workbook", variant="ods"))
    if odf == "ods":
        tables = _with_damage_reported(filename, _scan_ods_content, package)
        for name, table in tables.items():
            _refuse_far_reaching(name, table.rows, table.columns)
        workbook = _read_calamine(content, "ods", [], filename)
        for sheet in workbook.sheets:
            if sheet.name in tables:
                sheet.percent_cells = frozenset(tables[sheet.name].percent)
                sheet.merged_ranges = tables[sheet.name].merged
        return workbook
    office = containers.office_workbook(package)
    if isinstance(office, str):
        raise UnreadableFile(_not_a_spreadsheet(filename, office))
    if not containers.calamine_ready(package, office):
        # A valid package in another layout (workbook elsewhere, backslashes, odd part names).
        content = containers.canonical_copy(package, office)
        package = Package(zipfile.ZipFile(io.BytesIO(content)))
        office = containers.office_workbook(package)
    _with_damage_reported(filename, _refuse_far_reaching_sheets, package, office)
    if office.kind == "xlsb":
        return _read_calamine(content, "xlsb", [warning("xlsb-format")], filename)
    try:
        workbook = _read_calamine(content, office.kind, [], filename)
    except UnreadableFile as refusal:
        if refusal.issue.code != "corrupt-file":
            raise
        workbook = _read_openpyxl(content, office.kind, package, office, filename)
        if workbook is None:
            raise
    _with_damage_reported(filename, _mark_xlsx_cells, package, workbook, office)
    return workbook


def _with_damage_reported(filename: str, mark, *args):
    try:
        return mark(*args)
    except (
        etree.XMLSyntaxError,
        KeyError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
    ) as problem:
        raise UnreadableFile(_damaged(filename, str(problem))) from None


def _refuse_far_reaching_sheets(package: Package, office) -> None:
    names = {}  # the .xlsb workbook part is binary: its sheets are named by their part there
    if office.kind != "xlsb":
        names = {part: name for name, part in containers.sheet_parts(package, office).items()}
    for rel in office.related("worksheet"):
        if not package.has(rel.part):
            continue
        if office.kind == "xlsb":
            rows, columns = containers.xlsb_sheet_extent(package, rel.part)
        else:
            rows, columns = containers.xlsx_sheet_extent(package, rel.part)
        _refuse_far_reaching(names.get(rel.part, rel.part), rows, columns)


def _refuse_far_reaching(sheet: str, rows: int, columns: int) -> None:
    if containers.too_large(rows, columns):
        raise UnreadableFile(
            error(
                "sheet-too-large", sheet, sheet_name=sheet, rows=f"{rows:,}", columns=f"{columns:,}",
                cells=f"{rows * columns:,}", limit=f"{containers.MAX_SHEET_CELLS:,}",
            )
        )  # fmt: skip


def _read_calamine(content: bytes, kind: str, notes: list[Problem], filename: str) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets, hidden = [], []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                hidden.append(meta.name)  # the template's hidden Lists sheet, or hidden data
                continue
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append(
                Sheet(meta.name, sheet, merged_ranges=list(sheet.merged_cell_ranges or []))
            )
        filled_hidden = []
        if not any(sheet.has_cells for sheet in sheets):
            filled_hidden = [name for name in hidden if book.get_sheet_by_name(name).end]
    except python_calamine.PasswordError:
        raise UnreadableFile(_encrypted_issue()) from None
    except python_calamine.CalamineError as problem:
        raise UnreadableFile(error("corrupt-file", detail=str(problem)[:300])) from None
    except BaseException as problem:
        if not _is_reader_failure(problem):
            raise
        _log_failure("calamine reading", filename, problem)
        raise UnreadableFile(error("corrupt-file", detail=type(problem).__name__)) from None
    _refuse_without_visible_cells(sheets, filled_hidden)
    return Workbook(kind, sheets, notes)


def _refuse_without_visible_cells(sheets: list[Sheet], filled_hidden: list[str]) -> None:
    if any(sheet.has_cells for sheet in sheets):
        return
    if filled_hidden:
        raise UnreadableFile(error("hidden-sheets-only", sheets=", ".join(filled_hidden)))
    raise UnreadableFile(error("empty-workbook"))


def _read_openpyxl(
    content: bytes, kind: str, package: Package, office, filename: str
) -> Workbook | None:
    """The workbook read by openpyxl (read-only, saved formula results), for the few valid files
    calamine refuses; None when openpyxl cannot read it either."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # "extension not supported" and the like: values still read
            book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
            try:
                sheets, hidden = [], []
                for worksheet in book.worksheets:
                    worksheet.reset_dimensions()  # read-only sheets trust a dimension tag, often wrong
                    rows = [
                        ["" if value is None else value for value in row]
                        for row in worksheet.iter_rows(values_only=True)
                    ]
                    target = sheets if worksheet.sheet_state == "visible" else hidden
                    target.append(Sheet(worksheet.title, rows))
            finally:
                book.close()
    except Exception as problem:  # noqa: BLE001 - openpyxl's own errors on a damaged file are many
        _log_failure("openpyxl reading", filename, problem)
        return None
    parts = containers.sheet_parts(package, office)
    for sheet in sheets:
        if sheet.name in parts:
            sheet.merged_ranges = _xlsx_merged_ranges(package, parts[sheet.name])
    _refuse_without_visible_cells(sheets, [sheet.name for sheet in hidden if sheet.has_cells])
    return Workbook(kind, sheets, [])


# --- percent formats, formulas and merged cells in .xlsx -------------------------------------------


def _mark_xlsx_cells(package: Package, workbook: Workbook, office) -> None:
    percent_styles = _percent_style_indexes(package, office)
    parts = containers.sheet_parts(package, office)
    for sheet in workbook.sheets:
        path = parts.get(sheet.name)
        if path is None:
            continue
        if not percent_styles and not _contains(package, path, b"<f"):
            continue
        sheet.percent_cells, sheet.formulas_without_value = _scan_sheet_xml(
            package, path, percent_styles
        )


def _percent_style_indexes(package: Package, office) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) that show numbers as percentages. Formats without a
    usable id are skipped: calamine and Excel read such a workbook, so it is no reason to refuse it."""
    styles_parts = [rel.part for rel in office.related("styles") if package.has(rel.part)]
    if not styles_parts:
        return frozenset()
    styles = package.xml(styles_parts[0])
    custom = {}
    for fmt in styles.iter(f"{{{_MAIN_NS}}}numFmt"):
        fmt_id = _integer(fmt.get("numFmtId"))
        if fmt_id is not None:
            custom[fmt_id] = fmt.get("formatCode") or ""
    percent_formats = {9, 10} | {
        fmt_id for fmt_id, code in custom.items() if "%" in re.sub(r'"[^"]*"|\\.', "", code)
    }
    cell_xfs = styles.find(f"{{{_MAIN_NS}}}cellXfs")
    if cell_xfs is None:
        return frozenset()
    return frozenset(
        index
        for index, xf in enumerate(cell_xfs.iterchildren(f"{{{_MAIN_NS}}}xf"))
        if _integer(xf.get("numFmtId", "0")) in percent_formats
    )


def _integer(text: str | None) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _contains(package: Package, path: str, needle: bytes) -> bool:
    with package.open(path) as stream:
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
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"')
_SCAN_CHUNK_BYTES = 4 << 20


def _scan_sheet_xml(
    package: Package, path: str, percent_styles: frozenset[int]
) -> tuple[frozenset[tuple[int, int]], frozenset[tuple[int, int]]]:
    """Positions of percent-styled cells and of formulas without a saved value.

    Byte searches over the XML in chunks, not an XML parser: parsing every cell of a 100,000-row sheet
    with lxml took longer than the whole import. Chunks end after a row tag, so no cell is split.
    """
    percent, unsaved = set(), set()
    needles = [b' s="%d"' % style for style in sorted(percent_styles)]
    with package.open(path) as stream:
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


def _xlsx_merged_ranges(
    package: Package, path: str
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The merged ranges of a worksheet part (``<mergeCell ref="A2:A4"/>``, after the cells), for the
    workbooks openpyxl reads: its read-only mode does not give them."""
    ranges = []
    with package.open(path) as stream:
        carry = b""
        while chunk := stream.read(_SCAN_CHUNK_BYTES):
            data = carry + chunk
            cut = data.rfind(b">") + 1
            for match in _MERGE_CELL.finditer(data[:cut]):
                first = _cell_position(match.group(1).decode())
                last = _cell_position(match.group(2).decode()) if match.group(2) else first
                ranges.append((first, last))
            carry = data[cut:]
    return ranges


def _cell_position(reference: str) -> tuple[int, int]:
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :]) - 1, column - 1


# --- percent cells and merged cells in .ods ----------------------------------------------------------


@dataclass
class _OdsTable:
    percent: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    rows: int = 0  # how far the cells with a value reach, 1-based
    columns: int = 0


def _scan_ods_content(package: Package) -> dict[str, _OdsTable]:
    """Percent cells, merged ranges and reach of each table of content.xml (calamine gives neither
    of the first two for .ods, and must not be given a table reaching past MAX_SHEET_CELLS).

    Positions follow the table's rows and cells, counting ``number-rows-repeated`` and
    ``number-columns-repeated``; a cell spanning rows or columns is a merged range from it.
    """
    tables: dict[str, _OdsTable] = {}
    table_tag, row_tag = f"{{{_ODS_TABLE}}}table", f"{{{_ODS_TABLE}}}table-row"
    cell_tags = {f"{{{_ODS_TABLE}}}table-cell", f"{{{_ODS_TABLE}}}covered-table-cell"}
    repeat_rows, repeat_cols = (
        f"{{{_ODS_TABLE}}}number-rows-repeated",
        f"{{{_ODS_TABLE}}}number-columns-repeated",
    )
    span_rows, span_cols = (
        f"{{{_ODS_TABLE}}}number-rows-spanned",
        f"{{{_ODS_TABLE}}}number-columns-spanned",
    )
    value_type = f"{{{_ODS_OFFICE}}}value-type"
    with package.open("content.xml") as stream:
        for _event, element in etree.iterparse(
            stream, tag=table_tag, resolve_entities=False, no_network=True, load_dtd=False
        ):
            table = tables.setdefault(element.get(f"{{{_ODS_TABLE}}}name") or "", _OdsTable())
            row_index = 0
            for row in element.iter(row_tag):
                row_repeat, column = _count(row.get(repeat_rows)), 0
                for cell in row:
                    if cell.tag not in cell_tags:
                        continue
                    span = _count(cell.get(repeat_cols))
                    if cell.get(value_type) or len(cell):  # a value, or text in paragraphs
                        table.rows = max(table.rows, row_index + row_repeat)
                        table.columns = max(table.columns, column + span)
                    if cell.get(value_type) == "percentage":
                        table.percent.update(
                            (row_index, column + k) for k in range(min(span, _ODS_MAX_SPAN))
                        )
                    rows_spanned, cols_spanned = (
                        _count(cell.get(span_rows)),
                        _count(cell.get(span_cols)),
                    )
                    if rows_spanned > 1 or cols_spanned > 1:
                        table.merged.append(
                            (
                                (row_index, column),
                                (row_index + rows_spanned - 1, column + cols_spanned - 1),
                            )
                        )
                    column += span
                row_index += row_repeat
            element.clear()
    return tables


def _count(text: str | None) -> int:
    """A repetition or span attribute: at least 1, whatever the file says."""
    number = _integer(text)
    return number if number is not None and number > 0 else 1


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(content: bytes, filename: str) -> Workbook:
    """A CSV file as a one-sheet workbook: encoding and delimiter are worked out from the content."""
    text, encoding = decode_text(content)
    filled = [line for line in text.splitlines() if line.strip()]
    if not filled:
        raise UnreadableFile(error("empty-workbook", variant="file"))
    # Blank lines say nothing about the delimiter (a header below 50 of them once left none to count).
    delimiter = _sniff_delimiter(filled[:_CSV_SNIFF_LINES])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as problem:
        raise UnreadableFile(_csv_problem(filename, reader.line_num, problem)) from None
    notes = []
    if encoding in CSV_ENCODINGS:
        notes.append(warning("csv-encoding-guessed", encoding=encoding))
    sheet_name = PurePath(filename).stem or "CSV"
    return Workbook("csv", [Sheet(sheet_name, rows)], notes)


def _csv_problem(filename: str, line: int, problem: csv.Error) -> Problem:
    if "field limit" in str(problem):
        # A cell longer than csv's limit (131,072 characters) is no report's: refuse, rather than
        # raise the limit for the whole process.
        return error(
            "corrupt-file", variant="csv-field", filename=filename, line=line,
            limit=f"{csv.field_size_limit():,}",
        )  # fmt: skip
    return error(
        "corrupt-file", variant="csv", filename=filename, line=line, detail=str(problem)[:300]
    )


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 with BOM, else the
    Windows code page (1250 Central European, 1257 Baltic, 1252 Western) whose letters look right."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # An odd byte count means the last character was cut off: it becomes U+FFFD, and the cell
        # holding it is reported like any other unreadable value.
        return content.decode("utf-16", errors="replace"), "utf-16"
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
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            return (0, 0, False)  # the reader reports the broken line with its number
        mode = max(set(counts), key=counts.count) if counts else 0
        return (counts.count(mode) if mode > 1 else 0, mode, delimiter == ";")

    return max(";,\t", key=score)
