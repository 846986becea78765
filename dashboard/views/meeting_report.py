"""The period report's download buttons (PDF and Excel) and their callback, shared by the meeting page
and the overview: the report is built from the same view model as the slides, in the reader's
language, kept in the database with who generated it (services.reports), then downloaded.

A report over more than MANY_BODIES partners (the region's hundreds of bodies: a PDF of thousands of
pages, a minute or more) is made by a background worker (jobs.reports): the page follows the job and
downloads the file when it is ready."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.access import current_actor
from dashboard.callback_guard import NotFound
from dashboard.components.filters import MANY_BODIES
from dashboard.database import app_session_factory, app_settings, perform, read_session
from dashboard.queries.catalogue import visible_partners
from dashboard.queries.meeting import MeetingNotFound, meeting_view
from dashboard.queries.report_jobs import report_job_status
from i18n import _, current_language
from jobs.reports import queue_report
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
            dcc.Store(id="meeting-report-job"),
            dcc.Interval(id="meeting-report-poll", interval=2000, disabled=True),
            html.Span(id="meeting-report-message", className="meeting-report-message"),
        ],  # fmt: skip
        className="meeting-report-buttons",
    )


@callback(
    Output("meeting-report-download", "data"),
    Output("meeting-report-message", "children"),
    Output("meeting-report-job", "data"),
    Output("meeting-report-poll", "disabled"),
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
    partners = filters.get("partners") or None
    with read_session() as session:
        count = len(partners) if partners else len(visible_partners(session, actor))
    if count > MANY_BODIES and actor.user_id is not None:
        settings = app_settings()
        job_id = queue_report(
            app_session_factory(), actor, period=filters.get("period") or "", partners=partners,
            include_submitted=bool(filters.get("submitted")), file_format=file_format,
            language=current_language(), redis_url=settings.redis_url,
        )  # fmt: skip
        job = {"id": job_id, "format": file_format, "partners": count}
        return no_update, _report_progress(file_format, count, "queued", 0), job, False
    return (*_report_now(actor, filters, file_format), no_update, True)


def _report_now(actor, filters: dict, file_format: str) -> tuple:
    """The report made within the request: (the download, the message)."""
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


def _report_progress(file_format: str, count: int, state: str, progress: int) -> html.Span:
    text = (
        _("The {kind} report over {count} partners is queued for a background worker…")
        if state == "queued"
        else _("The {kind} report over {count} partners is being made: {percent} %…")
    )
    kind = "PDF" if file_format == "pdf" else "Excel"
    return html.Span(
        [
            dbc.Spinner(size="sm", spinner_class_name="me-2"),
            text.format(kind=kind, count=count, percent=progress),
        ],
        id="meeting-report-progress",
        className="small",
    )


@callback(
    Output("meeting-report-download", "data", allow_duplicate=True),
    Output("meeting-report-message", "children", allow_duplicate=True),
    Output("meeting-report-poll", "disabled", allow_duplicate=True),
    Input("meeting-report-poll", "n_intervals"),
    State("meeting-report-job", "data"),
    prevent_initial_call=True,
)
def _follow_report(_ticks, job):
    """Every 2 s while a background report is being made: its progress, then the file."""
    if not job:
        raise dash.exceptions.PreventUpdate
    actor = current_actor()
    with read_session() as session:
        status = report_job_status(session, job["id"], actor)
    if status is None:
        raise NotFound(_("There is no such report."))
    if status.state in ("queued", "running"):
        progress = _report_progress(job["format"], job["partners"], status.state, status.progress)
        return no_update, progress, False
    if status.state == "failed" or status.content is None:
        return no_update, status.message or _("The report could not be made."), True
    data = dcc.send_bytes(status.content, status.filename, type=MEDIA_TYPES[status.file_format])
    return data, "", True


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
