"""A background report's state for the page that asked for it (reads only; jobs.reports writes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dashboard.access import Actor
from models import GeneratedReport, ReportJob, StoredFile


@dataclass(frozen=True)
class ReportJobStatus:
    state: str
    progress: int
    message: str | None
    filename: str | None = None
    file_format: str | None = None
    content: bytes | None = None


def report_job_status(session: Session, job_id: int, actor: Actor) -> ReportJobStatus | None:
    """Job ``job_id`` as its requester sees it (the file once it is done); None for anyone else, and for
    an unknown job: a report is handed only to the account that asked for it."""
    job = session.get(ReportJob, job_id)
    requester = (job.job_request or {}).get("actor", {}).get("user_id") if job else None
    if job is None or actor.user_id is None or requester != actor.user_id:
        return None
    if job.job_state != "done" or job.report_id is None:
        return ReportJobStatus(job.job_state, job.job_progress, job.job_message)
    report = session.get(GeneratedReport, job.report_id)
    stored = session.get(StoredFile, report.sha256)
    return ReportJobStatus(
        "done", 100, None, report.filename, report.file_format, stored.content if stored else None
    )
