"""One report file from a Meeting: which renderer, the file's name. The CLI and the meeting page both
build the view model (dashboard.queries.meeting), call ``render_report``, then keep the bytes with
services.reports.record_report."""

from __future__ import annotations

from datetime import datetime

from dashboard.queries.meeting import Meeting
from i18n import current_language

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


def render_report(
    meeting: Meeting, file_format: str, *, generated_by: str, generated_at: datetime
) -> bytes:
    """The report as ``file_format`` bytes in the current language (reports.fonts.FontMissing when a
    PDF cannot find its font)."""
    if file_format == "pdf":
        from reports.pdf import render_pdf

        return render_pdf(meeting, generated_by=generated_by, generated_at=generated_at)
    if file_format == "xlsx":
        from reports.xlsx import render_xlsx

        return render_xlsx(meeting, generated_by=generated_by, generated_at=generated_at)
    raise ValueError(f"unknown report format {file_format!r}; one of {', '.join(FORMATS)}")
