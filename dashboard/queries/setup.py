"""Setup for the monitoring officers: the indicator catalogue, targets and milestones, partners and periods.

Reads return DataFrames (one row per record, ``id`` first). Every edit goes through ``update_setup_value``,
an ``add_*`` function or ``delete_setup_row``, which check the actor's rights (dashboard.access); edits
validate the value the way the importer does (numbers as partners write them, known codes, units), raising
SetupError with a message that names the field. The whole setup can be exported as one workbook.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import _, ngettext
from importers.reading import UnreadableFile, refuse_unsafe_package
from models import (
    AGGREGATIONS,
    CATEGORIES,
    INSTRUMENT_KINDS,
    VALUE_KINDS,
    Indicator,
    Milestone,
    Observation,
    Partner,
    PolicyInstrument,
    ReportingPeriod,
    StoredFile,
    Target,
)
from models.partner import PARTNER_LEVELS, PARTNER_ROLES
from rules.cells import CellError, parse_date, parse_number
from rules.problems import Problem, error
from workbooks.export import neutralise


class SetupError(ValueError):
    """An edit the rules refuse; the message names the field and says what to write."""


def indicators_frame(session: Session) -> pd.DataFrame:
    query = select(
        Indicator.id, Indicator.code, Indicator.name, Indicator.unit, Indicator.category,
        Indicator.value_kind, Indicator.aggregation, Indicator.higher_is_better, Indicator.eu_code,
        Indicator.display_order, Indicator.description,
    ).order_by(Indicator.display_order, Indicator.code)  # fmt: skip
    columns = [
        "id", "code", "name", "unit", "category", "value_kind", "aggregation", "higher_is_better",
        "eu_code", "display_order", "description",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def targets_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Target.id,
            Partner.code,
            Indicator.code,
            Indicator.unit,
            Indicator.value_kind,
            Target.baseline_value,
            Target.baseline_date,
            Target.target_value,
            Target.is_demo,
        )  # fmt: skip
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Indicator.display_order)
    )
    columns = [
        "id", "partner_code", "indicator_code", "unit", "value_kind", "baseline_value",
        "baseline_date", "target_value", "is_demo",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def milestones_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Milestone.id,
            Partner.code,
            Indicator.code,
            ReportingPeriod.label,
            Milestone.value,
            Indicator.unit,
        )  # fmt: skip
        .join(Target, Target.id == Milestone.target_id)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Milestone.period_id)
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Indicator.display_order, ReportingPeriod.number)
    )
    columns = ["id", "partner_code", "indicator_code", "period", "value", "unit"]
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def partners_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Partner.id,
            Partner.code,
            Partner.name,
            Partner.short_name,
            Partner.country,
            Partner.nuts_code,
            Partner.level,
            Partner.role,
            Partner.display_order,
        )  # fmt: skip
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Partner.id)
    )
    columns = [
        "id", "code", "name", "short_name", "country", "nuts_code", "level", "role", "display_order",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def periods_frame(session: Session) -> pd.DataFrame:
    query = select(
        ReportingPeriod.id, ReportingPeriod.label, ReportingPeriod.start_date,
        ReportingPeriod.end_date, ReportingPeriod.due_date, ReportingPeriod.phase,
    ).order_by(ReportingPeriod.number)  # fmt: skip
    columns = ["id", "label", "start_date", "end_date", "due_date", "phase"]
    return pd.DataFrame(session.execute(query).all(), columns=columns)


# --- validation of one typed value -------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    label: str
    kind: str  # text, choice, number, optional number, date, integer, boolean, country, code
    max_length: int = 300
    choices: tuple[str, ...] = ()
    required: bool = True


EDITABLE = {
    "indicator": {
        "name": Field(_("Name"), "text", 300),
        "unit": Field(_("Unit"), "text", 60),
        "category": Field(_("Category"), "choice", choices=CATEGORIES),
        "value_kind": Field(_("Kind of value"), "choice", choices=VALUE_KINDS),
        "aggregation": Field(_("Aggregation"), "choice", choices=AGGREGATIONS),
        "higher_is_better": Field(_("Higher is better"), "boolean"),
        "eu_code": Field(_("EU code"), "code", 20, required=False),
        "display_order": Field(_("Order"), "integer"),
        "description": Field(_("Description"), "text", 5000, required=False),
    },
    "target": {
        "baseline_value": Field(_("Baseline"), "number", required=False),
        "baseline_date": Field(_("Baseline date"), "date", required=False),
        "target_value": Field(_("Target"), "number"),
    },
    "milestone": {"value": Field(_("Milestone value"), "number")},
    "partner": {
        "name": Field(_("Name"), "text", 200),
        "short_name": Field(_("Short name"), "text", 60),
        "country": Field(_("Country"), "country"),
        "nuts_code": Field(_("NUTS code"), "code", 10),
        "level": Field(_("Level"), "choice", choices=PARTNER_LEVELS),
        "role": Field(_("Role"), "choice", choices=PARTNER_ROLES),
        "display_order": Field(_("Order"), "integer"),
    },
    # Start and end follow from the project start (values refer to them); the due date may be moved.
    "period": {"due_date": Field(_("Report due"), "date")},
}
MODELS = {
    "indicator": Indicator,
    "target": Target,
    "milestone": Milestone,
    "partner": Partner,
    "period": ReportingPeriod,
}


def _problem(field: Field, message: str, **values) -> SetupError:
    """A SetupError that starts with the field's label ("Target: ...")."""
    return SetupError(f"{field.label}: " + _(message).format(**values))


def clean_value(field: Field, raw: object, value_kind: str | None = None):
    """``raw`` as the column stores it, or SetupError naming ``field``."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if field.required:
            raise _problem(field, "cannot be empty")
        return "" if field.kind == "text" else None
    if field.kind == "text":
        if len(text) > field.max_length:
            raise _problem(field, "at most {n} characters", n=field.max_length)
        return text
    if field.kind == "choice":
        if text not in field.choices:
            raise _problem(
                field,
                "{text!r} is not one of {choices}",
                text=text,
                choices=", ".join(field.choices),
            )
        return text
    if field.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if text.lower() in ("true", "yes", "1"):
            return True
        if text.lower() in ("false", "no", "0"):
            return False
        raise _problem(field, "write yes or no")
    if field.kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            raise _problem(field, "{text!r} is not a whole number", text=text)
        return int(text)
    if field.kind == "country":
        if not re.fullmatch(r"[A-Za-z]{2}", text):
            raise _problem(field, "write the two-letter code (RO, HR, LV, FR...)")
        return text.upper()
    if field.kind == "code":
        if len(text) > field.max_length or not re.fullmatch(r"[A-Za-z0-9-]+", text):
            raise _problem(
                field,
                "{text!r} must be letters, digits and dashes, at most {n} characters",
                text=text,
                n=field.max_length,
            )
        return text.upper()
    if field.kind == "date":
        try:
            return parse_date(raw if isinstance(raw, date) else text)
        except CellError as problem:
            raise _problem(
                field, "{text!r} {problem}", text=text, problem=problem.problem
            ) from None
    return _number(field, raw, text, value_kind)


def _number(field: Field, raw: object, text: str, value_kind: str | None) -> float:
    try:
        parsed = parse_number(raw if isinstance(raw, int | float) else text)
    except CellError:
        raise _problem(field, "{text!r} is not a number; write 12,5 or 1 234", text=text) from None
    if parsed.ambiguous_mark is not None:
        raise _problem(
            field,
            "{text!r} could be {one:g} or {other:g}; write it without the separator",
            text=text,
            one=parsed.value,
            other=parsed.as_thousands,
        )
    if parsed.value < 0:
        raise _problem(field, "{text!r} is negative", text=text)
    if value_kind == "percentage" and parsed.value > 100:
        raise _problem(field, "{text!r} is above 100 % for a percentage indicator", text=text)
    if parsed.percent_sign and value_kind not in (None, "percentage"):
        raise _problem(field, "{text!r} is a percentage but the indicator is a count", text=text)
    return parsed.value


# --- writes ---------------------------------------------------------------------------------------


def update_setup_value(
    session: Session, actor: Actor, table: str, row_id: int, column: str, raw: object
) -> str:
    """Set one field of one setup record; returns what was saved, for the page to confirm.

    Raises SetupError (unknown table, record or field; invalid value) or AccessDenied. The caller commits.
    """
    fields = EDITABLE.get(table)
    if fields is None or column not in fields:
        raise SetupError(f"{column!r} of {table!r} cannot be edited here")
    record = session.get(MODELS[table], row_id)
    if record is None:
        raise SetupError(f"The {table} was deleted meanwhile; reload the page")
    require_edit(actor, _owner(session, table, record))
    value = clean_value(fields[column], raw, _value_kind(session, table, record))
    setattr(record, column, value)
    problem = _record_problem(table, record)
    if problem:
        raise SetupError(problem)
    if table == "target" and column != "baseline_date":
        record.is_demo = False  # an officer's figure is no longer invented
    session.flush()
    return f"{fields[column].label} = {value if value not in (None, '') else '(empty)'}"


def _record_problem(table: str, record) -> str | None:
    """A rule across fields of one record, checked after an edit and for each imported row."""
    if table == "period" and record.due_date < record.end_date:
        return (
            f"Report due: {record.due_date} is before the period ends ({record.end_date}); "
            "reports cover a period that has ended"
        )
    return None


def _owner(session: Session, table: str, record) -> str | None:
    """The partner whose data ``record`` is (None: shared by the whole partnership)."""
    if table == "target":
        return session.get(Partner, record.partner_id).code
    if table == "milestone":
        return session.get(Partner, record.target.partner_id).code
    return None


def _value_kind(session: Session, table: str, record) -> str | None:
    if table == "target":
        return session.get(Indicator, record.indicator_id).value_kind
    if table == "milestone":
        return session.get(Indicator, record.target.indicator_id).value_kind
    return None


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
        raise SetupError(f"Partner: {partner_code!r} is not a known partner code")
    if indicator is None:
        raise SetupError(f"Indicator: {indicator_code!r} is not in the catalogue")
    require_edit(actor, partner.code)
    exists = session.scalar(
        select(Target.id).where(
            Target.partner_id == partner.id, Target.indicator_id == indicator.id
        )
    )
    if exists:
        raise SetupError(
            f"Indicator: {partner.code} already has a target for {indicator.code}; edit it in the table"
        )
    fields = EDITABLE["target"]
    target = Target(
        partner_id=partner.id,
        indicator_id=indicator.id,
        target_value=clean_value(fields["target_value"], target_raw, indicator.value_kind),
        baseline_value=clean_value(fields["baseline_value"], baseline_raw, indicator.value_kind),
        is_demo=False,
    )
    session.add(target)
    session.flush()
    return target


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
            f"Indicator: {partner_code} has no target for {indicator_code!r}; add the target first"
        )
    require_edit(actor, partner_code)
    period = session.scalar(select(ReportingPeriod).where(ReportingPeriod.label == period_label))
    if period is None:
        raise SetupError(f"Period: {period_label!r} is not a reporting period")
    if any(m.period_id == period.id for m in target.milestones):
        raise SetupError(f"Period: there is already a milestone for {period.label}; edit it")
    value = clean_value(EDITABLE["milestone"]["value"], value_raw, target.indicator.value_kind)
    milestone = Milestone(period_id=period.id, value=value)
    target.milestones.append(milestone)
    session.flush()
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
    clean_code = clean_value(Field(_("Code"), "code", 30), code)
    if session.scalar(select(Indicator.id).where(Indicator.code == clean_code)):
        raise SetupError(f"Code: {clean_code} is already in the catalogue")
    fields = EDITABLE["indicator"]
    order = max(session.scalars(select(Indicator.display_order)), default=0) + 1
    indicator = Indicator(
        code=clean_code,
        name=clean_value(fields["name"], name),
        unit=clean_value(fields["unit"], unit),
        category=clean_value(fields["category"], category),
        value_kind=clean_value(fields["value_kind"], value_kind),
        aggregation=clean_value(fields["aggregation"], aggregation),
        display_order=order,
    )
    session.add(indicator)
    session.flush()
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
    clean_code = clean_value(Field(_("Code"), "code", 20), code)
    if session.scalar(select(Partner.id).where(Partner.code == clean_code)):
        raise SetupError(f"Code: {clean_code} is already a partner")
    fields = EDITABLE["partner"]
    order = max(session.scalars(select(Partner.display_order)), default=0) + 1
    partner = Partner(
        code=clean_code,
        name=clean_value(fields["name"], name),
        short_name=clean_value(fields["short_name"], short_name),
        country=clean_value(fields["country"], country),
        nuts_code=clean_value(fields["nuts_code"], nuts_code),
        level=clean_value(fields["level"], level),
        role="partner",
        display_order=order,
    )
    partner.instruments.append(
        PolicyInstrument(
            title=clean_value(Field(_("Instrument"), "text", 300), instrument_title),
            kind=clean_value(
                Field(_("Kind of instrument"), "choice", choices=INSTRUMENT_KINDS), instrument_kind
            ),
            managing_body=clean_value(Field(_("Managing body"), "text", 300), managing_body),
        )
    )
    session.add(partner)
    session.flush()
    return partner


# --- deletions -------------------------------------------------------------------------------------
# Milestones, targets (with their milestones) and unused indicators can be deleted; partners and periods
# cannot, because observations, uploads and workbooks refer to them.
DELETABLE = ("indicator", "target", "milestone")
NOT_DELETABLE = {
    "partner": _("Partners cannot be deleted: reported values and workbooks refer to them"),
    "period": _("Periods cannot be deleted: reported values and workbooks refer to them"),
}


def describe_row(session: Session, table: str, row_id: int) -> str:
    """How the confirmation names a row: "ESU-USERS", "PLH · ESU-USERS", "PLH · ESU-USERS · P7"."""
    record = _deletable_record(session, table, row_id)
    if table == "indicator":
        return record.code
    target = record if table == "target" else record.target
    key = f"{_partner_code(session, target)} · {target.indicator.code}"
    if table == "milestone":
        key += f" · {session.get(ReportingPeriod, record.period_id).label}"
    return key


def delete_setup_row(session: Session, actor: Actor, table: str, row_id: int) -> str:
    """Delete one indicator, target or milestone and return what was deleted, for the message.

    A target goes with its milestones. An indicator is refused (SetupError saying how many reported
    values and targets use it) unless nothing refers to it. Partners and periods are refused.
    Raises AccessDenied unless the actor may change the whole setup (monitoring officers).
    """
    require_edit(actor, None)
    record = _deletable_record(session, table, row_id)
    what = describe_row(session, table, row_id)
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
                _("{code} cannot be deleted: {uses} use it").format(
                    code=what, uses=_(" and ").join(uses)
                )
            )
    elif table == "target" and record.milestones:
        count = len(record.milestones)
        what += " " + ngettext("(and its milestone)", "(and its {n} milestones)", count).format(
            n=count
        )
    session.delete(record)
    session.flush()
    return what


def _deletable_record(session: Session, table: str, row_id: int):
    if table not in DELETABLE:
        raise SetupError(NOT_DELETABLE.get(table, _("Only setup rows can be deleted here")))
    record = session.get(MODELS[table], row_id)
    if record is None:
        raise SetupError(_("This row no longer exists; reload the page"))
    return record


def _partner_code(session: Session, target: Target) -> str:
    return session.scalar(select(Partner.code).where(Partner.id == target.partner_id))


# --- the workbook ------------------------------------------------------------------------------------

SHEETS = ("Indicators", "Targets", "Milestones", "Partners", "Periods")


def setup_workbook(session: Session, partner_codes: list[str]) -> bytes:
    """The whole setup as an .xlsx, one sheet per table; text cells that look like formulas are
    neutralised (a leading apostrophe), as in every export."""
    frames = {
        "Indicators": indicators_frame(session).drop(columns="id"),
        "Targets": targets_frame(session, partner_codes).drop(columns=["id", "value_kind"]),
        "Milestones": milestones_frame(session, partner_codes).drop(columns="id"),
        "Partners": partners_frame(session, partner_codes).drop(columns="id"),
        "Periods": periods_frame(session).drop(columns="id"),
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for name, frame in frames.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for row in frame.itertuples(index=False):
            sheet.append([_cell(value) for value in row])
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(
                width + 2, 60
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return neutralise(value)


# --- importing the setup workbook ---------------------------------------------------------------------


@dataclass
class SetupImport:
    """What importing a setup workbook did (or would do): counts per sheet and every problem found."""

    issues: list[Problem]
    added: dict[str, int]
    updated: dict[str, int]
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)


# Sheet -> (key columns, table name in EDITABLE)
SETUP_SHEETS = {
    "Indicators": (("code",), "indicator"),
    "Targets": (("partner_code", "indicator_code"), "target"),
    "Milestones": (("partner_code", "indicator_code", "period"), "milestone"),
    "Partners": (("code",), "partner"),
    "Periods": (("label",), "period"),
}


def import_setup_workbook(
    session: Session, actor: Actor, content: bytes, *, dry_run: bool, max_bytes: int
) -> SetupImport:
    """Read a workbook shaped like ``setup_workbook``'s and update the setup from it, all or nothing.

    Rows are matched by their codes; a new indicator, target or milestone is added, an unknown partner
    or period is an error (partners and periods are not created from a workbook). Every cell is checked
    with the same rules as an edit on the page; problems name the sheet, cell and value. With errors,
    or with ``dry_run``, ``applied`` is False and the caller must roll the session back (changes were
    made in it to check later rows against earlier ones); otherwise the caller commits.
    Raises AccessDenied when the actor may not change the setup.
    """
    require_edit(actor, None)
    result = SetupImport([], dict.fromkeys(SETUP_SHEETS, 0), dict.fromkeys(SETUP_SHEETS, 0))
    try:
        refuse_unsafe_package(content, "the setup workbook", max_bytes)
    except UnreadableFile as refusal:
        result.issues.append(refusal.issue)
        return result
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an .xlsx
        result.issues.append(
            error("not-a-setup-workbook", "This is not an .xlsx workbook; export the setup first")
        )
        return result
    if not any(name in book.sheetnames for name in SETUP_SHEETS):
        result.issues.append(
            error(
                "not-a-setup-workbook",
                f"No sheet named {', '.join(SETUP_SHEETS)}: start from the exported setup workbook",
            )
        )
        return result
    for sheet_name, (keys, table) in SETUP_SHEETS.items():
        if sheet_name in book.sheetnames:
            _import_sheet(session, book[sheet_name], sheet_name, keys, table, result)
    result.applied = not (result.has_errors or dry_run)
    return result


def _import_sheet(session, sheet, sheet_name: str, keys, table: str, result: SetupImport) -> None:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [k for k in keys if k not in header]
    if missing:
        result.issues.append(
            error("missing-column", f"Column {', '.join(missing)} is missing", sheet_name, "A1")
        )
        return
    fields = EDITABLE[table]
    for row_number, values in enumerate(rows, start=2):
        cells = dict(zip(header, values, strict=False))
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        key = tuple(str(cells[k]).strip() if cells[k] is not None else "" for k in keys)
        record, problem = _find_or_create(session, table, key)
        if problem:
            column = header.index(keys[0])
            result.issues.append(
                error("unknown-code", problem, sheet_name, _ref(column, row_number), key[0])
            )
            continue
        is_new = record.id is None
        value_kind = _value_kind_of(session, table, record)
        changed = False
        for column_name, field in fields.items():
            if column_name not in header:
                continue
            raw = cells[column_name]
            try:
                value = clean_value(field, _text_of(raw), value_kind)
            except SetupError as problem:
                result.issues.append(
                    error(
                        "invalid-value", str(problem), sheet_name,
                        _ref(header.index(column_name), row_number), raw,
                    )
                )  # fmt: skip
                continue
            if getattr(record, column_name) != value:
                setattr(record, column_name, value)
                changed = True
        problem = _record_problem(table, record) if changed else None
        if problem:
            result.issues.append(error("invalid-value", problem, sheet_name, f"A{row_number}"))
        if table == "target" and changed:
            record.is_demo = False
        if is_new:
            _add_new(session, table, record, result, sheet_name, row_number, key)
            result.added[sheet_name] += 1
        elif changed:
            result.updated[sheet_name] += 1


def _text_of(raw: object) -> object:
    """Cells as the page's editor would send them: text, except dates and booleans kept as they are."""
    if raw is None or isinstance(raw, bool | date):
        return raw.date() if isinstance(raw, datetime) else raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _ref(column_index: int, row_number: int) -> str:
    return f"{openpyxl.utils.get_column_letter(column_index + 1)}{row_number}"


def _find_or_create(session: Session, table: str, key: tuple[str, ...]):
    """(record, None) for an existing or new record; (None, message) for an unknown code."""
    if table == "indicator":
        found = session.scalar(select(Indicator).where(Indicator.code == key[0].upper()))
        return found or Indicator(code=key[0].upper()), None
    if table == "period":
        found = session.scalar(select(ReportingPeriod).where(ReportingPeriod.label == key[0]))
        if found is None:
            return (
                None,
                f"Period: {key[0]!r} is not a reporting period (they follow from the project start)",
            )
        return found, None
    if table == "partner":
        found = session.scalar(select(Partner).where(Partner.code == key[0]))
        if found is None:
            return (
                None,
                f"Partner {key[0]!r} is not set up; partners are added by `sharing demo` or an administrator",
            )
        return found, None
    partner = session.scalar(select(Partner).where(Partner.code == key[0]))
    indicator = session.scalar(select(Indicator).where(Indicator.code == key[1]))
    if partner is None:
        return None, f"Partner: {key[0]!r} is not a known partner code"
    if indicator is None:
        return None, f"Indicator: {key[1]!r} is not in the catalogue"
    target = session.scalar(
        select(Target).where(Target.partner_id == partner.id, Target.indicator_id == indicator.id)
    )
    if table == "target":
        return target or Target(
            partner_id=partner.id, indicator_id=indicator.id, is_demo=False
        ), None
    if target is None:
        return (
            None,
            f"Indicator: {key[0]} has no target for {key[1]}; add it in the Targets sheet first",
        )
    period = session.scalar(select(ReportingPeriod).where(ReportingPeriod.label == key[2]))
    if period is None:
        return None, f"Period: {key[2]!r} is not a reporting period"
    found = session.scalar(
        select(Milestone).where(Milestone.target_id == target.id, Milestone.period_id == period.id)
    )
    return found or Milestone(target_id=target.id, period_id=period.id), None


def _value_kind_of(session: Session, table: str, record) -> str | None:
    if table == "target":
        return session.get(Indicator, record.indicator_id).value_kind
    if table == "milestone":
        target = session.get(Target, record.target_id)
        return session.get(Indicator, target.indicator_id).value_kind
    return None


def _add_new(session, table, record, result, sheet_name, row_number, key) -> None:
    required = [c for c, f in EDITABLE[table].items() if f.required and getattr(record, c) is None]
    if table == "indicator" and record.display_order is None:
        record.display_order = max(session.scalars(select(Indicator.display_order)), default=0) + 1
        required = [c for c in required if c != "display_order"]
    if table == "indicator" and record.higher_is_better is None:
        record.higher_is_better = True
        required = [c for c in required if c != "higher_is_better"]
    if required:
        result.issues.append(
            error(
                "missing-value",
                f"New {table} {' · '.join(key)}: fill in {', '.join(required)}",
                sheet_name, f"A{row_number}",
            )
        )  # fmt: skip
        return
    session.add(record)
    session.flush()


def stored_content(session: Session, sha256: str) -> bytes | None:
    """The bytes of a file kept by ``store_file`` (a setup workbook between its check and its import)."""
    return session.scalar(select(StoredFile.content).where(StoredFile.sha256 == sha256))
