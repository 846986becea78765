"""The period report's download buttons (PDF and Excel) and their callback, shared by the meeting page
and the overview: the report is built from the same view model as the slides, in the reader's
language, kept in the database with who generated it (services.reports), then downloaded."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.access import current_actor
from dashboard.callback_guard import NotFound
from dashboard.database import perform, read_session
from dashboard.queries.meeting import MeetingNotFound, meeting_view
from i18n import _, current_language
from models import utcnow
from reports.build import MEDIA_TYPES, ReportTooLarge, render_report, report_filename
from reports.fonts import FontMissing
from services.reports import record_report
from services.stored_files import StorageFull


def report_filters(period: str, partners: list[str] | None, include_submitted: bool) -> dict:
    return {"period": period, "partners": list(partners or []), "submitted": include_submitted}


def report_buttons(filters: dict, *, compact: bool = False) -> html.Span:
    """ "PDF report" and "Excel report" for the period and partners of ``filters``
    (``report_filters``)."""
    size = "sm" if compact else "lg"
    return html.Span(
        [
            dcc.Store(id="meeting-report-filters", data=filters),
            dbc.Button(
                _("PDF report"),
                id="meeting-report-pdf",
                n_clicks=0,
                color="secondary",
                outline=True,
                size=size,
                className="me-2",
            ),
            dbc.Button(
                _("Excel report"),
                id="meeting-report-xlsx",
                n_clicks=0,
                color="secondary",
                outline=True,
                size=size,
                className="me-2",
            ),
            dcc.Download(id="meeting-report-download"),
            html.Span(id="meeting-report-message", className="meeting-report-message"),
        ],  # fmt: skip
        className="meeting-report-buttons",
    )


@callback(
    Output("meeting-report-download", "data"),
    Output("meeting-report-message", "children"),
    Input("meeting-report-pdf", "n_clicks"),
    Input("meeting-report-xlsx", "n_clicks"),
    State("meeting-report-filters", "data"),
    prevent_initial_call=True,
)
def _download_report(pdf_clicks, xlsx_clicks, filters):
    from dash import ctx

    file_format = "pdf" if ctx.triggered_id == "meeting-report-pdf" else "xlsx"
    filters = filters or {}
    actor = current_actor()
    with read_session() as session:
        try:
            meeting = meeting_view(
                session, actor, filters.get("period") or "", filters.get("partners") or None,
                include_submitted=bool(filters.get("submitted")), today=date.today(),
            )  # fmt: skip
        except MeetingNotFound as problem:
            raise NotFound(str(problem)) from None
    language = current_language()
    try:
        content = render_report(
            meeting, file_format, generated_by=actor.name, generated_at=utcnow()
        )
    except (FontMissing, ReportTooLarge) as problem:
        return no_update, str(problem)
    filename = report_filename(meeting, file_format, language)
    try:
        perform(
            record_report, meeting, file_format=file_format, filename=filename, content=content,
            language=language,
        )  # fmt: skip
    except StorageFull as problem:
        return no_update, str(problem)
    return dcc.send_bytes(content, filename, type=MEDIA_TYPES[file_format]), ""


def meeting_entry(period: str | None, partners, include_submitted: bool) -> html.Div | None:
    """The overview's way into meeting mode and the period report, for its period and partners;
    None before any period has ended."""
    if period is None:
        return None
    query = {"period": period}
    if partners is not None:
        query["partner"] = ",".join(partners)
    if include_submitted:
        query["data"] = "submitted"
    return html.Div(
        [
            dbc.Button(
                _("Meeting mode"),
                href="/meeting?" + urlencode(query, safe=","),
                color="primary",
                size="sm",
                className="me-2",
                id="overview-meeting-link",
                external_link=True,
            ),
            report_buttons(
                report_filters(period, list(partners or []), include_submitted), compact=True
            ),
        ],  # fmt: skip
        className="meeting-entry mb-2 d-flex flex-wrap align-items-center",
    )
