"""The steering committee's meeting: one small view model per topic for a reporting period, its partners
and a ValueView. The same ``Meeting`` feeds the slides (dashboard/pages/meeting.py), the PDF and the
Excel report (reports/), none of which reads the database.

Everything is "as of the end of the period": a policy change's stage is the stage of its latest event
on or before the period's last day, values count up to the period, so a report of P7 made in December
says what it said in November. The committee reads the values the view shows (approved ones, or with
those awaiting approval); who reported and how many values await approval are facts about the partners'
work, counted whatever the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, partner_scope
from dashboard.queries.benchmarks import EU, SKILLS_SERIES, benchmark_series, skills_policy_targets
from dashboard.queries.names import indicator_name
from dashboard.queries.overview import classify_progress, target_progress
from dashboard.queries.partner import indicator_report
from i18n import _, ngettext
from models import (
    EvidenceItem,
    Indicator,
    Observation,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    StageEvent,
    Submission,
)

from .values import ValueView

PIPELINE_STAGES = ("identified", "proposed", "submitted", "adopted", "implemented", "validated")
# A change in one of these stages has arrived: it cannot be stuck.
FINAL_STAGES = ("validated", "abandoned")
# A change whose stage has not moved for more than this many reporting periods is an open issue.
STUCK_AFTER_PERIODS = 2
SKILLS_INDICATOR = "DSK-BASIC"
E_SERVICE_CATEGORY = "e-service uptake"
STATUSES = ("on track", "behind", "no data")


class MeetingNotFound(LookupError):
    """The period (``kind`` "period") or partners (``kind`` "partner") asked for do not exist or are not
    visible: ``unknown`` names them, ``choices`` lists what exists. ``str()`` is one sentence in the
    current language."""

    def __init__(self, kind: str, unknown: tuple[str, ...], choices: tuple[str, ...]):
        super().__init__(kind, unknown, choices)
        self.kind, self.unknown, self.choices = kind, unknown, choices

    def __str__(self) -> str:
        if self.kind == "period":
            return _("There is no reporting period {period}; choose one of {periods}.").format(
                period=", ".join(self.unknown), periods=", ".join(self.choices)
            )
        return ngettext(
            "There is no partner {codes}; the partners are {choices}.",
            "There are no partners {codes}; the partners are {choices}.",
            len(self.unknown),
        ).format(codes=", ".join(self.unknown), choices=", ".join(self.choices))


@dataclass(frozen=True)
class PeriodInfo:
    number: int
    label: str
    start_date: date
    end_date: date
    due_date: date


@dataclass(frozen=True)
class PartnerInfo:
    code: str
    name: str
    short_name: str
    country: str


@dataclass(frozen=True)
class Headline:
    """The first slide: changes by stage, instruments improved, targets on track, who reported."""

    changes_by_stage: tuple[tuple[str, int], ...]  # (stage, changes) in pipeline order, only > 0
    instruments_improved: int
    instruments_total: int
    targets_on_track: int
    targets_behind: int
    targets_no_data: int
    partners_reported: tuple[str, ...]  # codes
    partners_missing: tuple[str, ...]

    @property
    def changes_total(self) -> int:
        return sum(count for _stage, count in self.changes_by_stage)

    @property
    def targets_total(self) -> int:
        return self.targets_on_track + self.targets_behind + self.targets_no_data


@dataclass(frozen=True)
class PipelineCount:
    partner_code: str
    stage: str
    changes: int


@dataclass(frozen=True)
class StageMove:
    """A stage event in the period: ``change_code`` moved from ``from_stage`` (None: new) to ``to_stage``."""

    partner_code: str
    change_code: str
    change_title: str
    from_stage: str | None
    to_stage: str
    occurred_on: date
    note: str


@dataclass(frozen=True)
class PartnerProgress:
    partner_code: str
    on_track: int
    behind: int
    no_data: int
    reported_in_period: bool
    last_reported_period: str | None
    changes: int
    validated_changes: int


@dataclass(frozen=True)
class TargetProgress:
    """One partner's target for one indicator as of the period. ``latest_period`` is the period of the
    newest value counted; ``is_stale`` when that is older than the meeting's period."""

    partner_code: str
    indicator_code: str
    indicator_name: str
    unit: str
    value_kind: str
    baseline: float | None
    target: float | None
    current: float | None
    progress_pct: float | None
    expected_pct: float | None
    status: str
    latest_period: str | None
    is_stale: bool


@dataclass(frozen=True)
class PolicyTarget:
    geo: str
    label: str  # English, as stored in the reference data ("EU Digital Decade target")
    value: float
    year: int


@dataclass(frozen=True)
class SkillsRow:
    partner_code: str
    country: str
    value: float | None  # the partner's latest DSK-BASIC value up to the period
    value_period: str | None
    is_stale: bool
    target: float | None
    reference_value: float | None  # Eurostat, the partner's country, latest year
    reference_year: int | None


@dataclass(frozen=True)
class Skills:
    indicator_code: str
    indicator_name: str
    rows: tuple[SkillsRow, ...]
    eu_value: float | None
    eu_year: int | None
    policy_targets: tuple[PolicyTarget, ...]
    series_code: str
    series_name: str
    source_urls: tuple[tuple[str, int, str], ...]  # (geo, year, url)


@dataclass(frozen=True)
class LateReport:
    partner_code: str
    due_date: date
    days_overdue: int  # negative: still due in that many days
    last_reported_period: str | None


@dataclass(frozen=True)
class StuckChange:
    partner_code: str
    change_code: str
    change_title: str
    stage: str
    since: date
    since_period: str | None  # the period in which the stage was reached


@dataclass(frozen=True)
class AwaitingApproval:
    partner_code: str
    values: int
    submissions: int
    oldest: datetime | None


@dataclass(frozen=True)
class OpenIssues:
    late: tuple[LateReport, ...]
    stuck: tuple[StuckChange, ...]
    awaiting: tuple[AwaitingApproval, ...]

    @property
    def count(self) -> int:
        return len(self.late) + len(self.stuck) + len(self.awaiting)


@dataclass(frozen=True)
class IndicatorLine:
    """A row of the report's table, in the programme reports' words."""

    partner_code: str
    indicator_code: str
    indicator_name: str
    unit: str
    value_kind: str
    baseline: float | None
    target: float | None
    previously_reported: float | None
    current: float | None
    reported: bool
    pending: bool


@dataclass(frozen=True)
class HistoryEvent:
    stage: str
    occurred_on: date
    note: str


@dataclass(frozen=True)
class Evidence:
    kind: str
    title: str
    url: str | None
    is_document: bool


@dataclass(frozen=True)
class ChangeHistory:
    partner_code: str
    instrument_title: str
    change_code: str
    change_title: str
    stage: str  # at the end of the period
    events: tuple[HistoryEvent, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Meeting:
    """Everything the meeting shows for one period, partners and view of the values."""

    period: PeriodInfo
    previous: PeriodInfo | None
    periods_total: int
    partners: tuple[PartnerInfo, ...]
    include_submitted: bool
    today: date
    data_date: datetime | None  # the newest value shown (None: no value)
    headline: Headline
    pipeline: tuple[PipelineCount, ...]
    moves: tuple[StageMove, ...]
    progress: tuple[PartnerProgress, ...]
    e_services: tuple[TargetProgress, ...]
    skills: Skills
    issues: OpenIssues
    indicator_lines: tuple[IndicatorLine, ...]
    histories: tuple[ChangeHistory, ...]
    upload_ids: tuple[int, ...]  # uploads the values shown come from
    has_manual_values: bool
    has_demo: bool
    periods: tuple[PeriodInfo, ...] = field(default=())

    @property
    def partner_codes(self) -> tuple[str, ...]:
        return tuple(partner.code for partner in self.partners)

    def partner(self, code: str) -> PartnerInfo:
        return next(partner for partner in self.partners if partner.code == code)

    def label(self, code: str) -> str:
        """The partner's short name, as every chart and table names it."""
        return self.partner(code).short_name


def _period_info(period: ReportingPeriod) -> PeriodInfo:
    return PeriodInfo(
        period.number, period.label, period.start_date, period.end_date, period.due_date
    )


def meeting_view(
    session: Session,
    actor: Actor,
    period_label: str,
    partner_codes: list[str] | None = None,
    *,
    include_submitted: bool = False,
    today: date,
) -> Meeting:
    """The meeting of ``period_label`` ("P7", any case) for ``partner_codes`` (None: every partner
    ``actor`` may see), with approved values or, with ``include_submitted`` where ``actor`` may see
    them, the values awaiting approval too. Raises MeetingNotFound naming an unknown period or partner.
    """
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.is_semester())
            .order_by(ReportingPeriod.number)
        )
    )
    by_label = {period.label.upper(): period for period in periods}
    period = by_label.get((period_label or "").strip().upper())
    if period is None:
        raise MeetingNotFound("period", (str(period_label),), tuple(p.label for p in periods))
    visible = session.execute(
        select(Partner.code, Partner.name, Partner.short_name, Partner.country)
        .where(partner_scope(actor, Permission.READ, Partner.id))
        .order_by(Partner.display_order, Partner.code)
    ).all()
    partners = [PartnerInfo(*row) for row in visible]
    if partner_codes:
        wanted = [code.strip().upper() for code in partner_codes if code.strip()]
        known = {partner.code.upper() for partner in partners}
        unknown = [code for code in wanted if code not in known]
        if unknown:
            raise MeetingNotFound(
                "partner", tuple(unknown), tuple(partner.code for partner in partners)
            )
        partners = [partner for partner in partners if partner.code.upper() in wanted]
    codes = [partner.code for partner in partners]
    allowed = any(actor.can(Permission.READ_SUBMITTED, code) for code in codes)
    view = ValueView(actor, include_submitted and allowed)
    index = periods.index(period)
    previous = periods[index - 1] if index else None

    changes, events = _changes_and_events(session, codes)
    at_end = _stages_at(changes, events, period.end_date)
    progress_frame = classify_progress(
        target_progress(session, codes, period.number, view=view),
        periods_elapsed=period.number,
        periods_total=len(periods),
    )
    labels = {p.number: p.label for p in periods}
    names = dict(session.execute(select(Indicator.code, indicator_name())).all())
    targets = _target_rows(progress_frame, labels, names, period.number)
    submitted_counts = _values_in_period(session, codes, period.id)

    headline = _headline(at_end, session, codes, targets, submitted_counts)
    indicator_lines, upload_ids, manual, demo_values = _indicator_lines(
        session, codes, period.label, view, names
    )
    return Meeting(
        period=_period_info(period),
        previous=_period_info(previous) if previous else None,
        periods_total=len(periods),
        partners=tuple(partners),
        include_submitted=view.include_submitted,
        today=today,
        data_date=_data_date(session, codes, period.number, view),
        headline=headline,
        pipeline=_pipeline(at_end, codes),
        moves=_moves(changes, events, period),
        progress=_partner_progress(codes, targets, at_end, submitted_counts, session, period),
        e_services=tuple(
            row for row in targets if row.indicator_code in _e_service_codes(progress_frame)
        ),
        skills=_skills(session, partners, targets, names),
        issues=OpenIssues(
            late=_late_reports(session, codes, period, submitted_counts, today),
            stuck=_stuck(at_end, periods, period),
            awaiting=_awaiting(session, codes),
        ),
        indicator_lines=indicator_lines,
        histories=_histories(session, changes, events, period.end_date),
        upload_ids=upload_ids,
        has_manual_values=manual,
        has_demo=demo_values or bool(changes["is_demo"].any() if not changes.empty else False),
        periods=tuple(_period_info(p) for p in periods),
    )


# --- policy changes as of a day ----------------------------------------------------------------------


def _changes_and_events(session: Session, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    changes = pd.DataFrame(
        session.execute(
            select(
                PolicyChange.id, Partner.code, PolicyInstrument.title, PolicyChange.code,
                PolicyChange.title, PolicyChange.stage, PolicyChange.is_demo,
            )
            .join(PolicyInstrument, PolicyInstrument.id == PolicyChange.instrument_id)
            .join(Partner, Partner.id == PolicyInstrument.partner_id)
            .where(Partner.code.in_(codes))
            .order_by(Partner.display_order, PolicyInstrument.id, PolicyChange.id)
        ).all(),
        columns=[
            "change_id", "partner_code", "instrument_title", "change_code", "change_title",
            "current_stage", "is_demo",
        ],
    )  # fmt: skip
    events = pd.DataFrame(
        session.execute(
            select(
                StageEvent.change_id, StageEvent.id, StageEvent.stage, StageEvent.occurred_on,
                StageEvent.note,
            )
            .where(StageEvent.change_id.in_(changes["change_id"].tolist()))
            .order_by(StageEvent.change_id, StageEvent.occurred_on, StageEvent.id)
        ).all(),
        columns=["change_id", "event_id", "stage", "occurred_on", "note"],
    )  # fmt: skip
    return changes, events


def _stages_at(changes: pd.DataFrame, events: pd.DataFrame, day: date) -> pd.DataFrame:
    """Each change that existed on ``day`` with its stage then and the date it reached it (``since``).
    A change without any event (none recorded yet) counts with its current stage."""
    if changes.empty:
        return changes.assign(stage=[], since=[])
    until = events[events["occurred_on"] <= day]
    latest = until.groupby("change_id").tail(1).set_index("change_id")
    with_events = set(events["change_id"])
    rows = []
    for change in changes.itertuples(index=False):
        if change.change_id in latest.index:
            event = latest.loc[change.change_id]
            rows.append(
                {**change._asdict(), "stage": event["stage"], "since": event["occurred_on"]}
            )
        elif change.change_id not in with_events:
            rows.append({**change._asdict(), "stage": change.current_stage, "since": None})
    columns = [*changes.columns, "stage", "since"]
    return pd.DataFrame(rows, columns=columns)


def _pipeline(at_end: pd.DataFrame, codes: list[str]) -> tuple[PipelineCount, ...]:
    counts = at_end.groupby(["partner_code", "stage"]).size()
    order = [*PIPELINE_STAGES, "abandoned"]
    return tuple(
        PipelineCount(code, stage, int(counts[(code, stage)]))
        for code in codes
        for stage in order
        if (code, stage) in counts.index
    )


def _moves(changes: pd.DataFrame, events: pd.DataFrame, period) -> tuple[StageMove, ...]:
    if events.empty:
        return ()
    info = changes.set_index("change_id")
    moves = []
    for change_id, history in events.groupby("change_id", sort=False):
        previous = None
        for event in history.itertuples(index=False):
            if period.start_date <= event.occurred_on <= period.end_date:
                change = info.loc[change_id]
                moves.append(
                    StageMove(
                        change["partner_code"],
                        change["change_code"],
                        change["change_title"],
                        previous,
                        event.stage,
                        event.occurred_on,
                        event.note or "",
                    )  # fmt: skip
                )
            previous = event.stage
    order = {code: index for index, code in enumerate(dict.fromkeys(changes["partner_code"]))}
    return tuple(sorted(moves, key=lambda m: (m.occurred_on, order[m.partner_code])))


def _stuck(at_end: pd.DataFrame, periods: list, period) -> tuple[StuckChange, ...]:
    """Changes whose stage at the end of ``period`` was reached before the start of the period
    STUCK_AFTER_PERIODS - 1 earlier: held through more than STUCK_AFTER_PERIODS periods."""
    first_needed = period.number - STUCK_AFTER_PERIODS + 1
    if first_needed < 1 or at_end.empty:
        return ()
    starts = {p.number: p.start_date for p in periods}
    stuck = []
    for row in at_end.itertuples(index=False):
        if row.stage in FINAL_STAGES or row.since is None or row.since >= starts[first_needed]:
            continue
        reached_in = next(
            (p.label for p in periods if p.start_date <= row.since <= p.end_date), None
        )
        stuck.append(
            StuckChange(
                row.partner_code,
                row.change_code,
                row.change_title,
                row.stage,
                row.since,
                reached_in,
            )  # fmt: skip
        )
    return tuple(sorted(stuck, key=lambda s: s.since))


def _histories(
    session: Session, changes: pd.DataFrame, events: pd.DataFrame, day: date
) -> tuple[ChangeHistory, ...]:
    if changes.empty:
        return ()
    evidence = pd.DataFrame(
        session.execute(
            select(
                EvidenceItem.change_id, EvidenceItem.kind, EvidenceItem.title, EvidenceItem.url,
                EvidenceItem.file_sha256.is_not(None),
            )
            .where(EvidenceItem.change_id.in_(changes["change_id"].tolist()))
            .order_by(EvidenceItem.change_id, EvidenceItem.id)
        ).all(),
        columns=["change_id", "kind", "title", "url", "is_document"],
    )  # fmt: skip
    at_end = _stages_at(changes, events, day).set_index("change_id")
    histories = []
    for change in changes.itertuples(index=False):
        if change.change_id not in at_end.index:
            continue  # recorded after the period
        own = events[(events["change_id"] == change.change_id) & (events["occurred_on"] <= day)]
        items = evidence[evidence["change_id"] == change.change_id]
        histories.append(
            ChangeHistory(
                change.partner_code,
                change.instrument_title,
                change.change_code,
                change.change_title,
                at_end.loc[change.change_id, "stage"],
                tuple(HistoryEvent(e.stage, e.occurred_on, e.note or "") for e in own.itertuples()),
                tuple(
                    Evidence(e.kind, e.title, e.url, bool(e.is_document))
                    for e in items.itertuples()
                ),
            )  # fmt: skip
        )
    return tuple(histories)


# --- values ------------------------------------------------------------------------------------------


def _optional(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _target_rows(
    progress: pd.DataFrame, labels: dict[int, str], names: dict[str, str], number: int
) -> tuple[TargetProgress, ...]:
    rows = []
    for row in progress.itertuples(index=False):
        latest = None if pd.isna(row.latest_period) else int(row.latest_period)
        rows.append(
            TargetProgress(
                row.partner_code,
                row.indicator_code,
                names.get(row.indicator_code, row.indicator_name),
                row.unit,
                row.value_kind,
                _optional(row.baseline),
                _optional(row.target),
                _optional(row.current),
                _optional(row.progress_pct),
                _optional(row.expected_pct),
                row.status,
                labels.get(latest) if latest else None,
                latest is not None and latest < number,
            )  # fmt: skip
        )
    return tuple(rows)


def _e_service_codes(progress: pd.DataFrame) -> set[str]:
    """The e-service uptake indicators (ESU-*); the programme's RCR11 stays in the indicator table."""
    return set(progress.loc[progress["category"] == E_SERVICE_CATEGORY, "indicator_code"])


def _values_in_period(session: Session, codes: list[str], period_id: int) -> dict[str, int]:
    """How many values each partner sent for the period, approved or not ("no value" answers count)."""
    rows = session.execute(
        select(Partner.code, func.count(Observation.id))
        .join(Observation, Observation.partner_id == Partner.id)
        .where(Partner.code.in_(codes), Observation.period_id == period_id)
        .group_by(Partner.code)
    ).all()
    return {code: int(count) for code, count in rows}


def _headline(
    at_end: pd.DataFrame,
    session: Session,
    codes: list[str],
    targets: tuple[TargetProgress, ...],
    submitted: dict[str, int],
) -> Headline:
    by_stage = at_end.groupby("stage").size() if not at_end.empty else pd.Series(dtype=int)
    order = [*PIPELINE_STAGES, "abandoned"]
    instruments = session.execute(
        select(PolicyInstrument.title)
        .join(Partner, Partner.id == PolicyInstrument.partner_id)
        .where(Partner.code.in_(codes))
    ).all()
    improved = (
        at_end[at_end["stage"] == "validated"]["instrument_title"].nunique()
        if not at_end.empty
        else 0
    )
    statuses = [row.status for row in targets]
    return Headline(
        changes_by_stage=tuple((s, int(by_stage[s])) for s in order if s in by_stage.index),
        instruments_improved=int(improved),
        instruments_total=len(instruments),
        targets_on_track=statuses.count("on track"),
        targets_behind=statuses.count("behind"),
        targets_no_data=statuses.count("no data"),
        partners_reported=tuple(code for code in codes if submitted.get(code)),
        partners_missing=tuple(code for code in codes if not submitted.get(code)),
    )


def _last_reported(session: Session, codes: list[str], up_to: int) -> dict[str, str]:
    rows = session.execute(
        select(Partner.code, func.max(ReportingPeriod.number))
        .join(Observation, Observation.partner_id == Partner.id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Partner.code.in_(codes),
            ReportingPeriod.is_semester(),
            ReportingPeriod.number <= up_to,
        )
        .group_by(Partner.code)
    ).all()
    labels = dict(
        session.execute(
            select(ReportingPeriod.number, ReportingPeriod.label).where(
                ReportingPeriod.is_semester()
            )
        ).all()
    )
    return {code: labels[number] for code, number in rows if number is not None}


def _partner_progress(
    codes: list[str],
    targets: tuple[TargetProgress, ...],
    at_end: pd.DataFrame,
    submitted: dict[str, int],
    session: Session,
    period,
) -> tuple[PartnerProgress, ...]:
    last = _last_reported(session, codes, period.number)
    result = []
    for code in codes:
        own = [row.status for row in targets if row.partner_code == code]
        changes = at_end[at_end["partner_code"] == code] if not at_end.empty else at_end
        result.append(
            PartnerProgress(
                code,
                own.count("on track"),
                own.count("behind"),
                own.count("no data"),
                bool(submitted.get(code)),
                last.get(code),
                len(changes),
                int((changes["stage"] == "validated").sum()) if len(changes) else 0,
            )  # fmt: skip
        )
    return tuple(result)


def _late_reports(
    session: Session, codes: list[str], period, submitted: dict[str, int], today: date
) -> tuple[LateReport, ...]:
    last = _last_reported(session, codes, period.number)
    return tuple(
        LateReport(code, period.due_date, (today - period.due_date).days, last.get(code))
        for code in codes
        if not submitted.get(code)
    )


def _awaiting(session: Session, codes: list[str]) -> tuple[AwaitingApproval, ...]:
    """Per partner: values awaiting an officer's approval and the submissions holding them. Counts
    only: the values themselves stay with those who may see them."""
    rows = session.execute(
        select(
            Partner.code,
            func.count(Observation.id),
            func.count(func.distinct(Observation.submission_id)),
            func.min(Submission.submitted_at),
        )
        .join(Observation, Observation.partner_id == Partner.id)
        .outerjoin(Submission, Submission.id == Observation.submission_id)
        .where(Partner.code.in_(codes), Observation.review_status == "submitted")
        .group_by(Partner.code)
    ).all()
    found = {code: AwaitingApproval(code, int(n), int(s), oldest) for code, n, s, oldest in rows}
    return tuple(found[code] for code in codes if code in found)


def _data_date(session: Session, codes: list[str], number: int, view: ValueView):
    """When the newest value shown was written (its approval, for approved values)."""
    column = Observation.updated_at if view.include_submitted else Observation.approved_at
    return session.scalar(
        select(func.max(column))
        .join(Partner, Partner.id == Observation.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Partner.code.in_(codes),
            ReportingPeriod.is_semester(),
            ReportingPeriod.number <= number,
            view.shown(),
        )
    )


def _skills(
    session: Session,
    partners: list[PartnerInfo],
    targets: tuple[TargetProgress, ...],
    names: dict[str, str],
) -> Skills:
    geos = [EU, *dict.fromkeys(p.country for p in partners)]
    references = benchmark_series(session, SKILLS_SERIES, geos)
    latest = references.sort_values("year").groupby("geo").tail(1).set_index("geo")
    own = {row.partner_code: row for row in targets if row.indicator_code == SKILLS_INDICATOR}
    rows = []
    for partner in partners:
        row = own.get(partner.code)
        reference = latest.loc[partner.country] if partner.country in latest.index else None
        if row is None:
            continue
        rows.append(
            SkillsRow(
                partner.code,
                partner.country,
                row.current,
                row.latest_period,
                row.is_stale,
                row.target,
                None if reference is None else float(reference["value"]),
                None if reference is None else int(reference["year"]),
            )  # fmt: skip
        )
    eu = latest.loc[EU] if EU in latest.index else None
    return Skills(
        indicator_code=SKILLS_INDICATOR,
        indicator_name=names.get(SKILLS_INDICATOR, SKILLS_INDICATOR),
        rows=tuple(rows),
        eu_value=None if eu is None else float(eu["value"]),
        eu_year=None if eu is None else int(eu["year"]),
        policy_targets=tuple(
            PolicyTarget(geo, label, value, year)
            for geo, label, value, year in skills_policy_targets(geos)
        ),
        series_code=SKILLS_SERIES,
        series_name=references["series_name"].iloc[0] if not references.empty else SKILLS_SERIES,
        source_urls=tuple(
            (geo, int(year), url)
            for geo, year, url in references[["geo", "year", "source_url"]].itertuples(
                index=False, name=None
            )
        ),
    )


def _indicator_lines(
    session: Session, codes: list[str], period_label: str, view: ValueView, names: dict[str, str]
) -> tuple[tuple[IndicatorLine, ...], tuple[int, ...], bool, bool]:
    """Every indicator per partner (baseline, target, previously reported, current report), and where
    the values come from: upload numbers, whether some were entered by hand, whether some are demo."""
    lines, uploads, manual, demo = [], set(), False, False
    for code in codes:
        report = indicator_report(session, code, period_label, view=view)
        for row in report.itertuples(index=False):
            lines.append(
                IndicatorLine(
                    code,
                    row.indicator_code,
                    names.get(row.indicator_code, row.indicator_name),
                    row.unit,
                    row.value_kind,
                    _optional(row.baseline),
                    _optional(row.target),
                    _optional(row.previously_reported),
                    _optional(row.current),
                    bool(row.reported),
                    row.review_status != "approved",
                )  # fmt: skip
            )
    sources = session.execute(
        select(Observation.source_kind, Observation.upload_id)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Partner.code.in_(codes),
            ReportingPeriod.is_semester(),
            ReportingPeriod.number <= _number(session, period_label),
            view.shown(),
        )
        .distinct()
    ).all()
    for kind, upload_id in sources:
        if upload_id is not None:
            uploads.add(int(upload_id))
        manual |= kind == "manual"
        demo |= kind == "demo"
    return tuple(lines), tuple(sorted(uploads)), manual, demo


def _number(session: Session, label: str) -> int:
    return session.scalar(
        select(ReportingPeriod.number).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == label
        )
    )
