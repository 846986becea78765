"""Text as every workbook and file we write must hold it: storable, and never run as a formula.

Every writer (the template, the annotated workbook, the setup workbook, the exports, the chart downloads)
puts its cells through this module, so the two rules are decided once:

1. **Only characters a spreadsheet can store.** An .xlsx is XML 1.0, which cannot hold the control
   characters U+0000-U+0008, U+000B, U+000C, U+000E-U+001F (openpyxl's ILLEGAL_CHARACTERS_RE), lone
   surrogates (half of a character, which no UTF encoding can write) or U+FFFE/U+FFFF; lxml refuses them
   and the whole file fails. They are **dropped**, not replaced by U+FFFD: they are invisible, carry no
   text a reader sees, and usually come from a copy-paste or a system export (a NUL after a number, a
   vertical tab from a PDF), so dropping leaves the cell reading as it did on the partner's screen and
   "12\\x00" still reads as the number 12 when the file comes back. Tab, line feed and carriage return
   are kept (cells hold them). Excel holds at most 32,767 characters (UTF-16 units) in a cell and
   reports a file with a longer one as damaged: longer text is cut there, its last character replaced
   by "…" so that a reader sees it was cut. CSV files get the same cleaning: Excel and LibreOffice open them too.

2. **Text is text.** Text that a spreadsheet would run as a formula (``looks_like_formula``) is kept
   exact in .xlsx: its cell is typed as a string (``data_type = "s"``; openpyxl otherwise makes any str
   starting with "=" a formula) and carries the quote-prefix style, which is how Excel and LibreOffice
   mark "typed with a leading apostrophe": shown as text, kept as text when the cell is edited, never
   evaluated, and read back by any reader as the exact text. CSV has no types, so there such text gets
   a leading apostrophe (OWASP's advice for CSV injection). Numbers are never touched: -3 stays a number.
"""

from __future__ import annotations

import re

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText, TextBlock

EXCEL_MAX_CELL_CHARS = 32_767
TRUNCATION_MARK = "…"
# Not storable in XML 1.0 (hence in .xlsx and .ods): C0 controls but tab, LF and CR; surrogates;
# U+FFFE and U+FFFF.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# After leading blanks, the characters that start a formula in Excel, LibreOffice or Google Sheets,
# with their full-width forms, which East Asian input methods type and Excel accepts as the same.
_LEADING_BLANKS = " \t\r\n"
_FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# OWASP also lists a leading tab or carriage return: some programs drop it and read what follows.
_RISKY_FIRST = ("\t", "\r")
# Characters a worksheet's name cannot hold (Excel and openpyxl refuse them); 31 characters at most.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX_CHARS = 31
# Strings openpyxl would store as an error value (data_type "e") instead of text.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def clean_text(text: str) -> str:
    """``text`` as a cell can hold it: unstorable characters dropped, cut to Excel's 32,767 characters."""
    if _UNSTORABLE.search(text):
        text = _UNSTORABLE.sub("", text)
    if len(text) > EXCEL_MAX_CELL_CHARS // 2 and _utf16_length(text) > EXCEL_MAX_CELL_CHARS:
        text = _cut(text, EXCEL_MAX_CELL_CHARS - len(TRUNCATION_MARK)) + TRUNCATION_MARK
    return text


def sheet_title(name: str) -> str:
    """``name`` as a worksheet may be called (a partner's sheet name, a translated one): []:*?/\\
    replaced by "_", no leading or trailing apostrophe, 31 characters at most; "Sheet" when nothing is
    left."""
    title = _SHEET_TITLE_FORBIDDEN.sub("_", clean_text(name)).strip("'")
    return title[:SHEET_TITLE_MAX_CHARS].strip("'") or "Sheet"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program could run ``text`` as a formula (or a DDE command) if written as is:
    it starts, after blanks, with = + - @ (or their full-width forms), or it starts with a tab or CR."""
    return text.startswith(_RISKY_FIRST) or text.lstrip(_LEADING_BLANKS).startswith(_FORMULA_STARTS)


def csv_text(value: object) -> object:
    """``value`` for a CSV field: text cleaned, with a leading "'" when it looks like a formula; any other
    value unchanged (the caller formats numbers and dates)."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if looks_like_formula(text) else text


def set_value(cell: Cell, value: object) -> Cell:
    """Write ``value`` into ``cell`` (of a normal, not write-only, workbook) under this module's rules.

    Text is cleaned and always typed as a string; formula-like text also gets the quote prefix. Other
    values (numbers, dates, booleans, None) are assigned as they are. Returns the cell.
    """
    if isinstance(value, CellRichText):
        value = clean_rich_text(value)
        cell.value = value
        cell.data_type = "s"
        if needs_quote_prefix(str(value)):
            cell.quotePrefix = True
        return cell
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"
    if needs_quote_prefix(text):
        cell.quotePrefix = True
    return cell


def put(sheet, row: int, column: int, value: object) -> Cell:
    """``sheet.cell(row, column, value)`` under this module's rules; returns the cell."""
    return set_value(sheet.cell(row, column), value)


def write_only_value(sheet, value: object) -> object:
    """``value`` ready for ``sheet.append`` on a write-only ``sheet``: text that is safe as it is stays a
    plain str (cheap: openpyxl types it as a string), other text becomes a typed, quote-prefixed cell."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not needs_quote_prefix(text):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_only_cell(sheet, value: object) -> WriteOnlyCell:
    """A WriteOnlyCell holding ``value`` under this module's rules, for a cell the caller styles."""
    return set_value(WriteOnlyCell(sheet), value)


def clean_rich_text(value: CellRichText) -> CellRichText:
    """``value`` with each run's text cleaned (the whole cut to Excel's limit, runs kept)."""
    parts, room = [], EXCEL_MAX_CELL_CHARS
    for part in value:
        text = clean_text(part.text if isinstance(part, TextBlock) else str(part))
        if _utf16_length(text) > room:
            text = _cut(text, max(room - len(TRUNCATION_MARK), 0)) + TRUNCATION_MARK
        room -= _utf16_length(text)
        if text:
            parts.append(TextBlock(part.font, text) if isinstance(part, TextBlock) else text)
        if room <= 0:
            break
    return CellRichText(parts)


def clean_loaded_cell(cell: Cell) -> None:
    """Make a cell read from an existing workbook storable and safe, keeping its style.

    Text (plain or rich) is cleaned and quote-prefixed when formula-like; a genuine formula stays a
    formula (it is the author's own); comments are cleaned.
    """
    value = cell._value
    if cell.data_type == "s" and isinstance(value, str | CellRichText):
        set_value(cell, value)
    if cell.comment is not None:
        cell.comment.text = clean_text(cell.comment.text or "")


def needs_quote_prefix(text: str) -> bool:
    """Whether cleaned ``text`` must be typed as text with the quote prefix in a workbook: it looks like a
    formula, or a spreadsheet would read it as an error value (#N/A...)."""
    return looks_like_formula(text) or text in _ERROR_CODES


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` that fits in ``units`` UTF-16 units."""
    text = text[:units]
    while _utf16_length(text) > units:
        text = text[: -max((_utf16_length(text) - units) // 2, 1)]
    return text
