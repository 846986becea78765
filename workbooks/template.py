"""The partner's reporting workbook: Instructions, Indicators, Policy changes and a hidden Lists sheet.

Written with openpyxl so it carries what partners need in Excel and LibreOffice alike: dropdowns for codes,
periods and stages, percent formats on percentage rows, a frozen and protected header. Every cell follows
workbooks.cell_text: names and titles from the setup are cleaned and written as text, never as formulas.
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

from models import (
    Indicator,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    Stage,
    Target,
)
from workbooks.cell_text import put

INDICATOR_COLUMNS = ("Partner", "Code", "Indicator name", "Unit", "Period", "Value", "Comment")
POLICY_COLUMNS = ("Change id", "Instrument", "Title", "Stage", "Date", "Evidence URL", "Note")
NUMBER_FORMATS = {"percentage": "0.0%", "count": "#,##0", "amount": "#,##0.00"}
_EDITABLE_ROWS = 300  # rows below the data left unlocked, so partners can add rows
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


class TemplateError(ValueError):
    """The partner or period asked for does not exist; the message lists the valid ones."""


def build_template(
    session: Session, partner_code: str, period_label: str | None = None, today: date | None = None
) -> bytes:
    """The .xlsx workbook ``partner_code`` fills in for ``period_label`` (default: the latest ended period).

    One Indicators row per expected indicator (those with a target for the partner, else the whole
    catalogue) and period; a Policy changes row per change of the partner, with its current stage.
    Raises TemplateError for an unknown partner or period.
    """
    today = today or date.today()
    partner = session.scalar(select(Partner).where(Partner.code == partner_code.upper()))
    if partner is None:
        codes = ", ".join(session.scalars(select(Partner.code).order_by(Partner.display_order)))
        raise TemplateError(f"No partner has the code {partner_code!r}; use one of {codes}")
    periods = list(session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.number)))
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
    book = Workbook()
    _instructions(book.active, partner, period)
    _indicators_sheet(book.create_sheet("Indicators"), partner, period, indicators)
    _policy_sheet(book.create_sheet("Policy changes"), changes)
    _lists_sheet(book.create_sheet("Lists"), indicators, periods)
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chosen_period(
    periods: list[ReportingPeriod], label: str | None, today: date
) -> ReportingPeriod:
    """The period called ``label`` or, without one, the latest that has ended (the one being reported)."""
    if label:
        for period in periods:
            if period.label.upper() == label.strip().upper():
                return period
        raise TemplateError(
            f"No reporting period is called {label!r}; use one of {', '.join(p.label for p in periods)}"
        )
    ended = [p for p in periods if p.has_ended(today)]
    if not periods:
        raise TemplateError("The database has no reporting periods yet: run `sharing init`")
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
    sheet.title = "Instructions"
    lines = [
        f"SHARING indicator report: {partner.name} ({partner.code})",
        f"Reporting period {period.label}: {period.start_date:%d.%m.%Y} to {period.end_date:%d.%m.%Y} "
        f"(report due {period.due_date:%d.%m.%Y})",
        "",
        "1. On the Indicators sheet, write each value in the yellow Value column, one row per indicator.",
        "2. Percentages: write 45 or 45 % (the cells are formatted as %). Decimals: 12,5 or 12.5 both work.",
        "3. No value to report? Write n/a (it is not zero). An empty cell is not imported at all.",
        "4. Add a row (copy one) for another period if needed; keep the code and write the period as P1, P2...",
        "5. On the Policy changes sheet, when a change reached a new stage, write the stage, the date, and a",
        "   link to the evidence (decision, amended text...). Moving a change back needs a note saying why.",
        "6. Save the file (.xlsx or .ods) and upload it, or send it to the monitoring team.",
        "   Every problem found is reported with its cell, and nothing is imported until the file is clean.",
    ]
    for row, line in enumerate(lines, start=1):
        put(sheet, row, 1, line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110


def _header(sheet, columns: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for index, (title, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = put(sheet, 1, index, title)
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
            indicator.name,
            indicator.unit,
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
    codes = DataValidation(
        type="list", formula1=f"=Lists!$A$2:$A${len(indicators) + 1}", allow_blank=True
    )
    codes.error, codes.errorTitle = "Choose an indicator code from the list", "Unknown indicator"
    periods = DataValidation(type="list", formula1="=Lists!$B$2:$B$20", allow_blank=True)
    periods.error, periods.errorTitle = (
        "Choose a period from the list (P1, P2...)",
        "Unknown period",
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
            change.code, change.instrument.title, change.title, change.stage,
            latest.occurred_on if latest else None, None, None,
        )  # fmt: skip
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
        sheet.cell(row, 5).number_format = "DD.MM.YYYY"
    last_row = max(len(changes) + 1, 2)
    stages = DataValidation(
        type="list", formula1=f"=Lists!$C$2:$C${len(Stage) + 1}", allow_blank=True
    )
    stages.error, stages.errorTitle = "Choose a stage from the list", "Unknown stage"
    sheet.add_data_validation(stages)
    stages.add(f"D2:D{last_row + _EDITABLE_ROWS}")
    _protect_header_only(sheet, last_row, len(POLICY_COLUMNS))


def _lists_sheet(sheet, indicators: list[Indicator], periods: list[ReportingPeriod]) -> None:
    for column, title in enumerate(("Indicator codes", "Periods", "Stages"), start=1):
        put(sheet, 1, column, title)
    columns = ([i.code for i in indicators], [p.label for p in periods], [s.value for s in Stage])
    for column, values in enumerate(columns, start=1):
        for row, value in enumerate(values, start=2):
            put(sheet, row, column, value)
    sheet.sheet_state = "hidden"
