"""The review of partners' values and the locks of filed periods (models.review).

- ``open_submission``: every import or correction writes its values as one Submission per partner. An
  actor who may review (an admin) approves it in the same step; a partner editor's waits as "submitted".
- ``approve_submission`` / ``return_submission``: an admin decides on a submission, in one transaction
  with its audit event. Only the values the submission still holds are affected: a value a later
  submission replaced waits for that one.
- ``lock_period`` / ``unlock_period``: a locked period refuses imports and corrections of its values
  (``locked_periods`` is what the write paths ask) until an admin unlocks it, with a reason.

Raises ReviewError (one sentence) or AccessDenied; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, require
from i18n import _
from models import Observation, Partner, PeriodLock, ReportingPeriod, Submission, utcnow
from rules.limits import text_problem

from .audit import record_event
from .locks import lock_partners


class ReviewError(ValueError):
    """A review or lock operation the rules refuse; the message says why."""


def open_submission(
    session: Session, actor: Actor, partner_id: int, kind: str, upload_id: int | None = None
) -> Submission:
    """The submission that the values ``actor`` is about to write for ``partner_id`` belong to:
    approved at once when ``actor`` may review, else waiting for review."""
    approved = actor.can(Permission.REVIEW)
    now = utcnow()
    submission = Submission(
        partner_id=partner_id, kind=kind, upload_id=upload_id, submitted_by=actor.name,
        submitted_at=now, status="approved" if approved else "submitted",
        decided_by=actor.name if approved else None, decided_at=now if approved else None,
    )  # fmt: skip
    session.add(submission)
    session.flush()
    return submission


def _pending(submission: Submission):
    return and_(
        Observation.submission_id == submission.id, Observation.review_status == "submitted"
    )


def _decide(
    session: Session, actor: Actor, submission_id: int, expected_values: int | None
) -> tuple[Submission, Partner]:
    require(actor, Permission.REVIEW)
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise ReviewError(_("There is no submission with number {id}.").format(id=submission_id))
    partner = session.get(Partner, submission.partner_id)
    # The partner's values are ours until commit: an import cannot add to the submission meanwhile.
    lock_partners(session, [partner.id])
    session.refresh(submission)
    if submission.status != "submitted":
        decided = {
            "approved": _("Submission {id} was already approved by {who}; nothing was changed."),
            "returned": _("Submission {id} was already returned by {who}; nothing was changed."),
        }[submission.status]
        raise ReviewError(decided.format(id=submission.id, who=submission.decided_by or "-"))
    if expected_values is not None and pending_count(session, submission) != expected_values:
        raise ReviewError(
            _(
                "Submission {id} changed since you opened it (a newer upload replaced some values); "
                "look at it again before deciding."
            ).format(id=submission.id)
        )
    return submission, partner


def pending_count(session: Session, submission: Submission) -> int:
    return session.scalar(select(func.count(Observation.id)).where(_pending(submission)))


def approve_submission(
    session: Session,
    actor: Actor,
    submission_id: int,
    comment: str = "",
    *,
    expected_values: int | None = None,
) -> int:
    """Approve the values the submission still holds (the committee sees them from now on); returns
    how many. ``expected_values``: how many the reviewer saw; if that changed meanwhile, nothing is
    approved (ReviewError)."""
    submission, partner = _decide(session, actor, submission_id, expected_values)
    comment = _checked_comment(comment, required=False)
    now = utcnow()
    approved = session.execute(
        update(Observation)
        .where(_pending(submission))
        .values(approved_value=Observation.value, approved_at=now, review_status="approved")
        .execution_options(synchronize_session=False)
    ).rowcount
    submission.status, submission.decided_by, submission.decided_at = "approved", actor.name, now
    submission.decision_comment = comment
    record_event(
        session, actor, "submission.approved", object_type="submission", object_id=submission.id,
        label=_submission_label(session, submission, partner), partner_code=partner.code,
        after={"values": approved}, comment=comment,
    )  # fmt: skip
    return approved


def return_submission(
    session: Session,
    actor: Actor,
    submission_id: int,
    comment: str,
    *,
    expected_values: int | None = None,
) -> int:
    """Send the submission back to the partner with ``comment`` (required: the partner reads it on
    the partner and upload pages); its values stay unapproved. Returns how many values it held."""
    comment = _checked_comment(comment, required=True)
    submission, partner = _decide(session, actor, submission_id, expected_values)
    now = utcnow()
    returned = session.execute(
        update(Observation)
        .where(_pending(submission))
        .values(review_status="returned")
        .execution_options(synchronize_session=False)
    ).rowcount
    submission.status, submission.decided_by, submission.decided_at = "returned", actor.name, now
    submission.decision_comment = comment
    record_event(
        session, actor, "submission.returned", object_type="submission", object_id=submission.id,
        label=_submission_label(session, submission, partner), partner_code=partner.code,
        after={"values": returned}, comment=comment,
    )  # fmt: skip
    return returned


def _checked_comment(comment: str | None, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ReviewError(
            _("Say what the partner should correct: the comment is what they will read.")
        )
    too_long = text_problem("submission.decision_comment", comment, _("Comment"))
    if too_long:
        raise ReviewError(too_long.message)
    return comment


def _submission_label(session: Session, submission: Submission, partner: Partner) -> str:
    if submission.upload_id is not None:
        return _("{partner} · upload #{upload}").format(
            partner=partner.code, upload=submission.upload_id
        )
    return _("{partner} · correction").format(partner=partner.code)


# --- period locks ------------------------------------------------------------------------------


def locked_periods(
    session: Session, partner_ids: Iterable[int]
) -> dict[tuple[int, int], PeriodLock]:
    """The locks that hold for these partners, by (partner id, period id): a lock of one partner, or
    one of every partner (partner_id NULL)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    locks = session.scalars(
        select(PeriodLock).where(
            or_(PeriodLock.partner_id.in_(ids), PeriodLock.partner_id.is_(None))
        )
    ).all()
    found: dict[tuple[int, int], PeriodLock] = {}
    for lock in locks:
        for partner_id in ids if lock.partner_id is None else [lock.partner_id]:
            found.setdefault((partner_id, lock.period_id), lock)
    return found


def _period(session: Session, period_label: str) -> ReportingPeriod:
    period = session.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == period_label
        )
    )
    if period is None:
        raise ReviewError(
            _("There is no reporting period {label}.").format(label=period_label[:10])
        )
    return period


def _partner(session: Session, partner_code: str | None) -> Partner | None:
    if not partner_code:
        return None
    partner = session.scalar(select(Partner).where(Partner.code == partner_code.upper()))
    if partner is None:
        raise ReviewError(_("No partner has the code '{code}'.").format(code=partner_code[:20]))
    return partner


def _lock_row(session: Session, period: ReportingPeriod, partner: Partner | None):
    condition = (
        PeriodLock.partner_id.is_(None) if partner is None else PeriodLock.partner_id == partner.id
    )
    return session.scalar(
        select(PeriodLock).where(PeriodLock.period_id == period.id, condition).with_for_update()
    )


def lock_period(
    session: Session, actor: Actor, period_label: str, partner_code: str | None, reason: str = ""
) -> PeriodLock:
    """Lock ``period_label`` for one partner (or, with None, for every partner): its values refuse any
    change until unlocked."""
    require(actor, Permission.REVIEW)
    period, partner = _period(session, period_label), _partner(session, partner_code)
    reason = _checked_reason(reason, required=False)
    existing = _lock_row(session, period, partner)
    if existing is not None:
        return existing
    lock = PeriodLock(period=period, partner=partner, locked_by=actor.name, reason=reason)
    session.add(lock)
    session.flush()
    record_event(
        session, actor, "period.locked", object_type="period", object_id=period.id,
        label=_lock_label(period, partner), partner_code=partner.code if partner else None,
        after={"locked": True}, comment=reason,
    )  # fmt: skip
    return lock


def unlock_period(
    session: Session, actor: Actor, period_label: str, partner_code: str | None, reason: str
) -> None:
    """Unlock a locked period (the reason is required and kept in the audit trail)."""
    require(actor, Permission.REVIEW)
    period, partner = _period(session, period_label), _partner(session, partner_code)
    reason = _checked_reason(reason, required=True)
    existing = _lock_row(session, period, partner)
    if existing is None:
        raise ReviewError(
            _("{what} is not locked; nothing to unlock.").format(what=_lock_label(period, partner))
        )
    session.delete(existing)
    record_event(
        session, actor, "period.unlocked", object_type="period", object_id=period.id,
        label=_lock_label(period, partner), partner_code=partner.code if partner else None,
        before={"locked": True}, after={"locked": False}, comment=reason,
    )  # fmt: skip


def _checked_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReviewError(
            _("Say why the period is unlocked: the reason is kept in the audit trail.")
        )
    too_long = text_problem("period_lock.reason", reason, _("Reason"))
    if too_long:
        raise ReviewError(too_long.message)
    return reason


def _lock_label(period: ReportingPeriod, partner: Partner | None) -> str:
    if partner is None:
        return _("{period} for every partner").format(period=period.label)
    return _("{period} for {partner}").format(period=period.label, partner=partner.code)
