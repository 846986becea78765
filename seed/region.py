"""The region data set: the bodies whose digitalisation the regional programme funds, with invented figures.

``sharing demo --scale region`` loads it *beside* the SHARING demo (seed.demo): the five project partners
keep their data, accounts and pages; the region's bodies (municipalities, county councils, agencies of
South-West Oltenia and two neighbouring regions, grouped by county / NUTS-3 and by type) are partners with
``body_type`` other than "project partner". At full size: 500 bodies, 150 indicators (the SHARING
catalogue and region ones), a value per body, indicator and ended semester, monthly series for 36 months on
20 indicators, the uploads and submissions (approved, awaiting review, returned) they came in, revisions,
targets with semester milestones, policy changes with stage histories, and an editor account per body.

Everything is deterministic for a seed and a ``today`` (which semesters have ended) and marked as demo
(Observation.source_kind "demo", Target.is_demo, PolicyChange.is_demo, User.is_demo). The bulk rows go
through the fastest path TECH.md measured: COPY on PostgreSQL, Core executemany on SQLite, in the
caller's transaction, with every constraint and foreign key checked; identifiers are allotted up front
(the tables are locked against other writers meanwhile) so related rows need no round trip.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models import (
    MONTH,
    PROJECT_PARTNER,
    ChangeType,
    Indicator,
    Milestone,
    Observation,
    ObservationRevision,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    Stage,
    Submission,
    Target,
    Upload,
)
from models.period import add_months

from .reference_data import load_reference_data

DEFAULT_SEED = 2021
BODIES = 500
INDICATORS = 150
MONTHS = 36
MONTHLY_INDICATORS = 20
LOADER = "region demo loader"
OFFICER = "officer@demo.example.org"
EDITOR_ADDRESS = "{code}@region.example.org"
_BATCH_ROWS = 20_000

# NUTS-3 code, county, weight: South-West Oltenia (the RDA's own region) has most of the bodies.
COUNTIES = [
    ("RO411", "Dolj", 4), ("RO412", "Gorj", 3), ("RO413", "Mehedinți", 3), ("RO414", "Olt", 3),
    ("RO415", "Vâlcea", 3),
    ("RO311", "Argeș", 1), ("RO312", "Călărași", 1), ("RO313", "Dâmbovița", 1), ("RO314", "Giurgiu", 1),
    ("RO315", "Ialomița", 1), ("RO316", "Prahova", 1), ("RO317", "Teleorman", 1),
    ("RO421", "Arad", 1), ("RO422", "Caraș-Severin", 1), ("RO423", "Hunedoara", 1), ("RO424", "Timiș", 1),
]  # fmt: skip
_SERVICES = [
    "building permits", "civil-status certificates", "local taxes", "social benefits", "urban planning",
    "public procurement", "school enrolment", "business licences", "waste-collection contracts",
    "land registry extracts", "parking permits", "public-transport passes", "heating subsidies",
    "cultural events", "petitions",
]  # fmt: skip
# code prefix, name pattern, unit, category, value kind, aggregation, first value range, growth range
_FAMILIES = [
    ("REQ", "Online requests for {service}", "requests", "e-service uptake", "count", "sum", (50, 5000), (0.02, 0.12)),
    ("SHR", "Share of requests for {service} filed online", "%", "e-service uptake", "percentage", "latest", (5, 40), (1.0, 4.0)),
    ("TIM", "Days to answer a request for {service}", "days", "context", "amount", "mean", (5, 40), (-0.08, -0.01)),
    ("STF", "Staff trained to handle {service} online", "staff", "digital skills", "count", "sum", (1, 20), (0.0, 0.1)),
    ("PRJ", "Digitalisation projects for {service}", "projects", "programme output", "count", "sum", (0, 3), (0.0, 0.05)),
    ("USR", "Residents using the online service for {service}", "residents", "programme result", "count", "latest", (100, 20000), (0.03, 0.15)),
    ("MTG", "Consultations on {service}", "meetings", "policy progress", "count", "sum", (0, 4), (0.0, 0.05)),
    ("CST", "Yearly running cost of the online service for {service}", "EUR", "context", "amount", "latest", (2000, 90000), (0.0, 0.04)),
    ("SAT", "Satisfaction with the online service for {service}", "%", "context", "percentage", "mean", (40, 80), (0.2, 1.5)),
]  # fmt: skip
_CHANGE_TITLES = [
    "Online one-stop shop for {service}", "Shared back office for {service} with neighbouring bodies",
    "Digital signature for {service}", "Open data on {service}", "Staff training plan for {service}",
    "Interoperable register for {service}",
]  # fmt: skip
_TYPE_LETTERS = {"municipality": "M", "county council": "C", "agency": "A"}
_INSTRUMENT_KINDS = {
    "municipality": "local programme",
    "county council": "development plan",
    "agency": "ERDF programme",
}


class RegionAlreadyLoaded(RuntimeError):
    """The database holds region bodies already; nothing was added."""


@dataclass
class RegionSummary:
    """What a load added, by kind of row (``counts``), and the data set's shape."""

    seed: int
    counts: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class _Body:
    code: str
    name: str
    short_name: str
    body_type: str
    nuts_code: str
    county: str


@dataclass(frozen=True)
class _Series:
    """How one body's values of one indicator move: a first value and a growth per step."""

    first: float
    growth: float


def load_region(
    session: Session,
    project_start: date,
    *,
    seed: int = DEFAULT_SEED,
    bodies: int = BODIES,
    months: int = MONTHS,
    today: date | None = None,
) -> RegionSummary:
    """Add the region data set to the database of ``session`` (the caller commits).

    Deterministic for (``seed``, ``bodies``, ``months``, ``today``). Raises RegionAlreadyLoaded when
    region bodies exist already: the set is loaded once, never merged into an older one.
    """
    today = today or date.today()
    load_reference_data(session, project_start)
    loaded = session.scalar(
        select(func.count()).select_from(Partner).where(Partner.body_type != PROJECT_PARTNER)
    )
    if loaded:
        raise RegionAlreadyLoaded(loaded)
    rng = random.Random(seed)
    summary = RegionSummary(seed)
    writer = _BulkWriter(session)
    writer.lock(Upload, Submission, Observation, ObservationRevision, Target, Milestone)

    semesters = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.is_semester())
            .order_by(ReportingPeriod.number)
        )
    )
    month_periods = sync_monthly_periods(session, project_start, months)
    summary.counts["monthly periods"] = len(month_periods)
    indicators = _add_indicators(session, rng, summary)
    monthly = [i for i in indicators if i.code.startswith("RG-")][:MONTHLY_INDICATORS]
    partners = _add_bodies(session, _plan_bodies(rng, bodies), summary)
    _add_policy_changes(session, rng, partners, project_start, today, summary)
    _add_editors(session, partners, summary)
    series = _add_values(
        writer, rng, partners, indicators, monthly, semesters, month_periods, today, summary
    )
    _add_targets(writer, rng, partners, monthly, semesters, series, summary)
    writer.finish()
    return summary


def sync_monthly_periods(
    session: Session, project_start: date, months: int
) -> list[ReportingPeriod]:
    """The ``months`` calendar months from the project's first, as periods of kind "month" (label
    "2023-03", number 202303: never one of the semesters' 1..8); missing ones are created."""
    first = project_start.replace(day=1)
    stored = {
        p.number: p
        for p in session.scalars(select(ReportingPeriod).where(ReportingPeriod.kind == MONTH))
    }
    core_end = add_months(project_start, 36)
    for index in range(months):
        start = add_months(first, index)
        number = start.year * 100 + start.month
        if number in stored:
            continue
        end = add_months(start, 1) - timedelta(days=1)
        session.add(
            ReportingPeriod(
                number=number, label=f"{start:%Y-%m}", start_date=start, end_date=end,
                due_date=add_months(end + timedelta(days=1), 1) - timedelta(days=1),
                phase="core" if start < core_end else "follow-up", kind=MONTH,
            )
        )  # fmt: skip
    session.flush()
    return list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.kind == MONTH)
            .order_by(ReportingPeriod.number)
            .limit(months)
        )
    )


def _add_indicators(
    session: Session, rng: random.Random, summary: RegionSummary
) -> list[Indicator]:
    """The catalogue grown to INDICATORS with region indicators (RG-001...); the first
    MONTHLY_INDICATORS of them, e-service uptake, carry the monthly series."""
    existing = list(session.scalars(select(Indicator).order_by(Indicator.display_order)))
    codes = {i.code for i in existing}
    order = max((i.display_order for i in existing), default=0)
    combinations = [(family, service) for family in _FAMILIES for service in _SERVICES]
    # Requests and online shares first: they are what the monthly series track.
    wanted = INDICATORS - sum(1 for i in existing if not i.code.startswith("RG-"))
    for number, (family, service) in enumerate(combinations[:wanted], start=1):
        code = f"RG-{number:03d}"
        if code in codes:
            continue
        _prefix, pattern, unit, category, kind, aggregation, *_ranges = family
        order += 1
        session.add(
            Indicator(
                code=code, name=pattern.format(service=service), unit=unit, category=category,
                value_kind=kind, aggregation=aggregation, higher_is_better=_prefix not in {"TIM", "CST"},
                description="Region demo indicator (invented).", display_order=order,
            )
        )  # fmt: skip
        summary.counts["indicators"] += 1
    session.flush()
    return list(session.scalars(select(Indicator).order_by(Indicator.display_order)))


def _plan_bodies(rng: random.Random, count: int) -> list[_Body]:
    """A county council per county first (as many as fit), then agencies (one body in twenty), then
    municipalities, spread over the counties by their weights."""
    councils = min(len(COUNTIES), max(1, count // 30))
    agencies = max(1, count // 20) if count > councils else 0
    numbers: Counter = Counter()
    planned = []
    for index in range(count):
        if index < councils:
            nuts, county, _weight = COUNTIES[index]
            body_type = "county council"
        else:
            nuts, county, _weight = rng.choices(COUNTIES, weights=[c[2] for c in COUNTIES])[0]
            body_type = "agency" if index < councils + agencies else "municipality"
        numbers[nuts, body_type] += 1
        number = numbers[nuts, body_type]
        code = f"{nuts}-{_TYPE_LETTERS[body_type]}{number:03d}"
        if body_type == "county council":
            name, short = f"{county} County Council", f"CJ {county}"
        elif body_type == "agency":
            name = f"{county} Public Digitalisation Agency {number}"
            short = f"{county} agency {number}"
        else:
            name = f"Municipality {number:03d} of {county} County"
            short = f"{county} M{number:03d}"
        planned.append(_Body(code, name, short, body_type, nuts, county))
    return planned


def _add_bodies(session: Session, planned: list[_Body], summary: RegionSummary) -> list[Partner]:
    order = session.scalar(select(func.max(Partner.display_order))) or 0
    partners = []
    for offset, body in enumerate(planned, start=1):
        partner = Partner(
            code=body.code, name=body.name, short_name=body.short_name, country="RO",
            nuts_code=body.nuts_code, level="regional" if body.body_type != "municipality" else "local",
            role="partner", display_order=order + offset, body_type=body.body_type, county=body.county,
        )  # fmt: skip
        partner.instruments.append(
            PolicyInstrument(
                title=f"Digitalisation plan of {body.name}", kind=_INSTRUMENT_KINDS[body.body_type],
                managing_body=body.name, is_structural_funds=body.body_type == "agency",
            )
        )  # fmt: skip
        session.add(partner)
        partners.append(partner)
    session.flush()
    summary.counts["bodies"] += len(partners)
    summary.counts["instruments"] += len(partners)
    return partners


def _add_policy_changes(session, rng, partners, project_start, today, summary) -> None:
    """Zero to three changes per body, each with a stage history that only moves forward (and
    sometimes ends abandoned, with its note), dated between the project start and ``today``; through
    PolicyChange.record_stage, so the rules every other path obeys hold here too."""
    types = list(session.scalars(select(ChangeType).order_by(ChangeType.code)))
    ladder = [Stage.IDENTIFIED, Stage.PROPOSED, Stage.SUBMITTED, Stage.ADOPTED, Stage.IMPLEMENTED]
    span = max((today - project_start).days, 1)
    for partner in partners:
        for number in range(1, rng.randint(0, 3) + 1):
            service = rng.choice(_SERVICES)
            change = PolicyChange(
                code=f"{partner.code}-{number}", instrument=partner.instruments[0],
                change_type=rng.choice(types), is_demo=True,
                title=rng.choice(_CHANGE_TITLES).format(service=service),
                description="Region demo policy change (invented).",
            )  # fmt: skip
            session.add(change)
            steps = rng.randint(1, len(ladder))
            days = sorted(rng.sample(range(span), steps))
            for stage, day in zip(ladder[:steps], days, strict=True):
                change.record_stage(stage, project_start + timedelta(days=day), LOADER)
            summary.counts["stage events"] += steps
            if steps < len(ladder) and rng.random() < 0.1:
                change.record_stage(
                    Stage.ABANDONED, project_start + timedelta(days=days[-1]), LOADER,
                    "Merged into the county's digitalisation plan",
                )  # fmt: skip
                summary.counts["stage events"] += 1
            summary.counts["policy changes"] += 1
    session.flush()


def _add_editors(session: Session, partners: list[Partner], summary: RegionSummary) -> None:
    """An editor account per body, without a password (an officer hands out set-password links), added
    through the accounts service so each has its audit event."""
    from dashboard.access import command_line_actor
    from services.accounts import add_user

    actor = command_line_actor("sharing demo --scale region")
    for partner in partners:
        add_user(
            session, actor, EDITOR_ADDRESS.format(code=partner.code.lower()), "editor",
            partner_code=partner.code, name=f"Editor ({partner.short_name})", is_demo=True,
        )  # fmt: skip
    session.flush()
    summary.counts["users"] += len(partners)


def _add_targets(writer, rng, partners, monthly, semesters, series, summary) -> None:
    """Targets on the monthly-series indicators, with a milestone per semester. A target is what the
    body's own series reaches by the last semester (its total for a "sum" indicator) give or take a
    quarter, so some bodies are ahead and some behind, by plausible margins."""
    target_rows, milestone_rows = [], []
    target_id = writer.first_id(Target)
    milestone_id = writer.first_id(Milestone)
    last = len(semesters) - 1
    for partner in partners:
        for indicator in monthly:
            path = series[partner.id][indicator.id]
            ambition = rng.uniform(0.8, 1.25)
            if indicator.aggregation == "sum":
                expected = sum(path.first * (1 + path.growth) ** step for step in range(last + 1))
                final, baseline = round(expected * ambition), None
            else:
                share = indicator.value_kind == "percentage"
                end = (
                    path.first + path.growth * last
                    if share
                    else path.first * (1 + path.growth) ** last
                )
                final = min(round(end * ambition, 1), 100.0) if share else round(end * ambition, 1)
                baseline = round(path.first, 1)
            target_rows.append(
                (
                    target_id,
                    indicator.id,
                    partner.id,
                    baseline,
                    semesters[0].start_date,
                    final,
                    True,
                )
            )
            for index, period in enumerate(semesters, start=1):
                start = baseline or 0.0
                value = round(start + (final - start) * index / len(semesters), 1)
                milestone_rows.append((milestone_id, target_id, period.id, value))
                milestone_id += 1
            target_id += 1
    writer.insert(
        Target, ("id", "indicator_id", "partner_id", "baseline_value", "baseline_date",
                 "target_value", "is_demo"), target_rows,
    )  # fmt: skip
    writer.insert(Milestone, ("id", "target_id", "period_id", "value"), milestone_rows)
    summary.counts["targets"] += len(target_rows)
    summary.counts["milestones"] += len(milestone_rows)


_OBSERVATION_COLUMNS = (
    "id", "indicator_id", "partner_id", "period_id", "value", "comment", "source_kind", "upload_id",
    "updated_by", "updated_at", "review_status", "approved_value", "approved_at", "submission_id",
)  # fmt: skip
_REVISION_COLUMNS = (
    "id", "observation_id", "previous_value", "previous_source_kind", "previous_upload_id",
    "new_value", "changed_by", "changed_at", "upload_id", "reason", "submission_id",
)  # fmt: skip
_UPLOAD_COLUMNS = (
    "id", "filename", "sha256", "size_bytes", "file_discarded", "partner_id", "uploaded_by",
    "uploaded_at", "outcome", "rows_read", "rows_inserted", "rows_updated", "rows_unchanged",
    "rows_invalid", "issues",
)  # fmt: skip
_SUBMISSION_COLUMNS = (
    "id", "partner_id", "kind", "upload_id", "submitted_by", "submitted_at", "values_count", "status",
    "decided_by", "decided_at", "decision_comment",
)  # fmt: skip


def _add_values(
    writer, rng, partners, indicators, monthly, semesters, month_periods, today, summary
) -> dict[int, dict[int, _Series]]:
    """A workbook per body and ended semester: its upload, its submission and its values (the
    semester's value of every indicator, and the months of the semester for the monthly series).

    The latest ended semester of a few bodies is missing (late), awaits review or was returned; a few
    values are "no value" (NULL); a few were corrected by a later upload (a revision each). Rows are
    produced body by body and written in batches, so memory stays flat in the number of bodies.
    Returns each body's series of the monthly indicators (partner id -> indicator id -> _Series),
    which its targets follow.
    """
    ended = [p for p in semesters if p.has_ended(today)]
    first = semesters[0].start_date
    months_by_semester = {
        semester.id: [
            m for m in month_periods if semester.start_date <= m.start_date <= semester.end_date
        ]
        for semester in ended
    }
    monthly_ids = {indicator.id for indicator in monthly}
    families = {f"RG-{n:03d}": family for n, family in enumerate(
        (f for f in _FAMILIES for _ in _SERVICES), start=1)}  # fmt: skip
    ids = {
        table: writer.first_id(table)
        for table in (Upload, Submission, Observation, ObservationRevision)
    }
    batches: dict[type, list[tuple]] = {Upload: [], Submission: [], Observation: [], ObservationRevision: []}  # fmt: skip

    def flush(force: bool = False) -> None:
        for model in (Upload, Submission, Observation, ObservationRevision):
            if force or len(batches[Observation]) >= _BATCH_ROWS:
                writer.insert(model, _columns(model), batches[model])
                batches[model].clear()

    paths: dict[int, dict[int, _Series]] = {}
    for partner in partners:
        editor = EDITOR_ADDRESS.format(code=partner.code.lower())
        series = {indicator.id: _series(rng, indicator, families) for indicator in indicators}
        paths[partner.id] = {indicator.id: series[indicator.id] for indicator in monthly}
        late = rng.random() < 0.06
        fate = rng.choices(["approved", "submitted", "returned"], weights=[88, 9, 3])[0]
        reported = ended[:-1] if late and ended else ended
        for step, semester in enumerate(reported):
            latest = semester is ended[-1]
            status = fate if latest else "approved"
            sent = datetime.combine(
                semester.end_date + timedelta(days=rng.randint(5, 80)), time(10)
            )
            decided = sent + timedelta(days=rng.randint(1, 20)) if status != "submitted" else None
            upload_id, submission_id = ids[Upload], ids[Submission]
            ids[Upload] += 1
            ids[Submission] += 1
            values = []
            for indicator in indicators:
                values.append(
                    (indicator.id, semester.id, _value(rng, indicator, series[indicator.id], step))
                )
                if indicator.id in monthly_ids:
                    for month in months_by_semester[semester.id]:
                        value = _value(rng, indicator, series[indicator.id], _steps(first, month))
                        if indicator.aggregation == "sum":  # a month's flow, not a semester's
                            value = float(round(value / 6))
                        values.append((indicator.id, month.id, value))
            for indicator_id, period_id, value in values:
                if rng.random() < 0.01:
                    value = None  # the body answered "no value"
                approved = status == "approved"
                batches[Observation].append((
                    ids[Observation], indicator_id, partner.id, period_id, value, "", "demo", upload_id,
                    editor, sent, status, value if approved else None, decided if approved else None,
                    submission_id,
                ))  # fmt: skip
                if approved and value is not None and rng.random() < 0.02:
                    batches[ObservationRevision].append((
                        ids[ObservationRevision], ids[Observation], round(value * rng.uniform(0.8, 1.2), 1),
                        "demo", upload_id, value, editor, sent, upload_id,
                        "Corrected after the county's check (demo)", submission_id,
                    ))  # fmt: skip
                    ids[ObservationRevision] += 1
                ids[Observation] += 1
            count = len(values)
            filename = f"region-{partner.code}-{semester.label}.xlsx"
            batches[Upload].append((
                upload_id, filename, hashlib.sha256(filename.encode()).hexdigest(), 20_000 + 40 * count,
                "pruned", partner.id, editor, sent, "imported", count, count, 0, 0, 0, [],
            ))  # fmt: skip
            batches[Submission].append((
                submission_id, partner.id, "import", upload_id, editor, sent, count, status,
                OFFICER if decided else None, decided,
                "Please check the monthly figures against the register (demo)." if status == "returned" else "",
            ))  # fmt: skip
            summary.counts["uploads"] += 1
            summary.counts[f"submissions {status}"] += 1
            summary.counts["semester values"] += len(indicators)
            summary.counts["monthly values"] += count - len(indicators)
        flush()
    flush(force=True)
    summary.counts["revisions"] = ids[ObservationRevision] - writer.first_ids[ObservationRevision]
    return paths


def _series(rng: random.Random, indicator: Indicator, families: dict) -> _Series:
    family = families.get(indicator.code)
    if family is None:  # a SHARING catalogue indicator: a plain count or a share
        low, high = (5.0, 60.0) if indicator.value_kind == "percentage" else (1.0, 500.0)
        return _Series(rng.uniform(low, high), rng.uniform(0.0, 0.08))
    (low, high), (slow, fast) = family[6], family[7]
    return _Series(rng.uniform(low, high), rng.uniform(slow, fast))


def _steps(first: date, month: ReportingPeriod) -> float:
    """How many semesters into the project ``month`` starts (a month is a sixth of a step)."""
    return ((month.start_date.year - first.year) * 12 + month.start_date.month - first.month) / 6


def _value(rng: random.Random, indicator: Indicator, series: _Series, step: float) -> float:
    """The series' value ``step`` semesters in, with a little noise; shares stay within 0..100."""
    noise = rng.uniform(-0.06, 0.06)
    if indicator.value_kind == "percentage":
        return round(min(max((series.first + series.growth * step) * (1 + noise), 0.0), 100.0), 1)
    value = series.first * (1 + series.growth) ** step * (1 + noise)
    return (
        round(max(value, 0.0), 1)
        if indicator.value_kind == "amount"
        else float(round(max(value, 0.0)))
    )


def _columns(model) -> tuple[str, ...]:
    return {
        Upload: _UPLOAD_COLUMNS,
        Submission: _SUBMISSION_COLUMNS,
        Observation: _OBSERVATION_COLUMNS,
        ObservationRevision: _REVISION_COLUMNS,
    }[model]


class _BulkWriter:
    """Writes many rows in the session's transaction: COPY on PostgreSQL, Core executemany elsewhere
    (TECH.md: 116,000 and 86,000 rows/s). Identifiers are allotted here, so they must not be taken by
    another writer meanwhile: ``lock`` takes the tables (SQLite's writing transaction holds the whole
    database already) and ``finish`` moves PostgreSQL's sequences past the rows written."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.first_ids: dict = {}
        self.written: set = set()

    def lock(self, *models) -> None:
        if self.postgres:
            names = ", ".join(model.__tablename__ for model in models)
            # Readers go on; other writers of these tables wait until the load commits.
            self.connection.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))

    def first_id(self, model) -> int:
        if model not in self.first_ids:
            self.session.flush()
            self.first_ids[model] = (self.session.scalar(select(func.max(model.id))) or 0) + 1
        return self.first_ids[model]

    def insert(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if not rows:
            return
        self.written.add(model)
        table = model.__table__
        if self.postgres:
            _copy(self.connection, table.name, columns, rows)
        else:
            self.connection.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
            )

    def finish(self) -> None:
        if self.postgres:
            for model in self.written:
                name = model.__tablename__
                # ``name`` is one of our own table names, never input.
                statement = (
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"  # noqa: S608
                )
                self.connection.execute(text(statement))


def _copy(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    import json

    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, list) else v for v in row])
    finally:
        cursor.close()


def count_rows(session: Session) -> Iterator[tuple[str, int]]:
    """Rows per table of the region data set's kinds (for tests and the benchmark)."""
    for model in (Partner, Indicator, ReportingPeriod, Observation, ObservationRevision, Upload,
                  Submission, Target, Milestone, PolicyChange):  # fmt: skip
        yield model.__tablename__, session.scalar(select(func.count()).select_from(model))
