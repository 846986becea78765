"""Changing indicator values: the one code path for "a value changes", whether an import writes 100,000
of them or an officer corrects one on the partner page.

``write_values`` inserts new observations, updates changed ones and keeps an ObservationRevision for every
change (previous value, new value, who, when, why, in which submission); ``correct_observation`` checks a
typed correction with rules.values and writes it through ``write_values`` with its audit event, and
``enter_value`` does the same for a value the partner has not reported (its revision starts from "not
reported").

Every write belongs to a Submission (services.review): an admin's values are approved as they are
written, a partner editor's wait for review (``approved_value`` keeps what the committee sees). A value
of a locked period (services.review.lock_period) is never written: PeriodLocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import _
from models import (
    NOT_REPORTED,
    Indicator,
    Observation,
    ObservationRevision,
    Partner,
    ReportingPeriod,
    Submission,
    utcnow,
)
from rules.cells import is_no_value
from rules.formatting import format_date
from rules.limits import text_problem
from rules.values import ValueRuleError, read_typed_value

from .audit import MAX_COMMENT_CHARS, record_event
from .locks import lock_partners
from .review import locked_periods, open_submission

SOURCE_CELL_CHARS = 80


class CorrectionError(ValueError):
    """A correction the rules refuse; the message names the field and what to write instead."""


class PeriodLocked(ValueError):
    """A write reached a value of a locked period (the importer reports such cells before writing)."""


@dataclass(frozen=True, slots=True)
class StoredValue:
    """An observation as it is stored, before a write changes it."""

    id: int
    value: float | None
    comment: str
    source_kind: str
    upload_id: int | None
    review_status: str = "approved"
    approved_value: float | None = None
    approved_at: object = None


@dataclass(slots=True)
class ValueWrite:
    """One value to store: new (``stored`` None) or a change of a stored observation."""

    indicator_id: int
    partner_id: int
    period_id: int
    value: float | None
    comment: str
    source_cell: str | None
    stored: StoredValue | None
    reason: str = ""


def stored_values(
    session: Session, partner_ids: set[int]
) -> dict[tuple[int, int, int], StoredValue]:
    """The stored observations of the given partners by (indicator, partner, period) id."""
    table = Observation.__table__
    rows = session.execute(
        select(
            table.c.indicator_id, table.c.partner_id, table.c.period_id, table.c.id, table.c.value,
            table.c.comment, table.c.source_kind, table.c.upload_id, table.c.review_status,
            table.c.approved_value, table.c.approved_at,
        ).where(table.c.partner_id.in_(partner_ids))
    )  # fmt: skip
    return {(row[0], row[1], row[2]): StoredValue(*row[3:]) for row in rows}


def write_values(
    session: Session,
    actor: Actor,
    writes: Sequence[ValueWrite],
    *,
    partner_codes: dict[int, str],
    source_kind: str,
    upload_id: int | None,
    kind: str = "import",
) -> dict[int, Submission]:
    """Insert, update and revise observations in bulk (Core statements: ~9x faster than ORM adds).

    ``partner_codes``: the code of every partner id in ``writes``, whose rights are checked once each.
    The values of each partner form one Submission of ``kind`` (returned by partner id): approved at
    once when ``actor`` may review. Raises PeriodLocked when a write falls in a locked period. The
    caller records the audit event (one per import, one per correction).
    """
    partner_ids = {write.partner_id for write in writes}
    for code in {partner_codes[partner_id] for partner_id in partner_ids}:
        require_edit(actor, code)
    # The caller locked these partners before reading ``stored``; taking the lock again is free, and
    # makes a caller that forgot wait here rather than overwrite a concurrent write blindly.
    lock_partners(session, partner_ids)
    locks = locked_periods(session, partner_ids)
    if any((write.partner_id, write.period_id) in locks for write in writes):
        raise PeriodLocked(
            _("A value of a locked period cannot change; ask an officer to unlock it.")
        )
    submissions = {
        partner_id: open_submission(session, actor, partner_id, kind, upload_id)
        for partner_id in sorted(partner_ids)
    }
    now = utcnow()
    observations = _BulkInsert(session, Observation.__table__, _OBSERVATION_COLUMNS)
    revisions = _BulkInsert(session, ObservationRevision.__table__, _REVISION_COLUMNS)
    updates = []
    for write in writes:
        cell = write.source_cell[:SOURCE_CELL_CHARS] if write.source_cell else None
        submission = submissions[write.partner_id]
        submission.values_count += 1
        approved = submission.status == "approved"
        if write.stored is None:
            observations.add(
                (
                    write.indicator_id, write.partner_id, write.period_id, write.value,
                    write.comment, source_kind, upload_id, cell, actor.name, now,
                    submission.status, write.value if approved else None,
                    now if approved else None, submission.id,
                )
            )  # fmt: skip
            continue
        stored = write.stored
        updates.append(
            {
                "id": stored.id, "value": write.value, "comment": write.comment,
                "source_kind": source_kind, "upload_id": upload_id, "source_cell": cell,
                "updated_by": actor.name, "updated_at": now, "review_status": submission.status,
                "approved_value": write.value if approved else stored.approved_value,
                "approved_at": now if approved else stored.approved_at,
                "submission_id": submission.id,
            }
        )  # fmt: skip
        revisions.add(
            (
                stored.id, stored.value, stored.source_kind, stored.upload_id, write.value,
                actor.name, now, upload_id, write.reason[:MAX_COMMENT_CHARS], submission.id,
            )
        )  # fmt: skip
    observations.flush()
    revisions.flush()
    if updates:
        session.execute(update(Observation), updates)
    return submissions


def parse_corrected_value(
    raw: str | float | None, value_kind: str, indicator_code: str = ""
) -> float | None:
    """The value typed in the correction form: a number as partners write it, or "n/a" for no value.

    ``raw`` may be a number already (a JSON callback body: 0, 1.5, or inf and nan, which are refused).
    Raises CorrectionError naming the field when it is not a number or breaks a value rule.
    """
    is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    text = raw if is_number else ("" if raw is None else str(raw)).strip()
    if not is_number and is_no_value(text):
        if text:
            return None
        raise CorrectionError(_('New value: write a number, or "n/a" when there is no value'))
    try:
        return read_typed_value(
            text, indicator_code or _("the indicator"), value_kind, _("New value")
        )
    except ValueRuleError as problem:
        raise CorrectionError(str(problem)) from None


def correct_observation(
    session: Session, actor: Actor, observation_id: int, raw_value: str | None, reason: str | None
) -> ObservationRevision:
    """Change one value in place and keep the revision (previous value, new value, who, when, why).

    Raises AccessDenied when ``actor`` may not edit the partner, CorrectionError when the observation is
    unknown, the reason is missing or too long, the value unreadable, or nothing would change.
    """
    observation = session.get(Observation, observation_id)
    if observation is None:
        raise CorrectionError(_("There is no value with id {id}").format(id=observation_id))
    partner = session.get(Partner, observation.partner_id)
    require_edit(actor, partner.code)
    # Read the value again once the partner's data is ours: the "previous value" of the revision must be
    # the value this correction replaces, even if an import committed a moment ago.
    lock_partners(session, [partner.id])
    session.refresh(observation)
    indicator = session.get(Indicator, observation.indicator_id)
    new_value = parse_corrected_value(raw_value, indicator.value_kind, indicator.code)
    reason = _reason(
        reason, _("Reason: say why the value is corrected (it is kept with the change)")
    )
    if new_value == observation.value and observation.review_status != "returned":
        raise CorrectionError(
            _("New value: it is the same as the current value; nothing to correct")
        )
    period = session.get(ReportingPeriod, observation.period_id)
    _refuse_locked_period(session, partner, period)
    stored = StoredValue(
        observation.id, observation.value, observation.comment, observation.source_kind,
        observation.upload_id, observation.review_status, observation.approved_value,
        observation.approved_at,
    )  # fmt: skip
    write = ValueWrite(
        observation.indicator_id, observation.partner_id, observation.period_id, new_value,
        observation.comment, None, stored, reason,
    )  # fmt: skip
    submission = write_values(
        session, actor, [write], partner_codes={partner.id: partner.code}, source_kind="manual",
        upload_id=None, kind="correction",
    )[partner.id]  # fmt: skip
    record_event(
        session, actor, "observation.corrected", object_type="observation",
        object_id=observation.id, label=f"{partner.code} · {indicator.code} · {period.label}",
        partner_code=partner.code, before={"value": stored.value},
        after={"value": new_value, "review": submission.status}, comment=reason,
    )  # fmt: skip
    session.flush()
    session.expire(observation)
    return session.scalars(
        select(ObservationRevision)
        .where(ObservationRevision.observation_id == observation.id)
        .order_by(ObservationRevision.id.desc())
        .limit(1)
    ).one()


def enter_value(
    session: Session,
    actor: Actor,
    partner_code: str,
    indicator_code: str,
    period_label: str,
    raw_value: str | None,
    reason: str | None,
) -> ObservationRevision:
    """Enter by hand a value the partner has not reported yet (a figure an officer received by e-mail),
    with the reason; returns the revision that records it.

    The value is written through ``write_values`` like any other: a submission (approved at once for an
    officer, waiting for review for a partner editor), refused in a locked period. Its revision goes
    from "not reported" (``previous_source_kind`` "none") to the value, so the value history shows who
    entered it and why. Raises AccessDenied when ``actor`` may not edit the partner, CorrectionError
    when the partner, indicator or period is unknown, a value is already reported (correct it
    instead), the reason is missing or too long, the value unreadable, or the period locked.
    """
    partner = session.scalar(select(Partner).where(Partner.code == partner_code))
    indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_code))
    period = session.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == period_label
        )
    )
    if partner is None or indicator is None or period is None:
        raise CorrectionError(
            _("There is no indicator {indicator} of {partner} in {period}.").format(
                indicator=indicator_code, partner=partner_code, period=period_label
            )
        )
    require_edit(actor, partner.code)
    # Look for a stored value once the partner's data is ours: an import may have just written one.
    lock_partners(session, [partner.id])
    existing = session.scalar(
        select(Observation.id).where(
            Observation.partner_id == partner.id, Observation.indicator_id == indicator.id,
            Observation.period_id == period.id,
        )
    )  # fmt: skip
    if existing is not None:
        raise CorrectionError(
            _(
                "{indicator} of {partner} has a value for {period} already; correct that value "
                "instead."
            ).format(indicator=indicator.code, partner=partner.code, period=period.label)
        )
    value = parse_corrected_value(raw_value, indicator.value_kind, indicator.code)
    reason = _reason(reason, _("Reason: say where the value comes from (it is kept with it)"))
    _refuse_locked_period(session, partner, period)
    write = ValueWrite(indicator.id, partner.id, period.id, value, "", None, None, reason)
    submission = write_values(
        session, actor, [write], partner_codes={partner.id: partner.code}, source_kind="manual",
        upload_id=None, kind="correction",
    )[partner.id]  # fmt: skip
    observation = session.scalars(
        select(Observation).where(
            Observation.partner_id == partner.id, Observation.indicator_id == indicator.id,
            Observation.period_id == period.id,
        )
    ).one()  # fmt: skip
    revision = ObservationRevision(
        observation_id=observation.id, previous_value=None, previous_source_kind=NOT_REPORTED,
        previous_upload_id=None, new_value=value, changed_by=actor.name,
        changed_at=observation.updated_at, upload_id=None, reason=reason,
        submission_id=submission.id,
    )  # fmt: skip
    session.add(revision)
    record_event(
        session, actor, "observation.entered", object_type="observation",
        object_id=observation.id, label=f"{partner.code} · {indicator.code} · {period.label}",
        partner_code=partner.code, before={"value": None},
        after={"value": value, "review": submission.status}, comment=reason,
    )  # fmt: skip
    session.flush()
    return revision


def _reason(reason: str | None, missing: str) -> str:
    """The reason given for a change by hand, or CorrectionError saying ``missing`` or that it is too
    long."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(missing)
    too_long = text_problem("observation_revision.reason", reason, _("Reason"))
    if too_long:
        raise CorrectionError(too_long.message)
    return reason


def _refuse_locked_period(session: Session, partner: Partner, period: ReportingPeriod) -> None:
    lock = locked_periods(session, [partner.id]).get((partner.id, period.id))
    if lock is not None:
        raise CorrectionError(
            _(
                "{period} is locked for {partner} since {date} (by {who}): ask an officer to "
                "unlock it before changing a value."
            ).format(
                period=period.label, partner=partner.code, date=format_date(lock.locked_at.date()),
                who=lock.locked_by,
            )
        )  # fmt: skip


_OBSERVATION_COLUMNS = (
    "indicator_id", "partner_id", "period_id", "value", "comment", "source_kind", "upload_id",
    "source_cell", "updated_by", "updated_at", "review_status", "approved_value", "approved_at",
    "submission_id",
)  # fmt: skip
_REVISION_COLUMNS = (
    "observation_id", "previous_value", "previous_source_kind", "previous_upload_id", "new_value",
    "changed_by", "changed_at", "upload_id", "reason", "submission_id",
)  # fmt: skip


class _BulkInsert:
    """INSERTs sent through the driver's executemany in chunks (Core, not ORM add_all: ~9x faster, TECH.md).

    The statement is compiled once and each distinct value converted once: SQLAlchemy's per-row parameter
    processing costs as much as the insert itself at 100,000 rows. Chunks keep memory flat.
    """

    CHUNK_ROWS = 5000

    def __init__(self, session: Session, table: Table, columns: Sequence[str]):
        self._connection = session.connection()
        dialect = self._connection.dialect
        self._columns = tuple(columns)
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self._sql = compiled.string
        self._order = (
            [self._columns.index(name) for name in compiled.positiontup]
            if compiled.positional
            else None
        )
        self._converters = [
            (index, processor, {})
            for index, name in enumerate(columns)
            if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            is not None
        ]
        self._pending: list[tuple] = []

    def add(self, row: tuple) -> None:
        self._pending.append(row)
        if len(self._pending) >= self.CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows = self._pending
        if self._converters:
            rows = [list(row) for row in rows]
            for index, convert, converted in self._converters:
                for row in rows:
                    value = row[index]
                    if value not in converted:
                        converted[value] = convert(value)
                    row[index] = converted[value]
        if self._order is not None:
            parameters = [tuple(row[i] for i in self._order) for row in rows]
        else:
            parameters = [dict(zip(self._columns, row, strict=True)) for row in rows]
        self._connection.exec_driver_sql(self._sql, parameters)
        self._pending = []
