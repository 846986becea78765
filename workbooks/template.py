"""The partner's reporting workbook: Instructions, Indicators, Policy changes and a hidden Lists sheet.

Written with openpyxl so it carries what partners need in Excel and LibreOffice alike: dropdowns for codes,
periods and stages, percent formats on percentage rows, a frozen and protected header. Every cell follows
workbooks.cell_text: names and titles from the setup are cleaned and written as text, never as formulas.

Written in one language (by default the partner's): every text goes through ``_()``, dates through
rules.formatting. The header cells and the stage names are what the importer reads back, so each of
their translations must be a name importers/headers.py (columns) or rules/stages.py (stages) lists for
it; tests/unit/test_workbook_languages.py checks every catalogue. The importer finds the sheets by
their header row, not by their names, so the sheet names are free to translate.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from i18n import (
    COUNTRY_LANGUAGES,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    _,
    current_language,
    use_language,
)
from models import (
    MONTH,
    Indicator,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    Stage,
    Target,
)
from rules.formatting import DATE_PATTERNS, format_date, format_number, format_percent
from rules.stages import stage_label
from rules.units import unit_label
from workbooks.cell_text import put, sheet_title

# (the column's role in importers.headers, its header): the header is translated when written.
INDICATOR_COLUMNS = (
    ("partner", N_("Partner")), ("indicator", N_("Code")), ("indicator_name", N_("Indicator name")),
    ("unit", N_("Unit")), ("period", N_("Period")), ("value", N_("Value")), ("comment", N_("Comment")),
)  # fmt: skip
POLICY_COLUMNS = (
    ("change", N_("Change id")), ("instrument", N_("Instrument")), ("title", N_("Title")),
    ("stage", N_("Stage")), ("date", N_("Date")), ("evidence_url", N_("Evidence URL")),
    ("comment", N_("Note")),
)  # fmt: skip
SHEET_NAMES = {
    "instructions": N_("Instructions"),
    "indicators": N_("Indicators"),
    "policy": N_("Policy changes"),
    "lists": N_("Lists"),
}
# Excel keeps a validation's title to 32 characters and its message to 255; a longer translation is cut.
_VALIDATION_TITLE_CHARS, _VALIDATION_MESSAGE_CHARS = 32, 255
NUMBER_FORMATS = {"percentage": "0.0%", "count": "#,##0", "amount": "#,##0.00"}
_EDITABLE_ROWS = 300  # rows below the data left unlocked, so partners can add rows
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


class TemplateError(ValueError):
    """The partner or period asked for does not exist; the message lists the valid ones."""


def build_template(
    session: Session,
    partner_code: str,
    period_label: str | None = None,
    today: date | None = None,
    language: str | None = None,
) -> bytes:
    """The .xlsx workbook ``partner_code`` fills in for ``period_label`` (default: the latest ended period).

    One Indicators row per expected indicator (those with a target for the partner, else the whole
    catalogue) and period; a Policy changes row per change of the partner, with its current stage.
    Written in ``language`` (one of i18n.LANGUAGES), by default the partner's (``partner_language``).
    Raises TemplateError for an unknown partner or period (in the current language, the caller's).
    """
    today = today or date.today()
    partner = _partner(session, partner_code)
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.is_semester())
            .order_by(ReportingPeriod.number)
        )
    )
    period = chosen_period(periods, period_label, today)
    indicators = _expected_indicators(session, partner)
    changes = list(
        session.scalars(
            select(PolicyChange)
            .join(PolicyInstrument)
            .where(PolicyInstrument.partner_id == partner.id)
            .options(selectinload(PolicyChange.events), selectinload(PolicyChange.instrument))
            .order_by(PolicyChange.code)
        )
    )
    with use_language(language if language in LANGUAGES else partner_language(partner)):
        book = Workbook()
        _instructions(book.active, partner, period)
        _indicators_sheet(_new_sheet(book, "indicators"), partner, period, indicators)
        _policy_sheet(_new_sheet(book, "policy"), changes)
        _lists_sheet(_new_sheet(book, "lists"), indicators, periods)
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def partner_language(partner: Partner) -> str:
    """The language a partner's workbooks are written in: its country's (i18n.COUNTRY_LANGUAGES),
    English for a country outside the partnership's languages."""
    return COUNTRY_LANGUAGES.get((partner.country or "").upper(), DEFAULT_LANGUAGE)


def template_language(session: Session, partner_code: str, language: str | None = None) -> str:
    """The language ``build_template`` writes the partner's workbook in: ``language`` when it is one
    of i18n.LANGUAGES, else the partner's. Raises TemplateError for an unknown partner."""
    if language in LANGUAGES:
        return language
    return partner_language(_partner(session, partner_code))


def _partner(session: Session, partner_code: str) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.code == partner_code.upper()))
    if partner is None:
        codes = ", ".join(session.scalars(select(Partner.code).order_by(Partner.display_order)))
        raise TemplateError(
            _("No partner has the code {code}; use one of {codes}").format(
                code=repr(partner_code), codes=codes
            )
        )
    return partner


def _new_sheet(book: Workbook, key: str):
    return book.create_sheet(sheet_title(_(SHEET_NAMES[key])))


def chosen_period(
    periods: list[ReportingPeriod], label: str | None, today: date
) -> ReportingPeriod:
    """The period called ``label`` or, without one, the latest that has ended (the one being reported).

    Only semesters count: a template reports one, never a month of a monthly series, whatever list the
    caller passes."""
    periods = [period for period in periods if period.kind != MONTH]
    if label:
        for period in periods:
            if period.label.upper() == label.strip().upper():
                return period
        raise TemplateError(
            _("No reporting period is called {label}; use one of {labels}").format(
                label=repr(label), labels=", ".join(p.label for p in periods)
            )
        )
    ended = [p for p in periods if p.has_ended(today)]
    if not periods:
        raise TemplateError(_("The database has no reporting periods yet: run `sharing init`"))
    return ended[-1] if ended else periods[0]


def _expected_indicators(session: Session, partner: Partner) -> list[Indicator]:
    targeted = list(
        session.scalars(
            select(Indicator)
            .join(Target)
            .where(Target.partner_id == partner.id)
            .order_by(Indicator.display_order)
        )
    )
    return targeted or list(session.scalars(select(Indicator).order_by(Indicator.display_order)))


def _instructions(sheet, partner: Partner, period: ReportingPeriod) -> None:
    sheet.title = sheet_title(_(SHEET_NAMES["instructions"]))
    indicators, policy = _(SHEET_NAMES["indicators"]), _(SHEET_NAMES["policy"])
    title = _("SHARING indicator report: {partner} ({code})")
    dates = _("Reporting period {period}: {start} to {end} (report due {due})")
    values = _(
        "1. On the {sheet} sheet, write each value in the yellow {value} column, one row per indicator."
    )
    numbers = _(
        "2. Percentages: write {number} or {percent} (the cells are formatted as percentages). "
        "Decimals: 12,5 and 12.5 both work."
    )
    lines = [
        title.format(partner=partner.name, code=partner.code),
        dates.format(
            period=period.label,
            start=format_date(period.start_date),
            end=format_date(period.end_date),
            due=format_date(period.due_date),
        ),
        "",
        values.format(sheet=indicators, value=_(dict(INDICATOR_COLUMNS)["value"])),
        numbers.format(number=format_number(45), percent=format_percent(45, decimals=0)),
        _(
            "3. No value to report? Write {no_value} (it is not zero). An empty cell is not "
            "imported at all."
        ).format(no_value="n/a"),
        _(
            "4. Add a row (copy one) for another period if needed; keep the code and write the "
            "period as P1, P2..."
        ),
        _(
            "5. On the {sheet} sheet, when a change reached a new stage, write the stage, the date "
            "and a link to the evidence (decision, amended text...). Moving a change back needs a "
            "note saying why."
        ).format(sheet=policy),
        _("6. Save the file (.xlsx or .ods) and upload it, or send it to the monitoring team."),
        _(
            "Every problem found is reported with its cell, and nothing is imported until the file "
            "is clean."
        ),
    ]
    for row, line in enumerate(lines, start=1):
        put(sheet, row, 1, line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110


def _indicator_name(indicator: Indicator) -> str:
    """The indicator's name in the current language where an officer wrote one (``name_fr``...), else
    the English name; the importer matches the row by its code."""
    language = current_language()
    translated = (
        None if language == DEFAULT_LANGUAGE else getattr(indicator, f"name_{language}", None)
    )
    return translated or indicator.name


def _header(sheet, columns: tuple[tuple[str, str], ...], widths: tuple[int, ...]) -> None:
    for index, ((_role, title), width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = put(sheet, 1, index, _(title))
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _protect_header_only(sheet, last_row: int, column_count: int) -> None:
    """Lock row 1 only: sheet protection locks every cell unless unlocked, so unlock the data area.

    No password, so a partner who must restructure can unprotect; sorting, filtering and adding rows stay
    allowed (openpyxl's True means "forbidden").
    """
    unlocked = Protection(locked=False)
    for row in sheet.iter_rows(min_row=2, max_row=last_row + _EDITABLE_ROWS, max_col=column_count):
        for cell in row:
            cell.protection = unlocked
    protection = sheet.protection
    protection.sheet = True
    protection.insertRows = protection.deleteRows = protection.formatColumns = False
    protection.sort = protection.autoFilter = protection.formatCells = False


def _indicators_sheet(
    sheet, partner: Partner, period: ReportingPeriod, indicators: list[Indicator]
) -> None:
    _header(sheet, INDICATOR_COLUMNS, (11, 18, 55, 18, 9, 14, 40))
    for row, indicator in enumerate(indicators, start=2):
        values = (
            partner.code,
            indicator.code,
            _indicator_name(indicator),
            unit_label(indicator.unit),
            period.label,
            None,
            None,
        )
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        value_cell = sheet.cell(row, 6)
        value_cell.number_format = NUMBER_FORMATS[indicator.value_kind]
        value_cell.fill = _INPUT_FILL
    last_row = max(len(indicators) + 1, 2)
    lists = _lists_reference()
    codes = _dropdown(
        f"={lists}!$A$2:$A${len(indicators) + 1}",
        _("Unknown indicator"), _("Choose an indicator code from the list"),
    )  # fmt: skip
    periods = _dropdown(
        f"={lists}!$B$2:$B$20", _("Unknown period"), _("Choose a period from the list (P1, P2...)")
    )
    for validation, letter in ((codes, "B"), (periods, "E")):
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row + _EDITABLE_ROWS}")
    _protect_header_only(sheet, last_row, len(INDICATOR_COLUMNS))


def _policy_sheet(sheet, changes: list[PolicyChange]) -> None:
    _header(sheet, POLICY_COLUMNS, (14, 40, 50, 14, 12, 45, 40))
    for row, change in enumerate(changes, start=2):
        latest = change.events[-1] if change.events else None
        values = (
            change.code, change.instrument.title, change.title, stage_label(change.stage),
            latest.occurred_on if latest else None, None, None,
        )  # fmt: skip
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        sheet.cell(row, 5).number_format = _excel_date_format()
    last_row = max(len(changes) + 1, 2)
    stages = _dropdown(
        f"={_lists_reference()}!$C$2:$C${len(Stage) + 1}",
        _("Unknown stage"), _("Choose a stage from the list"),
    )  # fmt: skip
    sheet.add_data_validation(stages)
    stages.add(f"D2:D{last_row + _EDITABLE_ROWS}")
    _protect_header_only(sheet, last_row, len(POLICY_COLUMNS))


def _dropdown(source: str, title: str, message: str) -> DataValidation:
    """A list validation showing ``title`` and ``message`` when a typed value is not in the list."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.errorTitle = title[:_VALIDATION_TITLE_CHARS]
    validation.error = message[:_VALIDATION_MESSAGE_CHARS]
    return validation


def _lists_reference() -> str:
    """The Lists sheet in a formula: quoted, since a translated name may hold spaces or accents."""
    return "'{}'".format(sheet_title(_(SHEET_NAMES["lists"])).replace("'", "''"))


def _excel_date_format() -> str:
    """The current language's way of writing a day (rules.formatting) as an Excel number format."""
    pattern = DATE_PATTERNS.get(current_language(), DATE_PATTERNS[DEFAULT_LANGUAGE])
    return pattern.replace("dd", "DD").replace("yyyy", "YYYY")


def _lists_sheet(sheet, indicators: list[Indicator], periods: list[ReportingPeriod]) -> None:
    for column, title in enumerate((_("Indicator codes"), _("Periods"), _("Stages")), start=1):
        put(sheet, 1, column, title)
    columns = (
        [i.code for i in indicators], [p.label for p in periods], [stage_label(s) for s in Stage],
    )  # fmt: skip
    for column, values in enumerate(columns, start=1):
        for row, value in enumerate(values, start=2):
            put(sheet, row, column, value)
    sheet.sheet_state = "hidden"
