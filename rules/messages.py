"""The sentence of every problem code, in one catalogue a translator can read from top to bottom.

A template is a whole sentence with named placeholders: ``{where}`` is the cell ("D14") or the form field
("Target") the problem is about, ``{value}`` the raw value as typed, and the other names are the problem's
parameters. A code whose wording depends on the case maps variants (``params["variant"]``) to sentences.
Templates are translated when rendered (``render``), never when defined.
"""

from __future__ import annotations

from collections.abc import Mapping

from i18n import _

# A problem stored before problems carried parameters keeps its sentence under this parameter.
LEGACY_MESSAGE = "_message"

_NUMBER_EXAMPLE = "write a number such as 12,5 or 1 234"
_DATE_EXAMPLE = "write a date such as 31.12.2024 or 2024-12-31"
_PERIOD_EXAMPLE = "write a period such as P3, 3, S3 or a date inside the period such as 31.12.2024"

MESSAGES: dict[str, str | dict[str, str]] = {
    # --- reading one cell (rules.cells) -------------------------------------------------------------
    "not-a-number": {
        "": "{where}: '{value}' is not a number; " + _NUMBER_EXAMPLE,
        "not-finite": "{where}: '{value}' is not a finite number; " + _NUMBER_EXAMPLE,
    },
    "not-a-date": {
        "": "{where}: '{value}' is not a date; " + _DATE_EXAMPLE,
        "not-real": "{where}: '{value}' is not a real date; " + _DATE_EXAMPLE,
        "out-of-range": (
            "{where}: '{value}' is outside the years {first}-{last} this project can refer to; "
            + _DATE_EXAMPLE
        ),
    },
    "unknown-period": {
        "": "{where}: '{value}' is not a period; " + _PERIOD_EXAMPLE,
        "not-in-project": (
            "{where}: '{value}' is not a reporting period of the project; use one of {labels}"
        ),
        "reversed": "{where}: '{value}' ends before it starts; write the earlier date first",
        "outside": (
            "{where}: '{value}' is outside the project's reporting periods ({first}-{last}); "
            + _PERIOD_EXAMPLE
        ),
        "header": "{where}: the column header '{value}' is not a period; " + _PERIOD_EXAMPLE,
        "header-not-in-project": (
            "{where}: the column header '{value}' is not a reporting period of the project; use one "
            "of {labels}"
        ),
        "header-reversed": (
            "{where}: the column header '{value}' ends before it starts; write the earlier date first"
        ),
        "header-outside": (
            "{where}: the column header '{value}' is outside the project's reporting periods "
            "({first}-{last}); " + _PERIOD_EXAMPLE
        ),
    },
    "ambiguous-period": {
        "": (
            "{where}: '{value}' spans more than one reporting period ({listed}); write one of them"
        ),
        "half-year": (
            "{where}: '{value}' is a calendar half-year, but reporting periods do not follow "
            "calendar halves: it overlaps {listed}; write the period instead, such as {example}"
        ),
        "header": (
            "{where}: the column header '{value}' spans more than one reporting period ({listed}); "
            "write one of them"
        ),
        "header-half-year": (
            "{where}: the column header '{value}' is a calendar half-year, but reporting periods do "
            "not follow calendar halves: it overlaps {listed}; write the period instead, such as "
            "{example}"
        ),
    },
    # --- what a value may be (rules.values) ---------------------------------------------------------
    "number-too-large": (
        "{where}: '{value}' is too large to be an indicator value (more than {limit}); check the "
        "unit and the number of digits"
    ),
    "ambiguous-number": {
        "mixed-marks": (
            "{where}: '{value}' could be {one:g} or {other:g} (the file uses both , and . as "
            "decimal marks); write {thousands} for the thousands, or {decimal} with more digits "
            "after the decimal mark"
        ),
        "undecided": (
            "{where}: '{value}' could be {one:g} or {other:g} (no other value in the file shows "
            "which mark is decimal); write {thousands} for the thousands, or {decimal} with more "
            "digits after the decimal mark"
        ),
        "typed": (
            "{where}: '{value}' could be {one:g} or {other:g}; write it without the separator "
            "({thousands}) or with more decimals ({decimal}0)"
        ),
    },
    "unexpected-percent": (
        "{where}: '{value}' is a percentage, but {indicator} is not reported in percent; write a "
        "plain number"
    ),
    "percentage-out-of-range": (
        "{where}: '{value}' is {number:g} %, outside 0-100 % (a percentage is never above 100 % or "
        "below 0); write a percentage such as 45 or 45 %"
    ),
    "percentage-looks-like-fraction": (
        "{where}: {number:g} was read as {number:g} %; if you meant {percent:g} %, write "
        "{percent:g} or format the cell as a percentage"
    ),
    "negative-count": (
        "{where}: '{value}' is negative, but {indicator} is a count; write 0 or a positive number"
    ),
    "negative-amount": (
        "{where}: '{value}' is negative, but {indicator} is an amount, never below 0; write 0 or a "
        "positive number"
    ),
    # --- how long a typed text may be (rules.limits) -------------------------------------------------
    "text-too-long": {
        "": "{where}: at most {limit} characters (this one has {length}); shorten it",
        "comment": (
            "{where}: the comment of this value has {length} characters, more than the {limit} a "
            "comment may have; shorten it"
        ),
    },
    # --- how a policy change moves between stages (rules.stages) -----------------------------------
    "unknown-stage": "{where}: '{value}' is not a stage; write one of {names}",
    "validated-without-evidence": {
        "": (
            "{where}: {change}: 'validated' needs at least one evidence item (an official decision, "
            "an amended text, a launched call...)"
        ),
        "sheet": (
            "{where}: 'validated' needs evidence (an official decision, an amended text...); put "
            "its web address in the Evidence URL column"
        ),
    },
    "abandoned-without-note": {
        "": "{where}: {change}: say why the change was abandoned (note)",
        "sheet": "{where}: say in the Note column why {change} was abandoned",
    },
    "stage-moved-back-without-note": {
        "": "{where}: {change}: moving back from '{current}' to '{stage}' needs a note saying why",
        "sheet": (
            "{where}: {change} moves back from '{current}' to '{stage}'; say why in the Note column"
        ),
    },
    "stage-moved-back": "{where}: {change} moves back from '{current}' to '{stage}' ({note})",
    "date-in-future": ("{where}: {day} is in the future; record a stage once it is reached"),
    # --- reading a file (importers.reading) ----------------------------------------------------------
    "file-too-large": (
        "The file is {size} MB; the limit is {limit} MB (SHARING_MAX_UPLOAD_MB). Split it by partner "
        "or period."
    ),
    # services.stored_files: the file store (SHARING_STORAGE_QUOTA_MB) has no room for the file.
    "storage-full": (
        "The file store is full ({used} of {quota} MB used); ask a monitoring officer to run "
        "`sharing prune` or raise SHARING_STORAGE_QUOTA_MB."
    ),
    "empty-workbook": {
        "": "The workbook has no filled cells.",
        "empty-file": "The file is empty: there is nothing to import.",
        "file": "The file has no filled cells.",
    },
    "corrupt-file": {
        "": "The workbook is damaged and cannot be read ({detail}).",
        "named": "{filename} is damaged and cannot be read ({detail}).",
        "not-a-zip": "{filename} is damaged: it looks like a workbook but cannot be opened.",
        # A reader failed in a way it does not name (logged for the maintainers, without cell values).
        "unexpected": (
            "{filename} could not be read: its content is not what a file of its kind holds. Open it "
            "in Excel or LibreOffice, save it again, and upload the saved copy."
        ),
        "csv-field": (
            "{filename}: line {line} holds a cell longer than {limit} characters, which no report "
            "has. Check that this is the report saved as CSV, and upload it again."
        ),
        "csv": (
            "{filename} cannot be read as CSV (line {line}: {detail}). Save the report again as "
            "CSV UTF-8 and upload it."
        ),
    },
    "encrypted-workbook": {
        "": (
            "The workbook is protected with a password, so it cannot be read. Open it, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password, leave it empty), "
            "save, and upload it again."
        ),
        "ods": (
            "The spreadsheet is protected with a password, so it cannot be read. Open it in "
            "LibreOffice, choose File > Save As, untick 'Save with password', save, and upload it "
            "again."
        ),
    },
    "hidden-sheets-only": (
        "Every filled sheet of the workbook is hidden ({sheets}). Unhide the sheet with the report "
        "(right-click a sheet tab > Unhide), save, and upload it again."
    ),
    "sheet-too-large": (
        "The sheet {sheet_name} has cells as far as row {rows} and column {columns}: {cells} cells to "
        "hold, more than the {limit} the importer reads. Delete what lies outside the table "
        "(Ctrl+End shows the last used cell), save, and upload it again."
    ),
    "old-xls-format": (
        "This is an old Excel 97-2003 .xls file: it was read, but percent formats cannot be checked. "
        "Next time save it as .xlsx (File > Save As > Excel Workbook)."
    ),
    "xlsb-format": (
        "This is an Excel binary workbook (.xlsb): its values were read, but percent formats cannot "
        "be checked. Next time save it as .xlsx (File > Save As > Excel Workbook)."
    ),
    # One whole sentence per kind of file (translators see each; no fragment is glued in).
    "not-a-spreadsheet": {
        "pdf": (
            "{filename} is a PDF document, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "png": (
            "{filename} is a PNG image, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "jpeg": (
            "{filename} is a JPEG image, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "gif": (
            "{filename} is a GIF image, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "rtf": (
            "{filename} is an RTF document, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "binary": (
            "{filename} is a binary file, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "text": (
            "{filename} is a text file, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "word": (
            "{filename} is a Word document, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
        "zip": (
            "{filename} is a zip archive, not a spreadsheet. Upload an .xlsx, .xlsm, .ods or .csv file "
            "(the template from `sharing template` is the easiest start)."
        ),
    },
    # One sentence per rule of importers.containers.zip_bomb ("" is how problems stored before the
    # rules were told apart read).
    "zip-bomb": {
        "": (
            "The workbook would expand to {expanded} MB when opened, far more than any real workbook "
            "of this size: it was refused as unsafe (a zip bomb)."
        ),
        "expansion": (
            "The workbook would expand to {expanded} MB when opened, more than the {limit} MB a "
            "workbook of the largest allowed upload ever needs: it was refused as unsafe (a zip bomb)."
        ),
        "ratio": (
            "One part of the workbook ({member}) is compressed {ratio} times, and no real worksheet "
            "is compressed more than {limit} times: it was refused as unsafe (a zip bomb)."
        ),
        "members": (
            "The workbook is made of {count} files, more than the {limit} any real workbook has: it "
            "was refused as unsafe (a zip bomb)."
        ),
    },
    "csv-encoding-guessed": (
        "The file is not UTF-8; it was read as {encoding}. Check the accented letters in the report, "
        "and save as 'CSV UTF-8' next time."
    ),
    # --- finding the table (importers.layout) ------------------------------------------------------
    "no-header": (
        "No sheet has a header row, in its first {rows} rows, naming the indicator, period and value "
        "columns (for example: Indicator | Period | Value), or indicators down and periods across "
        "(Indicator | P1 | P2 ...). Start from `sharing template`."
    ),
    "incomplete-header": {
        "value": (
            "{where}: this row names the indicator ({indicator_header}) and the period "
            "({period_header}) but no column of values; name that column Value, Valeur, Valoare, "
            "Vrijednost or Vērtība"
        ),
        "period": (
            "{where}: this row names the indicator ({indicator_header}) and the value "
            "({value_header}) but no column of periods; name that column Period, Période, Perioadă, "
            "Razdoblje or Periods, or give each period its own column (P1, P2...)"
        ),
        "indicator": (
            "{where}: this row names the period ({period_header}) and the value ({value_header}) but "
            "no column of indicators; name that column Indicator, Indicateur, Indicator, Pokazatelj "
            "or Rādītājs"
        ),
    },
    "total-row-skipped": "{where}: '{value}' looks like a total row; it was not imported",
    # --- checking rows against the catalogue (importers.validation) --------------------------------
    "missing-partner-column": (
        "Without --partner the file must have a Partner column saying whose figures each row "
        "holds; add one, or import with --partner CODE."
    ),
    "duplicate-row": (
        "{where}: {indicator} for {partner} in {period} is already given in {first}; keep one of the "
        "two"
    ),
    "missing-indicator": "{where}: the indicator is empty; write its code, such as ESU-SERVICES",
    "unknown-indicator": {
        "": (
            "{where}: '{value}' is not an indicator of the catalogue; write a code such as "
            "{suggestion} (the template lists them all)"
        ),
        "close": (
            "{where}: '{value}' is not an indicator of the catalogue; did you mean {suggestion}? "
            "(the template lists them all)"
        ),
    },
    "missing-partner": "{where}: the partner is empty; write its code, such as SMILTENE",
    "unknown-partner": "{where}: '{value}' is not a project partner; write one of {codes}",
    "other-partner": {
        "row": (
            "{where}: this row is for {found}, but the file is imported for {fixed}; remove the row "
            "or import it for its own partner"
        ),
        "change": "{where}: {change} belongs to {owner}, not {fixed}; remove the row",
        # The file itself names another partner (a Partner column, a title, the sheet's name).
        "workbook": (
            "{where}: this workbook is {found}'s, not {fixed}'s; choose {found} as the partner, or "
            "send {fixed}'s own workbook"
        ),
    },
    "indicator-code-corrected": (
        "{where}: '{value}' is not an indicator code, but the name in {name_cell} is {indicator}'s, "
        "so the row was read as {indicator}; correct the code"
    ),
    "formula-without-value": (
        "{where} holds a formula whose result was not saved; open the file in Excel or LibreOffice, "
        "save it, and upload it again"
    ),
    "far-from-previous": (
        "{where}: {number:g} is far from what {partner} reported for {indicator} in {period} "
        "({previous:g}); check it is not a typo or a different unit"
    ),
    "cumulative-decrease": (
        "{where}: {number:g} is lower than what {partner} reported for {indicator} in {period} "
        "({previous:g}), but {indicator} is a running total; check it"
    ),
    "period-not-ended": (
        "{where}: {period} has not ended (it ends on {end}); the values reported for it may still "
        "change (values in this file: {count})"
    ),
    # --- the Policy changes sheet (importers.policy_sheet) -----------------------------------------
    "not-a-url": "{where}: '{value}' is not a web address; write one starting with https://",
    "url-scheme-added": (
        "{where}: '{value}' has no https:// in front, so it is read as {url}; check that the link "
        "opens"
    ),
    "unknown-change": (
        "{where}: '{value}' is not a policy change of the project; keep the change ids the template "
        "lists"
    ),
    "missing-date": (
        "{where}: the date the change became '{stage}' is empty; write it, such as 31.12.2024"
    ),
    # --- the import as a whole (importers.workbook_import) -----------------------------------------
    "import-interrupted": {
        "": (
            "The import did not finish; nothing from this file was written. Try again, and tell the "
            "monitoring team if it keeps happening."
        ),
        # The Upload row is written before the file is read; this stays if the reading never ends.
        "reading": (
            "Reading {filename} did not finish, so nothing from it was written. Try again, and tell "
            "the monitoring team if it keeps happening."
        ),
        # A background worker (jobs.run) met an error of its own, not the file's.
        "job": (
            "The background worker could not finish this file, so nothing from it was written. Try "
            "again, and tell the monitoring team if it keeps happening."
        ),
    },
    # A background job whose worker died MAX_ATTEMPTS times while working on it (jobs.run).
    "job-abandoned": (
        "The background worker was stopped several times while working on this file, so it was "
        "given up and nothing from it was written. Send the file again, and tell the monitoring team."
    ),
    # A file with a Partner column names a partner whose data the sender may not change.
    "import-not-allowed": "{reason} Nothing from this file was written.",
    "no-values": (
        "The file has the right columns but no values in them: fill in the Value column and upload "
        "it again."
    ),
    "preview-outdated": (
        "The stored values changed after your preview (someone imported or corrected them meanwhile), "
        "so nothing was imported. Below is what the file would do now: check it and confirm again."
    ),
    "period-locked": (
        "{where}: {period} is locked for {partner} since {locked_on} (its report is filed), so this "
        "value cannot change; ask a monitoring officer ({locked_by}) to unlock it, or leave the cell "
        "as it is"
    ),
    "setup-preview-outdated": (
        "The setup changed after your preview (someone edited it meanwhile), so nothing was changed. "
        "Below is what the workbook would do now: check it and apply it again."
    ),
    "write-busy": (
        "Another import or correction of the same partner's values was being saved for too long, so "
        "nothing from this file was written. Try again in a minute."
    ),
    # --- the setup workbook (services.setup_workbook) ----------------------------------------------
    "not-a-setup-workbook": {
        "no-sheet": "No sheet named {sheets}: start from the exported setup workbook",
    },
    "missing-column": (
        "No header row in the first {rows} rows names the column {columns}; keep the header of the "
        "exported setup workbook"
    ),
    "unknown-code": "{detail}",
    "invalid-value": "{detail}",
    "missing-value": {
        "": "New row {key}: fill in {columns}",
        "indicator": "New indicator {key}: fill in {columns}",
        "target": "New target {key}: fill in {columns}",
        "milestone": "New milestone {key}: fill in {columns}",
        "partner": "New partner {key}: fill in {columns}",
        "period": "New reporting period {key}: fill in {columns}",
    },
}


def render(code: str, params: Mapping[str, object], *, where: str = "", value: str = "") -> str:
    """The sentence for ``code`` with its parameters, in the current language.

    Raises KeyError for a code without a template: every code a problem can carry is in MESSAGES
    (tests/unit/test_problems.py checks the importer's codes).
    """
    if LEGACY_MESSAGE in params:
        return str(params[LEGACY_MESSAGE])
    template = MESSAGES[code]
    if isinstance(template, dict):
        variant = str(params.get("variant", ""))
        template = template[variant] if variant in template or "" not in template else template[""]
    shown = _Parameters(_in_current_language(params), where=where, value=value)
    text = _(template).format_map(shown)
    # A problem without a place (a whole-file problem) starts with its sentence, not with ": ".
    return text[2:] if text.startswith(": ") else text


def _in_current_language(params: Mapping[str, object]) -> dict[str, object]:
    """The parameters that name words of our vocabulary (a stage), in the reader's language: a problem
    keeps codes ('adopted') so that it reads right whoever looks at it later."""
    from .stages import Stage, stage_label  # rules.stages makes problems: imported when rendering

    stages = {stage.value for stage in Stage}
    shown = dict(params)
    for name in ("stage", "current"):
        if shown.get(name) in stages:
            shown[name] = stage_label(str(shown[name]))
    if "names" in shown and set(str(shown["names"]).split(", ")) == stages:
        shown["names"] = ", ".join(stage_label(stage) for stage in Stage)
    if "partner" not in shown and " for " in str(shown.get("series", "")):
        # stored before far-from-previous named the partner apart: "ESU-USERS for SMILTENE"
        shown["indicator"], shown["partner"] = str(shown["series"]).split(" for ", 1)
    return shown


class _Missing:
    """A parameter a stored problem lacks (its template changed since): shown as "?", whatever format."""

    def __format__(self, spec: str) -> str:
        return "?"


class _Parameters(dict):
    def __missing__(self, key: str) -> _Missing:
        return _Missing()
