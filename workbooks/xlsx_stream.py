"""A streaming .xlsx writer for large, plain tables (the observations export): rows go into the zip as
they come, so memory stays flat, at about 10x the speed of openpyxl's write-only sheets.

openpyxl builds a cell object and an lxml element per cell: 7,500 rows/s for the export's 17 columns,
more than four minutes for two million observations (bench/bench_export.py). This writer produces the
XML that openpyxl's write-only mode produces for the same values, cell for cell (the tests compare them):
text as inline strings, cleaned and quote-prefixed by workbooks.cell_text's rules; numbers as openpyxl
formats them; dates and datetimes as serial numbers with openpyxl's number formats. It knows nothing
else (no fonts, fills, formulas, merged cells): templates and annotated workbooks stay with openpyxl.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from functools import lru_cache
from typing import BinaryIO

from openpyxl.compat import safe_string
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel

from workbooks.cell_text import clean_text, needs_quote_prefix

# Cell styles (cellXfs positions): 0 plain, then openpyxl's formats for dates and datetimes, and text
# typed with a leading apostrophe (quote prefix).
_PLAIN, _DATE, _DATETIME, _QUOTED = 0, 1, 2, 3
# Deflate's fastest level: a third of the time of the default for a file about 15 % larger.
_COMPRESS_LEVEL = 1
_ROWS_PER_WRITE = 1_000

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "{sheets}</Relationships>"
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{columns}<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


class StreamingWorkbook:
    """``with StreamingWorkbook(output) as book:`` then, sheet after sheet, ``book.add_sheet(title,
    rows, widths)``. Sheet titles must already be valid (workbooks.cell_text.sheet_title); ``output``
    must be seekable (a zip ends with its directory)."""

    def __init__(self, output: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(
            output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL
        )
        self._titles: list[str] = []

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, kind, *_details) -> None:
        if kind is None:
            self._finish()
        self._zip.close()

    def add_sheet(self, title: str, rows, widths: dict[str, float] | None = None) -> None:
        """A sheet holding ``rows`` (iterables of str, int, float, date, datetime or None) from A1;
        ``widths`` in characters by column letter."""
        self._titles.append(title)
        columns = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in (
                (column_index_from_string(letter), width)
                for letter, width in (widths or {}).items()
            )
        )
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        with self._zip.open(name, "w", force_zip64=True) as part:
            part.write(
                _SHEET_START.format(columns=f"<cols>{columns}</cols>" if columns else "").encode()
            )
            for chunk in _row_chunks(rows):
                part.write(chunk)
            part.write(_SHEET_END.encode())

    def _finish(self) -> None:
        count = range(1, len(self._titles) + 1)
        self._zip.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in count)),
        )
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        sheets = "".join(
            f'<sheet name="{_attribute(title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in zip(count, self._titles, strict=True)
        )
        self._zip.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=sheets))
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in count)),
        )
        self._zip.writestr("xl/styles.xml", _STYLES)


def _row_chunks(rows):
    """The sheet's rows as XML, encoded, ``_ROWS_PER_WRITE`` rows per piece."""
    letters: list[str] = []
    parts: list[str] = []
    for number, row in enumerate(rows, start=1):
        values = list(row)
        while len(letters) < len(values):
            letters.append(f'<c r="{get_column_letter(len(letters) + 1)}')
        line = str(number)
        parts.append(
            f'<row r="{line}">'
            + "".join(
                [head + line + _cell(value) for head, value in zip(letters, values, strict=False)]
            )
            + "</row>"
        )
        if len(parts) == _ROWS_PER_WRITE:
            yield "".join(parts).encode()
            parts = []
    if parts:
        yield "".join(parts).encode()


@lru_cache(maxsize=8192)
def _cell(value) -> str:
    """A cell's XML after its reference (``<c r="B7`` comes first); cached: codes, names, units, dates and
    statuses repeat on every row."""
    if value is None:
        return '" t="n"/>'
    kind = type(value)
    if kind is str:
        text = clean_text(value)
        style = f' s="{_QUOTED}"' if needs_quote_prefix(text) else ""
        space = ' xml:space="preserve"' if text != text.strip() else ""
        if not text:
            return f'"{style} t="inlineStr"/>'
        return f'"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    if kind is bool:
        return f'" t="b"><v>{int(value)}</v></c>'
    if kind is datetime or kind is date:
        if kind is datetime and value.tzinfo is not None:
            raise TypeError("Excel does not support timezones in datetimes")
        style = _DATETIME if kind is datetime else _DATE
        return f'" s="{style}" t="n"><v>{safe_string(to_excel(value))}</v></c>'
    return f'" t="n"><v>{safe_string(value)}</v></c>'


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _escape(text: str) -> str:
    # What lxml escapes in text: & < > and carriage returns (a parser would read a raw CR as LF).
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )
