"""Changing the setup: the indicator catalogue, targets and milestones, partners and report due dates.

Every function checks the actor's rights (dashboard.access), reads typed values with rules.fields (the
same rules as an imported cell) and records an audit event with the fields before and after. Raises
SetupError (a message naming the field) or AccessDenied; the caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import N_, _, ngettext
from models import (
    CATEGORIES,
    INSTRUMENT_KINDS,
    VALUE_KINDS,
    Indicator,
    Milestone,
    Observation,
    Partner,
    PolicyInstrument,
    ReportingPeriod,
    Target,
)
from models.partner import PARTNER_LEVELS, PARTNER_ROLES
from rules.aggregation import AGGREGATIONS
from rules.fields import Field, FieldError, clean_value
from rules.formatting import format_field
from rules.limits import TEXT_LIMITS

from .audit import changed_fields, record_event


class SetupError(ValueError):
    """An edit the rules refuse; the message names the field and says what to write."""


EDITABLE = {
    "indicator": {
        "name": Field(N_("Name"), "text", TEXT_LIMITS["indicator.name"]),
        # The name in the partnership's other languages (empty: the English name is shown).
        "name_fr": Field(
            N_("Name in French"), "text", TEXT_LIMITS["indicator.name_fr"], required=False
        ),
        "name_ro": Field(
            N_("Name in Romanian"), "text", TEXT_LIMITS["indicator.name_ro"], required=False
        ),
        "name_hr": Field(
            N_("Name in Croatian"), "text", TEXT_LIMITS["indicator.name_hr"], required=False
        ),
        "name_lv": Field(
            N_("Name in Latvian"), "text", TEXT_LIMITS["indicator.name_lv"], required=False
        ),
        "unit": Field(N_("Unit"), "text", TEXT_LIMITS["indicator.unit"]),
        "category": Field(N_("Category"), "choice", choices=CATEGORIES),
        "value_kind": Field(N_("Kind of value"), "choice", choices=VALUE_KINDS),
        "aggregation": Field(N_("Aggregation"), "choice", choices=AGGREGATIONS),
        "higher_is_better": Field(N_("Higher is better"), "boolean"),
        "eu_code": Field(N_("EU code"), "code", TEXT_LIMITS["indicator.eu_code"], required=False),
        "display_order": Field(N_("Order"), "integer"),
        "description": Field(
            N_("Description"), "text", TEXT_LIMITS["indicator.description"], required=False
        ),
    },
    "target": {
        "baseline_value": Field(N_("Baseline"), "number", required=False),
        "baseline_date": Field(N_("Baseline date"), "date", required=False),
        "target_value": Field(N_("Target"), "number"),
    },
    "milestone": {"value": Field(N_("Milestone value"), "number")},
    "partner": {
        "name": Field(N_("Name"), "text", TEXT_LIMITS["partner.name"]),
        "short_name": Field(N_("Short name"), "text", TEXT_LIMITS["partner.short_name"]),
        "country": Field(N_("Country"), "country"),
        "nuts_code": Field(N_("NUTS code"), "code", TEXT_LIMITS["partner.nuts_code"]),
        "level": Field(N_("Level"), "choice", choices=PARTNER_LEVELS),
        "role": Field(N_("Role"), "choice", choices=PARTNER_ROLES),
        "display_order": Field(N_("Order"), "integer"),
    },
    # Start and end follow from the project start (values refer to them); the due date may be moved.
    "period": {"due_date": Field(N_("Report due"), "date")},
}
MODELS = {
    "indicator": Indicator,
    "target": Target,
    "milestone": Milestone,
    "partner": Partner,
    "period": ReportingPeriod,
}
# Milestones, targets (with their milestones) and unused indicators can be deleted; partners and periods
# cannot, because observations, uploads and workbooks refer to them.
DELETABLE = ("indicator", "target", "milestone")
ONLY_SETUP_ROWS = N_("Only setup rows can be deleted here")
# Whole sentences per table: "The {table} was deleted" would need the table's name, gender and case.
DELETED_MEANWHILE = {
    "": N_("This row was deleted meanwhile; reload the page"),
    "indicator": N_("This indicator was deleted meanwhile; reload the page"),
    "target": N_("This target was deleted meanwhile; reload the page"),
    "milestone": N_("This milestone was deleted meanwhile; reload the page"),
}
NOT_DELETABLE = {
    "partner": N_("Partners cannot be deleted: reported values and workbooks refer to them"),
    "period": N_("Periods cannot be deleted: reported values and workbooks refer to them"),
}


def clean(field: Field, raw: object, value_kind: str | None = None, indicator_code: str = ""):
    """rules.fields.clean_value, refusing with SetupError."""
    try:
        return clean_value(field, raw, value_kind, indicator_code)
    except FieldError as problem:
        raise SetupError(str(problem)) from None


def snapshot(table: str, record) -> dict:
    """The editable fields of ``record`` (what the audit trail compares)."""
    return {column: getattr(record, column) for column in EDITABLE[table]}


def owner_code(session: Session, table: str, record) -> str | None:
    """The partner whose data ``record`` is (None: shared by the whole partnership)."""
    if table == "target":
        return session.get(Partner, record.partner_id).code
    if table == "milestone":
        target = session.get(Target, record.target_id)
        return session.get(Partner, target.partner_id).code
    if table == "partner":
        return record.code
    return None


def indicator_of(session: Session, table: str, record) -> Indicator | None:
    """The indicator whose kind of value decides a target's or milestone's numbers."""
    if table == "target":
        return session.get(Indicator, record.indicator_id)
    if table == "milestone":
        return session.get(Indicator, session.get(Target, record.target_id).indicator_id)
    return None


def label_of(session: Session, table: str, record) -> str:
    """How people name a row: "ESU-USERS", "PLH · ESU-USERS", "PLH · ESU-USERS · P7", "P3", "SMILTENE"."""
    if table in ("indicator", "partner"):
        return record.code
    if table == "period":
        return record.label
    target = record if table == "target" else session.get(Target, record.target_id)
    key = f"{session.get(Partner, target.partner_id).code} · {session.get(Indicator, target.indicator_id).code}"
    if table == "milestone":
        key += f" · {session.get(ReportingPeriod, record.period_id).label}"
    return key


def record_problem(table: str, record) -> str | None:
    """A rule across fields of one record, checked after an edit and for each imported row."""
    if table == "period" and record.due_date < record.end_date:
        return _(
            "Report due: {due} is before the period ends ({end}); reports cover a period that has "
            "ended"
        ).format(due=record.due_date, end=record.end_date)
    return None


def apply_fields(
    session: Session, table: str, record, values: dict, *, value_kind=None, indicator_code=""
) -> None:
    """Clean and set several fields of ``record``; SetupError for the first one refused."""
    fields = EDITABLE[table]
    for column, raw in values.items():
        setattr(record, column, clean(fields[column], raw, value_kind, indicator_code))
    problem = record_problem(table, record)
    if problem:
        raise SetupError(problem)


def update_setup_value(
    session: Session, actor: Actor, table: str, row_id: int, column: str, raw: object
) -> str:
    """Set one field of one setup record; returns what was saved, for the page to confirm
    ("Target = 42": integers shown as integers).

    Raises SetupError (unknown table, record or field; invalid value) or AccessDenied.
    """
    fields = EDITABLE.get(table)
    if fields is None or column not in fields:
        raise SetupError(
            _("{column!r} of {table!r} cannot be edited here").format(column=column, table=table)
        )
    # FOR UPDATE (PostgreSQL; SQLite's writing transactions are alone anyway): a concurrent edit of the
    # same row waits, so the audit event's "before" is the value this edit replaces.
    record = session.get(MODELS[table], row_id, with_for_update=True)
    if record is None:
        raise SetupError(_(DELETED_MEANWHILE.get(table, DELETED_MEANWHILE[""])))
    require_edit(actor, owner_code(session, table, record))
    before = snapshot(table, record)
    indicator = indicator_of(session, table, record)
    apply_fields(
        session, table, record, {column: raw},
        value_kind=indicator and indicator.value_kind, indicator_code=indicator and indicator.code,
    )  # fmt: skip
    if table == "target" and column != "baseline_date":
        record.is_demo = False  # an officer's figure is no longer invented
    old, new = changed_fields(before, snapshot(table, record))
    if new:
        record_event(
            session, actor, f"{table}.updated", object_type=table, object_id=record.id,
            label=label_of(session, table, record), partner_code=owner_code(session, table, record),
            before=old, after=new,
        )  # fmt: skip
    session.flush()
    value = getattr(record, column)
    return _("{field} = {value}").format(field=_(fields[column].label), value=format_field(value))


def add_target(
    session: Session,
    actor: Actor,
    partner_code: str,
    indicator_code: str,
    target_raw: object,
    baseline_raw: object = None,
) -> Target:
    """A new target for a partner and indicator (each pair has at most one)."""
    partner = session.scalar(select(Partner).where(Partner.code == partner_code))
    indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_code))
    if partner is None:
        raise SetupError(
            _("Partner: {code!r} is not a known partner code").format(code=partner_code)
        )
    if indicator is None:
        raise SetupError(
            _("Indicator: {code!r} is not in the catalogue").format(code=indicator_code)
        )
    require_edit(actor, partner.code)
    exists = session.scalar(
        select(Target.id).where(
            Target.partner_id == partner.id, Target.indicator_id == indicator.id
        )
    )
    if exists:
        raise SetupError(
            _(
                "Indicator: {partner} already has a target for {indicator}; edit it in the table"
            ).format(partner=partner.code, indicator=indicator.code)
        )
    target = Target(partner_id=partner.id, indicator_id=indicator.id, is_demo=False)
    apply_fields(
        session, "target", target, {"target_value": target_raw, "baseline_value": baseline_raw},
        value_kind=indicator.value_kind, indicator_code=indicator.code,
    )  # fmt: skip
    session.add(target)
    session.flush()
    record_added(session, actor, "target", target)
    return target


def add_and_label(session: Session, actor: Actor, add, table: str, *args, **kwargs) -> str:
    """Run one ``add_*`` function and return how people name the new row, for the confirmation."""
    return label_of(session, table, add(session, actor, *args, **kwargs))


def describe_row(session: Session, table: str, row_id: int) -> str:
    """How a deletion's confirmation names the row (SetupError when it cannot be deleted or is gone)."""
    return label_of(session, table, deletable_record(session, table, row_id))


def record_added(session: Session, actor: Actor, table: str, record, comment: str = "") -> None:
    """The audit event of a new setup record (its fields as "after")."""
    record_event(
        session, actor, f"{table}.added", object_type=table, object_id=record.id,
        label=label_of(session, table, record), partner_code=owner_code(session, table, record),
        after={k: v for k, v in snapshot(table, record).items() if v not in (None, "")},
        comment=comment,
    )  # fmt: skip


def add_milestone(
    session: Session,
    actor: Actor,
    partner_code: str,
    indicator_code: str,
    period_label: str,
    value_raw: object,
) -> Milestone:
    """A milestone (the value expected by the end of a period) on an existing target."""
    target = session.scalar(
        select(Target)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code == partner_code, Indicator.code == indicator_code)
    )
    if target is None:
        raise SetupError(
            _("Indicator: {partner} has no target for {indicator!r}; add the target first").format(
                partner=partner_code, indicator=indicator_code
            )
        )
    require_edit(actor, partner_code)
    period = session.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == period_label
        )
    )
    if period is None:
        raise SetupError(
            _("Period: {label!r} is not a reporting period").format(label=period_label)
        )
    if any(m.period_id == period.id for m in target.milestones):
        raise SetupError(
            _("Period: there is already a milestone for {label}; edit it").format(
                label=period.label
            )
        )
    milestone = Milestone(target_id=target.id, period_id=period.id)
    apply_fields(
        session, "milestone", milestone, {"value": value_raw},
        value_kind=target.indicator.value_kind, indicator_code=target.indicator.code,
    )  # fmt: skip
    target.milestones.append(milestone)
    session.flush()
    record_added(session, actor, "milestone", milestone)
    return milestone


def add_indicator(
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    unit: str,
    category: str,
    value_kind: str,
    aggregation: str,
) -> Indicator:
    """A new indicator in the catalogue (monitoring officers only)."""
    require_edit(actor, None)
    clean_code = clean(Field(N_("Code"), "code", TEXT_LIMITS["indicator.code"]), code)
    if session.scalar(select(Indicator.id).where(Indicator.code == clean_code)):
        raise SetupError(_("Code: {code} is already in the catalogue").format(code=clean_code))
    order = max(session.scalars(select(Indicator.display_order)), default=0) + 1
    indicator = Indicator(code=clean_code, display_order=order, higher_is_better=True)
    apply_fields(
        session, "indicator", indicator,
        {"name": name, "unit": unit, "category": category, "value_kind": value_kind,
         "aggregation": aggregation},
    )  # fmt: skip
    session.add(indicator)
    session.flush()
    record_added(session, actor, "indicator", indicator)
    return indicator


def add_partner(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    short_name: str,
    country: str,
    nuts_code: str,
    level: str,
    instrument_title: str,
    instrument_kind: str,
    managing_body: str,
) -> Partner:
    """A new partner with the policy instrument it works on (monitoring officers only)."""
    require_edit(actor, None)
    clean_code = clean(Field(N_("Code"), "code", TEXT_LIMITS["partner.code"]), code)
    if session.scalar(select(Partner.id).where(Partner.code == clean_code)):
        raise SetupError(_("Code: {code} is already a partner").format(code=clean_code))
    order = max(session.scalars(select(Partner.display_order)), default=0) + 1
    partner = Partner(code=clean_code, role="partner", display_order=order)
    apply_fields(
        session, "partner", partner,
        {"name": name, "short_name": short_name, "country": country, "nuts_code": nuts_code,
         "level": level},
    )  # fmt: skip
    instrument = PolicyInstrument(
        title=clean(
            Field(N_("Instrument"), "text", TEXT_LIMITS["policy_instrument.title"]),
            instrument_title,
        ),
        kind=clean(
            Field(N_("Kind of instrument"), "choice", choices=INSTRUMENT_KINDS), instrument_kind
        ),
        managing_body=clean(
            Field(N_("Managing body"), "text", TEXT_LIMITS["policy_instrument.managing_body"]),
            managing_body,
        ),
    )
    partner.instruments.append(instrument)
    session.add(partner)
    session.flush()
    record_added(session, actor, "partner", partner, comment=instrument.title)
    return partner


def delete_setup_row(session: Session, actor: Actor, table: str, row_id: int) -> str:
    """Delete one indicator, target or milestone and return what was deleted, for the message.

    A target goes with its milestones (each recorded as deleted too). An indicator is refused
    (SetupError saying how many reported values and targets use it) unless nothing refers to it.
    Partners and periods are refused. Raises AccessDenied unless the actor may change the whole setup.
    """
    require_edit(actor, None)
    record = deletable_record(session, table, row_id)
    what = label_of(session, table, record)
    if table == "indicator":
        values = session.scalar(
            select(func.count(Observation.id)).where(Observation.indicator_id == row_id)
        )
        targets = session.scalar(select(func.count(Target.id)).where(Target.indicator_id == row_id))
        if values or targets:
            uses = [
                ngettext("{n} reported value", "{n} reported values", values).format(n=values),
                ngettext("{n} target", "{n} targets", targets).format(n=targets),
            ]
            raise SetupError(
                _("{code} cannot be deleted: {values} and {targets} use it").format(
                    code=what, values=uses[0], targets=uses[1]
                )
            )
    shown = what
    if table == "target" and record.milestones:
        count = len(record.milestones)
        shown += " " + ngettext("(and its milestone)", "(and its {n} milestones)", count).format(
            n=count
        )
        for milestone in record.milestones:
            _record_deleted(session, actor, "milestone", milestone, comment=_("with its target"))
    _record_deleted(session, actor, table, record)
    session.delete(record)
    session.flush()
    return shown


def _record_deleted(session: Session, actor: Actor, table: str, record, comment: str = "") -> None:
    record_event(
        session, actor, f"{table}.deleted", object_type=table, object_id=record.id,
        label=label_of(session, table, record), partner_code=owner_code(session, table, record),
        before={k: v for k, v in snapshot(table, record).items() if v not in (None, "")},
        comment=comment,
    )  # fmt: skip


def deletable_record(session: Session, table: str, row_id: int):
    """The record a deletion would remove; SetupError for tables that cannot lose rows or a gone row."""
    if table not in DELETABLE:
        raise SetupError(_(NOT_DELETABLE.get(table, ONLY_SETUP_ROWS)))
    # FOR UPDATE (PostgreSQL; SQLite's writing transactions are alone anyway): a concurrent edit of the
    # same row waits, so the audit event's "before" is the value this edit replaces.
    record = session.get(MODELS[table], row_id, with_for_update=True)
    if record is None:
        raise SetupError(_("This row no longer exists; reload the page"))
    return record
