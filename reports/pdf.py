"""The period report as an A4 PDF (ReportLab, pure Python: no browser on the server).

A cover with the filters and the data date; each meeting topic (title, chart or text, its source); a
table of every indicator per partner in the programme reports' words; each policy change's history
with its evidence links; the sources of every figure. Every page carries the period, the data date,
which values are shown, the language and "page x of y". Charts are vector drawings (reports/
pdf_charts.py); tables repeat their header row on a page break and never split a row; a heading stays
with what follows it, and a chart or a partner's table moves whole to the next page rather than being
cut.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.queries.meeting import Meeting
from i18n import _
from reports import wording
from reports.charts import chart_for
from reports.fonts import BOLD, REGULAR, register_fonts
from reports.pdf_charts import VectorChart, chart_drawing
from rules.formatting import format_date, format_datetime, format_value

MARGIN = 18 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
# A chart leaves room on its page for its caption and source lines (the frame's padding is 6 pt a side).
CHART_MAX_HEIGHT = 0.8 * (PAGE_HEIGHT - 2 * MARGIN - 12)
INK = colors.HexColor("#212529")
MUTED = colors.HexColor("#495057")
HEADER_FILL = colors.HexColor("#E9ECEF")
RULE = colors.HexColor("#ADB5BD")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell-right": ParagraphStyle("cell-right", parent=base, fontSize=8, leading=10, alignment=2),
        "head-cell": ParagraphStyle("head-cell", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=22, leading=27,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18,
                             spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14,
                             spaceBefore=8, spaceAfter=4),
        "figure": ParagraphStyle("figure", parent=base, fontName=BOLD, fontSize=24, leading=28),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=0,
                                 alignment=TA_LEFT),
    }  # fmt: skip


def _text(value: object) -> str:
    """Typed text made safe for ReportLab's paragraph markup."""
    return escape(str(value))


class _NumberedCanvas(Canvas):
    """Writes every page's footer once the page count is known ("page 3 of 12")."""

    footer: tuple[str, str] = ("", "")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        left, header = self.footer
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
        self.line(MARGIN, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 12 * mm)
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, 10 * mm, left)
        self.drawRightString(
            PAGE_WIDTH - MARGIN,
            10 * mm,
            _("Page {page} of {pages}").format(page=self._pageNumber, pages=total),
        )
        self.drawString(MARGIN, PAGE_HEIGHT - 10.5 * mm, header)
        self.restoreState()


def _table(rows: list[list], widths: list[float], *, right_from: int | None = None) -> LongTable:
    table = LongTable(rows, colWidths=widths, repeatRows=1, splitByRow=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if right_from is not None:
        commands.append(("ALIGN", (right_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(commands))
    return table


class _Report:
    def __init__(self, meeting: Meeting, generated_by: str, generated_at):
        self.meeting, self.generated_by, self.generated_at = meeting, generated_by, generated_at
        self.styles = _styles()
        self.figure_number = 0
        self.figure_sources: list[tuple[str, str]] = []

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(_text(text), self.styles[style])

    def cover(self) -> list:
        meeting = self.meeting
        story = [
            Spacer(1, 30 * mm),
            self.p(_("SHARING steering committee report"), "title"),
            self.p(wording.period_span(meeting.period), "subtitle"),
        ]
        rows = [
            [self.p(label, "head-cell"), self.p(value, "cell")]
            for label, value in wording.filters_text(meeting)
        ]
        rows.append(
            [
                self.p(_("Generated"), "head-cell"),
                self.p(
                    _("{moment} (UTC) by {name}").format(
                        moment=format_datetime(self.generated_at), name=self.generated_by
                    ),
                    "cell",
                ),
            ]
        )
        cover = Table(rows, colWidths=[45 * mm, FRAME_WIDTH - 45 * mm])
        cover.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [cover, Spacer(1, 8 * mm)]
        note = wording.demo_note(meeting)
        if note:
            story.append(self.p(note, "small"))
        story.append(Spacer(1, 6 * mm))
        story.append(self.p(_("Contents"), "h2"))
        for topic in wording.TOPICS:
            story.append(self.p(wording.title(topic, meeting), "bullet"))
        for heading in (
            _("Every indicator per partner"),
            _("Policy-change histories"),
            _("Sources"),
        ):
            story.append(self.p(heading, "bullet"))
        story.append(PageBreak())
        return story

    def figure(self, topic: str) -> list:
        chart = chart_for(topic, self.meeting)
        self.figure_number += 1
        caption = _("Figure {number}: {title}").format(
            number=self.figure_number, title=wording.title(topic, self.meeting)
        )
        self.figure_sources.append((caption, wording.source(topic, self.meeting)))
        if chart is None or chart.is_empty:
            body = [self.p(_("Nothing to chart for these partners and this period."))]
        else:
            drawing = chart_drawing(chart, FRAME_WIDTH)
            body = [VectorChart(drawing, chart.key, max_height=CHART_MAX_HEIGHT)]
        notes = []
        if topic in ("e-services", "skills"):
            notes.append(self.p(wording.stale_note(), "small"))
        return [
            self.p(caption, "h1"),
            *body,
            Spacer(1, 2 * mm),
            *notes,
            self.p(wording.source(topic, self.meeting), "small"),
        ]

    def headline(self) -> list:
        figures = wording.headline_figures(self.meeting)
        cells = [
            [
                self.p(figure.label, "head-cell"),
                Paragraph(_text(figure.figure), self.styles["figure"]),
                self.p(figure.detail, "cell"),
            ]
            for figure in figures
        ]
        half = FRAME_WIDTH / 2
        grid = Table(
            [[cells[0], cells[1]], [cells[2], cells[3]]], colWidths=[half, half], rowHeights=None
        )
        grid.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        self.figure_sources.append(
            (wording.title("headline", self.meeting), wording.source("headline", self.meeting))
        )
        return [
            self.p(wording.title("headline", self.meeting), "h1"),
            grid,
            Spacer(1, 2 * mm),
            self.p(wording.source("headline", self.meeting), "small"),
        ]

    def moves(self) -> list:
        meeting = self.meeting
        heading = self.p(wording.title("moves", meeting), "h1")
        self.figure_sources.append(
            (wording.title("moves", meeting), wording.source("moves", meeting))
        )
        if not meeting.moves:
            return [heading, self.p(wording.no_moves(meeting)), self._source("moves")]
        rows = [[self.p(text, "head-cell") for text in wording.moves_header()]]
        for move in meeting.moves:
            rows.append(
                [
                    self.p(format_date(move.occurred_on), "cell"),
                    self.p(meeting.label(move.partner_code), "cell"),
                    self.p(f"{move.change_code} — {move.change_title}", "cell"),
                    self.p(wording.stage_name(move.from_stage), "cell"),
                    self.p(wording.stage_name(move.to_stage), "cell"),
                ]
            )
        widths = [22 * mm, 32 * mm, FRAME_WIDTH - 98 * mm, 22 * mm, 22 * mm]
        return [heading, _table(rows, widths), Spacer(1, 2 * mm), self._source("moves")]

    def _source(self, topic: str) -> Paragraph:
        return self.p(wording.source(topic, self.meeting), "small")

    def issues(self) -> list:
        meeting = self.meeting
        story = [self.p(wording.title("issues", meeting), "h1")]
        self.figure_sources.append(
            (wording.title("issues", meeting), wording.source("issues", meeting))
        )
        for key, heading, sentences in wording.issue_groups(meeting):
            block = [self.p(heading, "h2")]
            if not sentences:
                block.append(self.p(wording.no_issue(key)))
            for sentence in sentences:
                block.append(Paragraph(_text(sentence), self.styles["bullet"], bulletText="•"))
            story.append(KeepTogether(block))
        story.append(self._source("issues"))
        return story

    def indicator_tables(self) -> list:
        meeting = self.meeting
        story = [PageBreak(), self.p(_("Every indicator per partner"), "h1")]
        story.append(
            self.p(
                _(
                    "Baseline, final target, what earlier reports add up to (the sum of flows, the "
                    "latest stock, the mean of rates) and the value reported for {period}."
                ).format(period=meeting.period.label),
                "small",
            )
        )
        header = wording.indicator_header(meeting)[1:]
        widths = [FRAME_WIDTH - 119 * mm, 27 * mm, 20 * mm, 20 * mm, 24 * mm, 28 * mm]
        for partner in meeting.partners:
            lines = [line for line in meeting.indicator_lines if line.partner_code == partner.code]
            rows = [[self.p(text, "head-cell") for text in header]]
            for line in lines:
                if not line.reported:
                    current = wording.not_reported()
                elif line.current is None:
                    current = wording.no_value()
                else:
                    current = format_value(line.current, line.value_kind)
                if line.pending:
                    current = _("{value} (awaiting approval)").format(value=current)
                rows.append(
                    [
                        self.p(f"{line.indicator_code} — {line.indicator_name}", "cell"),
                        self.p(line.unit, "cell"),
                        self.p(
                            format_value(line.baseline, line.value_kind, missing="–"), "cell-right"
                        ),
                        self.p(
                            format_value(line.target, line.value_kind, missing="–"), "cell-right"
                        ),
                        self.p(
                            format_value(line.previously_reported, line.value_kind, missing="–"),
                            "cell-right",
                        ),
                        self.p(current, "cell-right"),
                    ]
                )
            title = self.p(f"{partner.name} ({partner.code})", "h2")
            if len(rows) == 1:
                story.append(KeepTogether([title, self.p(_("No targets or values yet."))]))
            else:
                story.append(KeepTogether([title, _table(rows, widths)]))
        story.append(Spacer(1, 2 * mm))
        story.append(self._source("indicators"))
        self.figure_sources.append(
            (_("Every indicator per partner"), wording.source("indicators", meeting))
        )
        return story

    def histories(self) -> list:
        meeting = self.meeting
        story = [PageBreak(), self.p(_("Policy-change histories"), "h1")]
        if not meeting.histories:
            story.append(self.p(_("No policy changes recorded for these partners by then.")))
        for history in meeting.histories:
            block = [
                self.p(f"{history.change_code} — {history.change_title}", "h2"),
                self.p(
                    _("{partner} · {instrument} · {stage} at the end of {period}").format(
                        partner=meeting.label(history.partner_code),
                        instrument=history.instrument_title,
                        stage=wording.stage_name(history.stage),
                        period=meeting.period.label,
                    ),
                    "small",
                ),
            ]
            rows = [[self.p(text, "head-cell") for text in (_("Date"), _("Stage"), _("Note"))]]
            for event in history.events:
                rows.append(
                    [
                        self.p(format_date(event.occurred_on), "cell"),
                        self.p(wording.stage_name(event.stage), "cell"),
                        self.p(event.note, "cell"),
                    ]
                )
            if len(rows) > 1:
                block.append(_table(rows, [22 * mm, 25 * mm, FRAME_WIDTH - 47 * mm]))
            for item in history.evidence:
                if item.url:
                    link = (
                        f'<link href="{escape(item.url, {chr(34): "&quot;"})}" color="#0b5cad">'
                        f"{_text(item.url)}</link>"
                    )
                    text = (
                        _text(
                            _("Evidence ({kind}): {title} — ").format(
                                kind=wording.evidence_kind(item.kind), title=item.title
                            )
                        )
                        + link
                    )
                else:
                    text = _text(
                        _("Evidence ({kind}): {title} — a document stored in the dashboard").format(
                            kind=wording.evidence_kind(item.kind), title=item.title
                        )
                    )
                block.append(Paragraph(text, self.styles["small"], bulletText="•"))
            story.append(KeepTogether(block))
        story.append(Spacer(1, 2 * mm))
        story.append(self._source("histories"))
        self.figure_sources.append(
            (_("Policy-change histories"), wording.source("histories", meeting))
        )
        return story

    def sources(self) -> list:
        story = [CondPageBreak(60 * mm), self.p(_("Sources"), "h1")]
        for what, source in self.figure_sources:
            story.append(KeepTogether([self.p(what, "h2"), self.p(source, "small")]))
        return story

    def story(self) -> list:
        story = self.cover()
        for topic in wording.TOPICS:
            if topic == "headline":
                part = self.headline()
            elif topic == "moves":
                part = self.moves()
            elif topic == "issues":
                part = self.issues()
            else:
                part = self.figure(topic)
            # A topic starts on a fresh page when less than a third of one is left; a chart with its
            # heading and source moves whole.
            story.append(CondPageBreak(PAGE_HEIGHT / 3))
            story.append(KeepTogether(part) if topic not in ("issues", "moves") else part[0])
            if topic in ("issues", "moves"):
                story += part[1:]
        story += self.indicator_tables()
        story += self.histories()
        story += self.sources()
        return story


def render_pdf(meeting: Meeting, *, generated_by: str, generated_at) -> bytes:
    """The report of ``meeting`` as PDF bytes, in the current language. Raises reports.fonts.FontMissing
    when DejaVu Sans is not installed."""
    register_fonts()
    report = _Report(meeting, generated_by, generated_at)
    footer = " · ".join(wording.footer_parts(meeting))
    header = _("SHARING steering committee report — {period}").format(
        period=wording.period_span(meeting.period)
    )
    canvas_class = type("ReportCanvas", (_NumberedCanvas,), {"footer": (footer, header)})
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("SHARING steering committee report — {period}").format(period=meeting.period.label),
        author=generated_by,
        subject=" · ".join(wording.footer_parts(meeting)),
        creator="SHARING Monitor",
        lang=None,
    )
    document.build(report.story(), canvasmaker=canvas_class)
    return buffer.getvalue()
