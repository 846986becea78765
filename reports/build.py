"""One report file from a Meeting: which renderer, the file's name. The CLI and the meeting page both
build the view model (dashboard.queries.meeting), call ``render_report``, then keep the bytes with
services.reports.record_report."""

from __future__ import annotations

from datetime import datetime

from dashboard.queries.meeting import Meeting
from i18n import _, current_language

FORMATS = ("pdf", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_filename(meeting: Meeting, file_format: str, language: str | None = None) -> str:
    """ "sharing-report-P7-en.pdf"; with a partner filter, the partners' codes too."""
    parts = ["sharing-report", meeting.period.label, language or current_language()]
    if meeting.partners and len(meeting.partners) < 4:
        parts.insert(2, "-".join(meeting.partner_codes))
    return "-".join(parts) + f".{file_format}"


class ReportTooLarge(ValueError):
    """The PDF cannot lay the report out (a part taller than a page: charts are scaled to fit, but a
    table cell could still grow past one). The message says what to do instead."""


def render_report(
    meeting: Meeting, file_format: str, *, generated_by: str, generated_at: datetime
) -> bytes:
    """The report as ``file_format`` bytes in the current language (reports.fonts.FontMissing when a
    PDF cannot find its font, ReportTooLarge when it cannot lay out so many partners)."""
    if file_format == "pdf":
        from reportlab.platypus.doctemplate import LayoutError

        from reports.pdf import render_pdf

        try:
            return render_pdf(meeting, generated_by=generated_by, generated_at=generated_at)
        except LayoutError:
            raise ReportTooLarge(
                _(
                    "The PDF report cannot be laid out for {count} partners: one of its parts is "
                    "taller than a page. Choose fewer partners (or one county) for the PDF, or "
                    "download the Excel report, which holds them all."
                ).format(count=len(meeting.partners))
            ) from None
    if file_format == "xlsx":
        from reports.xlsx import render_xlsx

        return render_xlsx(meeting, generated_by=generated_by, generated_at=generated_at)
    raise ValueError(f"unknown report format {file_format!r}; one of {', '.join(FORMATS)}")
