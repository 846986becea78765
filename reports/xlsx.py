"""The period report as one Excel workbook, for the minutes: a sheet per topic with real numbers (counts
as numbers, percentages as fractions formatted as %, dates as dates), a frozen, bold header row, and a
Sources sheet. Text goes through workbooks/cell_text.py (never a formula, always storable)."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.queries.meeting import Meeting
from i18n import _
from reports import wording
from rules.formatting import format_datetime
from workbooks.cell_text import put, sheet_title

COUNT_FORMAT = "#,##0.##"
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd.mm.yyyy"
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")


def _fraction(value: float | None) -> float | None:
    """A percentage (55.3) as the fraction Excel formats as 55.3 %."""
    return None if value is None else value / 100


def _number_format(value_kind: str) -> str:
    return PERCENT_FORMAT if value_kind == "percentage" else COUNT_FORMAT


def _kind_value(value: float | None, value_kind: str) -> float | None:
    return _fraction(value) if value_kind == "percentage" else value


class _Sheet:
    """A sheet with a header row, rows appended under it, columns sized to their contents."""

    def __init__(self, workbook: Workbook, name: str, header: list[str], widths: list[int]):
        self.sheet = workbook.create_sheet(sheet_title(name))
        for column, (text, width) in enumerate(zip(header, widths, strict=True), start=1):
            cell = put(self.sheet, 1, column, text)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        self.sheet.freeze_panes = "A2"
        self.row = 1

    def add(self, values: list, formats: dict[int, str] | None = None) -> None:
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = put(self.sheet, self.row, column, value)
            if isinstance(value, datetime | date):
                cell.number_format = DATE_FORMAT
            elif formats and column in formats and isinstance(value, int | float):
                cell.number_format = formats[column]
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))


def render_xlsx(meeting: Meeting, *, generated_by: str, generated_at: datetime) -> bytes:
    """The report of ``meeting`` as .xlsx bytes, in the current language."""
    workbook = Workbook()
    about = workbook.active
    about.title = sheet_title(_("Report"))
    put(about, 1, 1, _("SHARING steering committee report")).font = Font(bold=True, size=14)
    rows = [
        *wording.filters_text(meeting),
        (
            _("Generated"),
            _("{moment} (UTC) by {name}").format(
                moment=format_datetime(generated_at), name=generated_by
            ),
        ),
    ]
    for number, (label, value) in enumerate(rows, start=3):
        put(about, number, 1, label).font = Font(bold=True)
        put(about, number, 2, value)
    note = wording.demo_note(meeting)
    if note:
        put(about, len(rows) + 4, 1, note)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90
    sources: list[tuple[str, str]] = []

    headline = _Sheet(
        workbook,
        _("Headline"),
        [_("Figure"), _("Count"), _("Out of"), _("Detail")],
        [34, 10, 10, 80],
    )
    head = meeting.headline
    figures = {figure.key: figure for figure in wording.headline_figures(meeting)}
    for key, count, total in (
        ("changes", head.changes_total, None),
        ("instruments", head.instruments_improved, head.instruments_total),
        ("targets", head.targets_on_track, head.targets_total),
        ("reported", len(head.partners_reported), len(meeting.partners)),
    ):
        headline.add(
            [figures[key].label, count, total, figures[key].detail],
            {2: INTEGER_FORMAT, 3: INTEGER_FORMAT},
        )
    sources.append((headline.sheet.title, wording.source("headline", meeting)))

    pipeline = _Sheet(
        workbook, _("Pipeline"), [_("Partner"), _("Stage"), _("Policy changes")], [30, 18, 16]
    )
    for row in meeting.pipeline:
        pipeline.add(
            [meeting.label(row.partner_code), wording.stage_name(row.stage), row.changes],
            {3: INTEGER_FORMAT},
        )
    sources.append((pipeline.sheet.title, wording.source("pipeline", meeting)))

    moves = _Sheet(
        workbook,
        _("Moves"),
        [*wording.moves_header(), _("Note")],
        [12, 26, 60, 16, 16, 50],
    )
    for move in meeting.moves:
        moves.add(
            [
                move.occurred_on,
                meeting.label(move.partner_code),
                f"{move.change_code} — {move.change_title}",
                wording.stage_name(move.from_stage),
                wording.stage_name(move.to_stage),
                move.note,
            ]
        )
    if not meeting.moves:
        moves.add([None, None, wording.no_moves(meeting), None, None, None])
    sources.append((moves.sheet.title, wording.source("moves", meeting)))

    progress = _Sheet(
        workbook,
        _("Progress"),
        [
            _("Partner"), _("Targets on track"), _("Targets behind"), _("Targets without data"),
            _("Reported {period}").format(period=meeting.period.label), _("Last reported period"),
            _("Policy changes"), _("Validated changes"),
        ],
        [30, 14, 14, 14, 14, 14, 14, 14],
    )  # fmt: skip
    for row in meeting.progress:
        progress.add(
            [
                meeting.label(row.partner_code), row.on_track, row.behind, row.no_data,
                _("yes") if row.reported_in_period else _("no"), row.last_reported_period or "–",
                row.changes, row.validated_changes,
            ],
            dict.fromkeys((2, 3, 4, 7, 8), INTEGER_FORMAT),
        )  # fmt: skip
    sources.append((progress.sheet.title, wording.source("progress", meeting)))

    e_services = _Sheet(
        workbook,
        _("E-services"),
        [
            _("Partner"), _("Code"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"),
            _("Current"), _("Share of the way to target"), _("Expected by now"), _("Status"),
            _("Latest period"),
        ],
        [26, 18, 40, 14, 12, 12, 12, 14, 14, 12, 12],
    )  # fmt: skip
    for row in meeting.e_services:
        number = _number_format(row.value_kind)
        e_services.add(
            [
                meeting.label(row.partner_code), row.indicator_code, row.indicator_name, row.unit,
                _kind_value(row.baseline, row.value_kind), _kind_value(row.target, row.value_kind),
                _kind_value(row.current, row.value_kind), _fraction(row.progress_pct),
                _fraction(row.expected_pct), wording.status_name(row.status),
                row.latest_period or "–",
            ],
            {5: number, 6: number, 7: number, 8: PERCENT_FORMAT, 9: PERCENT_FORMAT},
        )  # fmt: skip
    sources.append((e_services.sheet.title, wording.source("e-services", meeting)))

    skills = _Sheet(
        workbook,
        _("Digital skills"),
        [
            _("Partner or reference"), _("Country"), _("Share with basic digital skills"),
            _("Period or year"), _("Partner's target"),
        ],
        [40, 10, 16, 14, 16],
    )  # fmt: skip
    for row in meeting.skills.rows:
        skills.add(
            [
                meeting.label(row.partner_code), row.country, _fraction(row.value),
                row.value_period or "–", _fraction(row.target),
            ],
            {3: PERCENT_FORMAT, 5: PERCENT_FORMAT},
        )  # fmt: skip
        if row.reference_value is not None:
            skills.add(
                [
                    _("Eurostat"),
                    row.country,
                    _fraction(row.reference_value),
                    row.reference_year,
                    None,
                ],
                {3: PERCENT_FORMAT, 4: "0"},
            )
    if meeting.skills.eu_value is not None:
        skills.add(
            [
                _("Eurostat"),
                "EU27",
                _fraction(meeting.skills.eu_value),
                meeting.skills.eu_year,
                None,
            ],
            {3: PERCENT_FORMAT, 4: "0"},
        )
    for target in meeting.skills.policy_targets:
        skills.add(
            [_(target.label), target.geo, _fraction(target.value), target.year, None],
            {3: PERCENT_FORMAT, 4: "0"},
        )
    sources.append((skills.sheet.title, wording.source("skills", meeting)))

    issues = _Sheet(workbook, _("Open issues"), [_("Kind"), _("Issue")], [40, 110])
    for key, heading, sentences in wording.issue_groups(meeting):
        for sentence in sentences or [wording.no_issue(key)]:
            issues.add([heading, sentence])
    sources.append((issues.sheet.title, wording.source("issues", meeting)))

    header = wording.indicator_header(meeting)
    indicators = _Sheet(
        workbook,
        _("Indicators"),
        [header[0], _("Code"), *header[1:], _("Awaiting approval")],
        [26, 18, 44, 16, 12, 12, 14, 16, 12],
    )
    for line in meeting.indicator_lines:
        number = _number_format(line.value_kind)
        current = _kind_value(line.current, line.value_kind)
        if not line.reported:
            current = wording.not_reported()
        elif line.current is None:
            current = wording.no_value()
        indicators.add(
            [
                meeting.label(line.partner_code), line.indicator_code, line.indicator_name,
                line.unit, _kind_value(line.baseline, line.value_kind),
                _kind_value(line.target, line.value_kind),
                _kind_value(line.previously_reported, line.value_kind), current,
                _("yes") if line.pending else _("no"),
            ],
            {5: number, 6: number, 7: number, 8: number},
        )  # fmt: skip
    sources.append((indicators.sheet.title, wording.source("indicators", meeting)))

    histories = _Sheet(
        workbook,
        _("Histories"),
        [_("Partner"), _("Policy change"), _("Date"), _("Stage"), _("Note or evidence"), _("Link")],
        [24, 50, 12, 14, 60, 50],
    )
    for history in meeting.histories:
        change = f"{history.change_code} — {history.change_title}"
        for event in history.events:
            histories.add(
                [
                    meeting.label(history.partner_code), change, event.occurred_on,
                    wording.stage_name(event.stage), event.note, None,
                ]
            )  # fmt: skip
        for item in history.evidence:
            histories.add(
                [
                    meeting.label(history.partner_code), change, None, _("evidence"),
                    f"{wording.evidence_kind(item.kind)}: {item.title}", item.url,
                ]
            )  # fmt: skip
            if item.url:
                histories.sheet.cell(histories.row, 6).hyperlink = item.url
    sources.append((histories.sheet.title, wording.source("histories", meeting)))

    source_sheet = _Sheet(workbook, _("Sources"), [_("Sheet"), _("Source")], [24, 120])
    for name, text in sources:
        source_sheet.add([name, text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
