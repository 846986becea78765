"""What an uploaded file is, told from its container before any spreadsheet reader opens it.

- A zip is refused as a zip bomb by the first of three rules that fires (too many members, too much
  expansion in all, one large member compressed beyond any real worksheet).
- An .xlsx, .xlsm or .xlsb is a package (Open Packaging Conventions): its workbook part is the target of
  the officeDocument relationship in ``_rels/.rels``, its sheets and strings the targets of the workbook's
  own relationships, resolved relative to the workbook part. Member names are compared as part names:
  '/' separators (some Windows tools store '\\'), no leading '/', case ignored. The kind comes from the
  part's content type, never from the file name.
- Encryption is seen in the container: an OLE file holding ``EncryptionInfo`` and ``EncryptedPackage``
  (every encrypted .xlsx, .xlsm and .xlsb), a FILEPASS record in an .xls workbook stream, an
  ``encryption-data`` element in an .ods manifest. Readers only say "cannot detect file format" there.

python-calamine reads a package only in the layout Excel writes (``xl/workbook.xml``, ``xl/worksheets/``,
``xl/sharedStrings.xml`` by those exact names): ``canonical_copy`` rewrites any other valid package into
that layout, so a package is read by what it holds, not by where its writer put it.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

import olefile
from lxml import etree

from rules.problems import Problem, error

# An .xlsx of the maximum upload size holds well under 10x its size of XML; more is a zip bomb.
ZIP_EXPANSION_FACTOR = 10
ZIP_MAX_RATIO = 100  # compression ratio no real worksheet reaches
ZIP_RATIO_MIN_BYTES = 1_048_576  # smaller members may compress more (a sheet of blank rows)
ZIP_MAX_MEMBERS = 10_000

# Partner files are untrusted: no entity expansion (billion laughs), no DTD, no network access.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

# The workbook part's content type says what the package is (ECMA-376 and MS-XLSB).
_WORKBOOK_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
}
_WORD_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_ODS_MEDIA_TYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
# Where Excel puts the parts a reader needs, by relationship type (the last segment of its URI).
_CANONICAL_FOLDERS = {
    "worksheet": "worksheets",
    "chartsheet": "chartsheets",
    "dialogsheet": "dialogsheets",
    "xlMacrosheet": "macrosheets",
}
_CANONICAL_SINGLE_PARTS = {"sharedStrings": "sharedStrings", "styles": "styles"}
_PART_CONTENT_TYPES = {
    ("xml", "worksheet"): "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    ("xml", "chartsheet"): "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml",
    ("xml", "dialogsheet"): "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
    ("xml", "xlMacrosheet"): "application/vnd.ms-excel.macrosheet+xml",
    ("xml", "sharedStrings"): "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    ("xml", "styles"): "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    ("bin", "worksheet"): "application/vnd.ms-excel.worksheet",
    ("bin", "chartsheet"): "application/vnd.ms-excel.chartsheet",
    ("bin", "dialogsheet"): "application/vnd.ms-excel.dialogsheet",
    ("bin", "xlMacrosheet"): "application/vnd.ms-excel.macrosheet",
    ("bin", "sharedStrings"): "application/vnd.ms-excel.sharedStrings",
    ("bin", "styles"): "application/vnd.ms-excel.styles",
}  # fmt: skip
_WORKBOOK_MAIN_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xlsb": "application/vnd.ms-excel.sheet.binary.macroEnabled.main",
}
_OFFICE_DOCUMENT = "officeDocument"
_BIFF_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_BIFF_EOF, _BIFF_FILEPASS = 0x000A, 0x002F
_BIFF_SCAN_RECORDS = 2000  # FILEPASS comes right after the first BOF; this bounds a damaged stream


# --- zip bombs -----------------------------------------------------------------------------------


def zip_bomb(members: list[zipfile.ZipInfo], max_bytes: int) -> Problem | None:
    """The ``zip-bomb`` problem of the first rule the members break, or None when they are safe."""
    if len(members) > ZIP_MAX_MEMBERS:
        return error("zip-bomb", variant="members", count=len(members), limit=ZIP_MAX_MEMBERS)
    expanded = sum(member.file_size for member in members)
    if expanded > ZIP_EXPANSION_FACTOR * max_bytes:
        return error(
            "zip-bomb",
            variant="expansion",
            expanded=f"{expanded / 1048576:.0f}",
            limit=f"{ZIP_EXPANSION_FACTOR * max_bytes / 1048576:.0f}",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            return error(
                "zip-bomb", variant="ratio", member=member.filename[:200],
                ratio=f"{ratio:.0f}", limit=ZIP_MAX_RATIO,
            )  # fmt: skip
    return None


# --- zip packages --------------------------------------------------------------------------------


def part_name(name: str) -> str:
    """A zip member name or resolved relationship target as a comparable part name."""
    return name.replace("\\", "/").lstrip("/").lower()


class Package:
    """The members of a zip by part name (see ``part_name``); reading a missing part raises KeyError."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.members: dict[str, zipfile.ZipInfo] = {}
        for member in archive.infolist():
            if not member.is_dir():
                self.members.setdefault(part_name(member.filename), member)

    def has(self, part: str) -> bool:
        return part_name(part) in self.members

    def stored_name(self, part: str) -> str:
        return self.members[part_name(part)].filename

    def read(self, part: str) -> bytes:
        return self.archive.read(self.members[part_name(part)])

    def open(self, part: str):
        return self.archive.open(self.members[part_name(part)])

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.read(part), SAFE_XML)


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str  # the last segment of the type URI: "worksheet", "sharedStrings", "styles"...
    target: str  # as written in the .rels part
    part: str  # the target resolved to a part name (see ``part_name``)


@dataclass
class OfficeWorkbook:
    """Where the workbook of an .xlsx, .xlsm or .xlsb package is, and the parts it relates to."""

    kind: str  # "xlsx", "xlsm" or "xlsb"
    part: str  # the workbook part, e.g. "xl/workbook.xml"
    relationships: list[Relationship] = field(default_factory=list)

    def related(self, rel_type: str) -> list[Relationship]:
        return [rel for rel in self.relationships if rel.type == rel_type]


def relationships(package: Package, source: str) -> list[Relationship]:
    """The internal relationships of part ``source`` ("" for the package itself), targets resolved.

    Missing or unparsable .rels parts give no relationships: the readers then say what is missing.
    """
    folder, name = posixpath.split(part_name(source))
    rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
    try:
        root = package.xml(rels_part)
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError):
        return []
    found = []
    for rel in root.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = unquote(target.replace("\\", "/"))
        resolved = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
        part = posixpath.normpath(resolved).lstrip("/")
        rel_type = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        found.append(Relationship(rel.get("Id") or "", rel_type, target, part_name(part)))
    return found


def content_type(package: Package, part: str) -> str:
    """The content type [Content_Types].xml gives ``part`` (lower case), or "" when it gives none."""
    try:
        root = package.xml("[Content_Types].xml")
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError):
        return ""
    wanted = part_name(part)
    for override in root.iter(f"{{{_CONTENT_TYPES_NS}}}Override"):
        if part_name(unquote(override.get("PartName") or "")) == wanted:
            return (override.get("ContentType") or "").lower()
    extension = posixpath.splitext(wanted)[1].lstrip(".")
    for default in root.iter(f"{{{_CONTENT_TYPES_NS}}}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return (default.get("ContentType") or "").lower()
    return ""


def office_workbook(package: Package) -> OfficeWorkbook | str:
    """The package's workbook, or what the package is instead: "word" (a Word document) or "zip"."""
    candidates = [rel.part for rel in relationships(package, "") if rel.type == _OFFICE_DOCUMENT]
    # Without a package relationship, the places Excel and older writers use.
    candidates += ["xl/workbook.xml", "xl/workbook.bin", "workbook.xml"]
    for part in candidates:
        if not package.has(part):
            continue
        declared = content_type(package, part)
        if declared == _WORD_CONTENT_TYPE:
            return "word"
        kind = _WORKBOOK_CONTENT_TYPES.get(declared)
        if kind is None and declared not in ("", "application/xml", "application/octet-stream"):
            continue  # a presentation, a drawing...: not a workbook whatever its name
        if kind is None:  # no usable content type: the part's own extension decides
            kind = "xlsb" if part.endswith(".bin") else "xlsx"
            if kind == "xlsx" and package.has("xl/vbaProject.bin"):
                kind = "xlsm"
        return OfficeWorkbook(kind, part, relationships(package, part))
    if package.has("word/document.xml"):
        return "word"
    return "zip"


def calamine_ready(package: Package, workbook: OfficeWorkbook) -> bool:
    """Whether python-calamine finds every part where this package has it.

    It opens ``xl/workbook.xml`` (or ``.bin``), ``xl/sharedStrings.*`` and ``xl/styles.*`` by those
    exact names, and turns a sheet target T into ``xl/T`` (an .xlsx also takes ``/xl/T`` and ``xl/T``).
    """
    extension = "bin" if workbook.kind == "xlsb" else "xml"
    if package.stored_name(workbook.part) != f"xl/workbook.{extension}":
        return False
    for rel in workbook.relationships:
        if not package.has(rel.part):
            continue  # a dangling relationship: the reader reports it the same either way
        stored = package.stored_name(rel.part)
        if rel.type in _CANONICAL_SINGLE_PARTS:
            if stored != f"xl/{_CANONICAL_SINGLE_PARTS[rel.type]}.{extension}":
                return False
        elif rel.type in _CANONICAL_FOLDERS:
            target = rel.target
            if workbook.kind != "xlsb" and target.startswith("/xl/"):
                target = target[1:]
            seen = (
                target if workbook.kind != "xlsb" and target.startswith("xl/") else f"xl/{target}"
            )
            if seen != stored or stored.split("/")[1:2] != [_CANONICAL_FOLDERS[rel.type]]:
                return False
    return True


def canonical_copy(package: Package, workbook: OfficeWorkbook) -> bytes:
    """The package rewritten into the layout Excel writes, with only the parts that hold cell values.

    The workbook part is copied unchanged (it names its sheets by relationship id, and the ids are kept);
    sheets, shared strings and styles move to ``xl/worksheets/sheetN``, ``xl/sharedStrings`` and
    ``xl/styles``; the relationships and content types are written anew for those names.
    """
    extension = "bin" if workbook.kind == "xlsb" else "xml"
    moves: list[tuple[Relationship, str]] = []
    counters: dict[str, int] = {}
    for rel in workbook.relationships:
        if not package.has(rel.part):
            continue
        if rel.type in _CANONICAL_SINGLE_PARTS:
            target = f"{_CANONICAL_SINGLE_PARTS[rel.type]}.{extension}"
        elif rel.type in _CANONICAL_FOLDERS:
            counters[rel.type] = counters.get(rel.type, 0) + 1
            target = f"{_CANONICAL_FOLDERS[rel.type]}/sheet{counters[rel.type]}.{extension}"
        else:
            continue  # themes, calculation chains, external links: no cell values
        moves.append((rel, target))
    workbook_name = f"xl/workbook.{extension}"
    overrides = [(workbook_name, _WORKBOOK_MAIN_TYPES[workbook.kind])] + [
        (f"xl/{target}", _PART_CONTENT_TYPES[(extension, rel.type)]) for rel, target in moves
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        copy.writestr("[Content_Types].xml", _content_types_xml(overrides))
        copy.writestr("_rels/.rels", _rels_xml([("rId1", _OFFICE_DOCUMENT, workbook_name)]))
        copy.writestr(
            f"xl/_rels/workbook.{extension}.rels",
            _rels_xml([(rel.id, rel.type, target) for rel, target in moves]),
        )
        _copy_part(package, workbook.part, copy, workbook_name)
        for rel, target in moves:
            _copy_part(package, rel.part, copy, f"xl/{target}")
    return buffer.getvalue()


def _copy_part(package: Package, part: str, copy: zipfile.ZipFile, name: str) -> None:
    with package.open(part) as source, copy.open(name, "w", force_zip64=True) as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)


def _rels_xml(entries: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{_PKG_REL_NS}}}Relationships", nsmap={None: _PKG_REL_NS})
    for rel_id, rel_type, target in entries:
        uri = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + rel_type
        if rel_type == "xlMacrosheet":
            uri = "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"
        etree.SubElement(root, f"{{{_PKG_REL_NS}}}Relationship", Id=rel_id, Type=uri, Target=target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types_xml(overrides: list[tuple[str, str]]) -> bytes:
    root = etree.Element(f"{{{_CONTENT_TYPES_NS}}}Types", nsmap={None: _CONTENT_TYPES_NS})
    for extension, kind in (
        ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
        ("xml", "application/xml"),
    ):
        etree.SubElement(
            root, f"{{{_CONTENT_TYPES_NS}}}Default", Extension=extension, ContentType=kind
        )
    for name, kind in overrides:
        etree.SubElement(
            root, f"{{{_CONTENT_TYPES_NS}}}Override", PartName="/" + name, ContentType=kind
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- OpenDocument -----------------------------------------------------------------------------------


def odf_kind(package: Package) -> str | None:
    """ "ods" for an OpenDocument spreadsheet, "encrypted" for a password-protected one, None for a zip
    that is no OpenDocument spreadsheet."""
    declared = package.read("mimetype")[:100].strip() if package.has("mimetype") else b""
    manifest = None
    if package.has("META-INF/manifest.xml"):
        try:
            manifest = package.xml("META-INF/manifest.xml")
        except etree.XMLSyntaxError:
            manifest = None
    if not declared and manifest is not None:
        for entry in manifest.iter(f"{{{_MANIFEST_NS}}}file-entry"):
            if entry.get(f"{{{_MANIFEST_NS}}}full-path") == "/":
                declared = (entry.get(f"{{{_MANIFEST_NS}}}media-type") or "").encode()
    if declared not in _ODS_MEDIA_TYPES:
        return None
    if (
        manifest is not None
        and next(manifest.iter(f"{{{_MANIFEST_NS}}}encryption-data"), None) is not None
    ):
        return "encrypted"
    return "ods" if package.has("content.xml") else None


# --- OLE (Compound File Binary) ---------------------------------------------------------------------


def ole_kind(content: bytes) -> str:
    """What an OLE file holds: "encrypted" (an encrypted Office package, or an .xls with a FILEPASS
    record), "xls", "word", "other" (no workbook stream), or "damaged" (the container cannot be read)."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except Exception:  # noqa: BLE001 - olefile raises OSError, struct.error, IndexError... on damage
        return "damaged"
    try:
        if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
            return "encrypted"
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                if not _plausible_container(ole, len(content)):
                    return "damaged"
                stream = ole.openstream(name).read()
                if _has_filepass(stream):
                    return "encrypted"
                return "damaged" if biff_damage(stream) else "xls"
        return "word" if ole.exists("WordDocument") else "other"
    except Exception:  # noqa: BLE001 - a stream chain pointing outside the file, and the like
        return "damaged"
    finally:
        ole.close()


def _plausible_container(ole: olefile.OleFileIO, size: int) -> bool:
    """Whether the container's own counts fit in the file: calamine reserves memory from them (the
    FAT, mini FAT and directory sector counts, and every stream's size) before reading a byte."""
    counts = (ole.num_fat_sectors, ole.num_mini_fat_sectors, ole.num_difat_sectors)
    if any(count * ole.sectorsize > size for count in counts):
        return False
    return all(entry is None or entry.size <= size for entry in ole.direntries)


def _has_filepass(stream: bytes) -> bool:
    """Whether the workbook globals of a BIFF stream start with a FILEPASS record (the workbook is
    encrypted: RC4, CryptoAPI or XOR obfuscation)."""
    position = 0
    for index in range(_BIFF_SCAN_RECORDS):
        if position + 4 > len(stream):
            return False
        record, length = struct.unpack_from("<HH", stream, position)
        if index == 0 and record not in _BIFF_BOF:
            return False
        if record == _BIFF_FILEPASS:
            return True
        if record == _BIFF_EOF:
            return False
        position += 4 + length
    return False


def sheet_parts(package: Package, workbook: OfficeWorkbook) -> dict[str, str]:
    """Sheet name -> worksheet part of an .xlsx/.xlsm, from the workbook's ``<sheet name r:id>``."""
    by_id = {rel.id: rel.part for rel in workbook.relationships}
    parts = {}
    for sheet in package.xml(workbook.part).iter(f"{{{_MAIN_NS}}}sheet"):
        part = by_id.get(sheet.get(f"{{{_REL_NS}}}id") or "")
        if part is not None and package.has(part):
            parts[sheet.get("name") or ""] = part
    return parts


# --- how far a sheet reaches, before a reader allocates it ------------------------------------------
# python-calamine holds a sheet as one dense block from its first to its last filled cell, and a failed
# allocation aborts the whole process (Rust does not raise): two cells, A1 and XFD1048576, asked for
# 550 GB and killed the worker. So the extent of every sheet is measured first, from the bytes.

MAX_SHEET_CELLS = 65_536 * 256  # a whole .xls sheet; about 0.5 GB of cells in calamine
_XLSX_MAX_ROWS, _XLSX_MAX_COLUMNS = 1_048_576, 16_384
_BIFF_MAX_ROWS, _BIFF_MAX_COLUMNS = 65_536, 256


def xlsx_sheet_extent(package: Package, part: str) -> tuple[int, int]:
    """How far the ``r="..."`` references of a worksheet part reach: (rows, columns), 1-based, or
    bounds above them when those already fit in MAX_SHEET_CELLS.

    One byte search finds the references beyond column Z or row 99,999 (none in most reports); the
    rest is bounded by those. Parsing every cell reference took twice as long as calamine's whole
    read of a 100,000-row sheet.
    """
    data = package.read(part)
    far = _FAR_REFERENCE.findall(data)
    rows = max([_NEAR_ROWS, *(int(digits) for _, digits in far)])
    columns = max([_NEAR_COLUMNS, *(_column_number(letters) for letters, _ in far)])
    if rows * columns > MAX_SHEET_CELLS:  # the bounds are not enough: every reference counts
        every = _REFERENCE.findall(data)
        rows = max((int(digits) for _, digits in every), default=0)
        columns = max((_column_number(letters) for letters, _ in every), default=0)
    return rows, columns


# A cell or row reference (r="B7", r="7"); "far" ones name a column past Z or a row past 99,999.
_REFERENCE = re.compile(rb'r="([A-Z]{0,3})([0-9]{1,9})"')
_FAR_REFERENCE = re.compile(rb'r="([A-Z]{2,3}|[A-Z]?(?=[0-9]{6}))([0-9]{1,9})"')
_NEAR_ROWS, _NEAR_COLUMNS = 99_999, 26


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def biff_damage(stream: bytes) -> str:
    """What makes a BIFF workbook stream implausible for its format (a readable reason), or "".

    Walks every record: a DIMENSIONS record beyond the grid or upside down, a shared-string table
    promising more strings than the stream has bytes, or a cell beyond column IV, would make calamine
    reserve memory it cannot have.
    """
    position, end = 0, len(stream)
    view = memoryview(stream)
    while position + 4 <= end:
        record = view[position] | view[position + 1] << 8
        length = view[position + 2] | view[position + 3] << 8
        body = view[position + 4 : position + 4 + length]
        position += 4 + length
        if record in _BIFF_CELLS and len(body) >= 4:
            column = body[2] | body[3] << 8
            if record in (0x00BD, 0x00BE) and len(body) >= 6:  # MULRK, MULBLANK: last column at end
                column = max(column, body[-2] | body[-1] << 8)
            if column >= _BIFF_MAX_COLUMNS:
                return f"a cell in column {column + 1}"
        elif record == 0x0200 and len(body) == 14:  # DIMENSIONS (BIFF8)
            first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            if not (
                first_row <= last_row <= _BIFF_MAX_ROWS
                and first_col <= last_col <= _BIFF_MAX_COLUMNS
            ):
                return "a sheet's dimensions are out of range"
        elif record == 0x00FC and len(body) >= 8:  # SST: total and unique string counts
            unique = struct.unpack_from("<i", body, 4)[0]
            if not 0 <= unique <= end // 3:
                return "the shared-string table is out of range"
    return ""


_BIFF_CELLS = {0x0006, 0x00BD, 0x00BE, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E}


def xlsb_sheet_extent(package: Package, part: str) -> tuple[int, int]:
    """(last row, last column), 1-based, of the cells of an .xlsb worksheet part (BrtRowHdr rows,
    BrtCell* columns); (0, 0) for an empty sheet. Raises ValueError for a record cut short."""
    data = package.read(part)
    position, end = 0, len(data)
    row = last_row = last_column = 0
    while position < end:
        record = data[position]
        position += 1
        if record & 0x80:
            record = (record & 0x7F) | (data[position] & 0x7F) << 7
            position += 1
        size, shift = 0, 0
        for _ in range(4):
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if position + size > end:
            raise ValueError("an .xlsb record runs past the end of its part")
        if record == 0x0000 and size >= 4:  # BrtRowHdr
            row = struct.unpack_from("<I", data, position)[0] + 1
        elif 0x0001 <= record <= 0x000B and size >= 4:  # BrtCell* and BrtFmla*
            last_row = max(last_row, row)
            last_column = max(last_column, struct.unpack_from("<I", data, position)[0] + 1)
        position += size
    return last_row, last_column


def too_large(rows: int, columns: int) -> bool:
    """Whether a sheet reaching ``rows`` x ``columns`` is more than any reader here may hold."""
    return rows > _XLSX_MAX_ROWS or columns > _XLSX_MAX_COLUMNS or rows * columns > MAX_SHEET_CELLS
