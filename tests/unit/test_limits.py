"""Values are finite and plausible, dates lie in the programme's era, texts have limits (rules.limits):
properties over generated input (hypothesis), and the table of limits against the model's columns."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text

from importers.layout import RawObservation
from importers.validation import (
    IndicatorInfo,
    PartnerInfo,
    PeriodInfo,
    Reference,
    validate_observations,
)
from models import Base
from rules.cells import parse_number
from rules.fields import Field, FieldError, clean_value
from rules.limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_ABS_VALUE,
    MAX_COUNT,
    NOTE_CHARS,
    TEXT_LIMITS,
    text_problem,
    value_limit,
)
from rules.stages import Stage, stage_move_problems
from rules.values import ValueRuleError, read_typed_value
from services.audit import MAX_COMMENT_CHARS
from services.catalogue import EDITABLE
from services.observations import CorrectionError, parse_corrected_value

NO_DEADLINE = settings(deadline=None)
KINDS = ("count", "amount", "percentage")
TODAY = date(2026, 11, 27)
# Messages quote what was typed, shortened: never the megabytes someone pasted.
LONGEST_MESSAGE = 2000

# Numbers as they arrive: floats and integers (JSON bodies), and text shaped like numbers, with huge
# exponents, comma decimals, hundreds of digits, or the words Python's float() would accept.
_digits = st.text("0123456789", min_size=1, max_size=400)
NUMBER_TEXTS = st.one_of(
    _digits,
    st.builds(
        lambda whole, mark, fraction, exponent: f"{whole}{mark}{fraction}e{exponent}",
        st.text("0123456789", min_size=1, max_size=4), st.sampled_from([".", ","]),
        st.text("0123456789", min_size=1, max_size=3), st.integers(-400, 400),
    ),  # fmt: skip
    st.builds(lambda sign, digits: f"{sign}{digits}", st.sampled_from(["-", "+", "(", "\u2212"]), _digits),
    st.sampled_from(["inf", "-inf", "Infinity", "nan", "NaN", "1e309", "-1e309", "1,5e400", "9" * 400]),
    st.floats().map(repr),
    st.text(max_size=30),
)  # fmt: skip
NUMBERS = st.one_of(
    st.floats(), st.integers(), st.integers(min_value=10**300, max_value=10**400), NUMBER_TEXTS
)


def _within_bounds(value: float, kind: str) -> bool:
    return math.isfinite(value) and 0 <= value <= value_limit(kind)


@NO_DEADLINE
@given(NUMBERS, st.sampled_from(KINDS))
def test_a_typed_value_is_finite_and_within_its_kind_or_refused_naming_the_field(raw, kind):
    try:
        value = read_typed_value(raw, "ESU-USERS", kind, "Target")
    except ValueRuleError as refused:
        problem = refused.problem
        assert problem.is_error and problem.cell == "Target"
        assert str(refused).startswith("Target: ") and len(str(refused)) < LONGEST_MESSAGE
        return
    assert _within_bounds(value, kind)


@NO_DEADLINE
@given(NUMBERS, st.sampled_from(KINDS))
def test_a_setup_number_field_follows_the_same_rule(raw, kind):
    try:
        value = clean_value(Field("Milestone value", "number"), raw, kind, "ESU-USERS")
    except FieldError as refused:
        assert str(refused).startswith("Milestone value: ")
        assert len(str(refused)) < LONGEST_MESSAGE
        return
    assert _within_bounds(value, kind)


@NO_DEADLINE
@given(st.one_of(NUMBERS, st.none()), st.sampled_from(KINDS))
def test_a_correction_is_finite_and_within_its_kind_no_value_or_refused(raw, kind):
    try:
        value = parse_corrected_value(raw, kind, "ESU-USERS")
    except CorrectionError as refused:
        assert str(refused).startswith("New value: ") and len(str(refused)) < LONGEST_MESSAGE
        return
    assert value is None or _within_bounds(value, kind)


@pytest.mark.parametrize(
    "raw",
    [
        "1e309", "-1e309", "inf", "Infinity", "nan", "9" * 400, "1,5e400", float("inf"),
        float("-inf"), float("nan"), 10**400, -(10**400), 1e16,
    ],
)  # fmt: skip
@pytest.mark.parametrize("kind", KINDS)
def test_the_probe_values_are_refused_everywhere(raw, kind):
    with pytest.raises(ValueRuleError):
        read_typed_value(raw, "ESU-USERS", kind, "Target")
    with pytest.raises(FieldError, match="^Target: "):
        clean_value(Field("Target", "number"), raw, kind, "ESU-USERS")
    with pytest.raises(CorrectionError, match="^New value: "):
        parse_corrected_value(raw, kind, "ESU-USERS")


def test_comma_decimals_with_an_exponent_are_read_and_then_bounded():
    assert read_typed_value("1,5e4", "ESU-USERS", "count", "Target") == 15000
    assert read_typed_value("1.5E+04", "ESU-USERS", "count", "Target") == 15000
    with pytest.raises(ValueRuleError, match="too large") as refused:
        read_typed_value("1,5e400", "ESU-USERS", "amount", "Target")
    assert refused.value.problem.code == "number-too-large"


def test_the_bounds_themselves():
    assert read_typed_value(MAX_COUNT, "X", "count", "Target") == MAX_COUNT
    assert read_typed_value(MAX_ABS_VALUE, "X", "amount", "Target") == MAX_ABS_VALUE
    assert read_typed_value("100", "X", "percentage", "Target") == 100
    for raw, kind in ((MAX_COUNT * 1.01, "count"), (MAX_ABS_VALUE * 1.01, "amount")):
        with pytest.raises(ValueRuleError, match="too large"):
            read_typed_value(raw, "X", kind, "Target")
    with pytest.raises(ValueRuleError, match="outside 0-100"):
        read_typed_value("100,5", "X", "percentage", "Target")


@NO_DEADLINE
@given(st.integers(min_value=-(10**5000), max_value=10**5000))
def test_any_integer_parses_without_crashing(raw):
    number = parse_number(raw)
    assert not math.isnan(number.value)


# --- dates -------------------------------------------------------------------------------------


DATE_TEXTS = st.builds(
    lambda day, pattern: pattern.format(day),
    st.dates(),
    st.sampled_from(["{:%d.%m.%Y}", "{:%Y-%m-%d}", "{:%d/%m/%Y}"]),
)


@NO_DEADLINE
@given(
    st.one_of(st.dates(), st.datetimes(), DATE_TEXTS),
    st.sampled_from(["Baseline date", "Report due"]),
)
def test_a_setup_date_lies_in_the_programme_era_or_is_refused_naming_the_field(raw, label):
    try:
        day = clean_value(Field(label, "date"), raw)
    except FieldError as refused:
        assert str(refused).startswith(f"{label}: ") and len(str(refused)) < LONGEST_MESSAGE
        return
    assert EARLIEST_DATE <= day <= LATEST_DATE


@pytest.mark.parametrize(
    "raw", [date(1, 1, 1), "0001-01-01", date(9999, 12, 31), "31.12.9999", "31.12.1989"]
)
def test_the_probe_dates_are_refused(raw):
    with pytest.raises(FieldError, match="^Baseline date: .* outside the years 1990-2039"):
        clean_value(Field("Baseline date", "date"), raw)


@NO_DEADLINE
@given(st.dates())
def test_a_stage_event_is_neither_before_the_programme_nor_in_the_future(day):
    problems = stage_move_problems(
        "PC-01", Stage.IDENTIFIED, Stage.PROPOSED, has_evidence=False, note="", occurred_on=day,
        today=TODAY,
    )  # fmt: skip
    date_codes = {p.code for p in problems} & {"date-in-future", "not-a-date"}
    assert bool(date_codes) == (not EARLIEST_DATE <= day <= TODAY)


def test_the_model_refuses_a_stage_event_outside_the_era_even_without_today():
    for day in (date(1, 1, 1), LATEST_DATE + timedelta(days=1)):
        problems = stage_move_problems(
            "PC-01", Stage.IDENTIFIED, Stage.PROPOSED, has_evidence=False, note="",
            occurred_on=day, today=date.max,
        )  # fmt: skip
        assert [p.code for p in problems] == ["not-a-date"]


# --- texts -------------------------------------------------------------------------------------

TEXTS = st.one_of(
    st.text(max_size=400),
    st.builds(lambda char, n: char * n, st.characters(), st.integers(0, 3 * NOTE_CHARS)),
)


@NO_DEADLINE
@given(TEXTS, st.sampled_from(sorted(TEXT_LIMITS)))
def test_a_text_fits_its_column_or_is_refused_naming_the_field_and_the_limit(text, column):
    problem = text_problem(column, text, "Note")
    if len(text) <= TEXT_LIMITS[column]:
        assert problem is None
        return
    limit = f"{TEXT_LIMITS[column]:,}".replace(",", "\u202f")
    assert problem.is_error and problem.cell == "Note"
    assert problem.message.startswith(f"Note: at most {limit} characters (this one has ")
    assert len(problem.message) < LONGEST_MESSAGE


@NO_DEADLINE
@given(
    TEXTS, st.sampled_from([(table, column) for table in EDITABLE for column in EDITABLE[table]])
)
def test_a_setup_field_keeps_its_text_within_its_column(text, where):
    table, column = where
    field = EDITABLE[table][column]
    try:
        value = clean_value(field, text)
    except FieldError as refused:
        assert str(refused).startswith(f"{field.label}: ") and len(str(refused)) < LONGEST_MESSAGE
        return
    if isinstance(value, str):
        assert len(value) <= TEXT_LIMITS.get(f"{table}.{column}", field.max_length)


def test_a_ten_megabyte_note_is_named_with_both_lengths():
    problem = text_problem("stage_event.note", "x" * 10 * 1024 * 1024, "Note")
    assert problem.message == (
        "Note: at most 5\u202f000 characters (this one has 10\u202f485\u202f760); shorten it"
    )


def _columns():
    return {
        f"{table.name}.{column.name}": column.type
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)
    }


def test_every_text_column_without_a_length_has_an_application_limit():
    unlimited = [name for name, kind in _columns().items() if isinstance(kind, Text)]
    assert unlimited and [name for name in unlimited if name not in TEXT_LIMITS] == []


def test_every_limit_names_a_column_and_fits_it():
    columns = _columns()
    assert [name for name in TEXT_LIMITS if name not in columns] == []
    too_long = [
        name
        for name, limit in TEXT_LIMITS.items()
        if columns[name].length is not None and limit > columns[name].length
    ]
    assert too_long == []


def test_the_audit_trail_keeps_comments_to_the_note_limit():
    assert MAX_COMMENT_CHARS == NOTE_CHARS == TEXT_LIMITS["audit_event.comment"]


def test_setup_text_fields_take_their_limit_from_the_table():
    for table, fields in EDITABLE.items():
        for column, field in fields.items():
            if field.kind in ("text", "code"):
                assert field.max_length == TEXT_LIMITS[f"{table}.{column}"], f"{table}.{column}"


def _reference(kind: str = "count") -> Reference:
    return Reference(
        {"esu-users": IndicatorInfo(1, "ESU-USERS", "Users", kind, "sum")},
        {"plh": PartnerInfo(1, "PLH", "Pays de Lorient")},
        [PeriodInfo(1, 1, "P1", date(2023, 3, 1), date(2023, 8, 31))],
    )


def _row(value: object = 12, comment: str = "", percent: bool = False) -> RawObservation:
    return RawObservation(
        "Indicators", 3, "ESU-USERS", 0, None, "P1", 1, value, 2, percent, False, comment=comment
    )


@NO_DEADLINE
@given(
    st.one_of(st.floats(), st.integers(-(10**20), 10**20), NUMBER_TEXTS),
    st.sampled_from(KINDS),
    st.booleans(),
)
def test_an_imported_value_is_finite_and_within_its_kind_or_an_error_at_its_cell(
    raw, kind, percent
):
    check = validate_observations([_row(raw, percent=percent)], _reference(kind), "PLH", False)
    if check.records:
        value = check.records[0].value
        assert value is None or _within_bounds(value, kind)
        assert not any(issue.is_error for issue in check.issues)
    else:
        errors = [issue for issue in check.issues if issue.is_error]
        assert errors and all(issue.location == "Indicators!C4" for issue in errors)
        assert all(len(issue.message) < LONGEST_MESSAGE for issue in errors)


def test_an_imported_comment_longer_than_its_limit_is_an_error_at_the_value_cell():
    reference = _reference()
    check = validate_observations([_row(comment="x" * (NOTE_CHARS + 1))], reference, "PLH", False)
    assert check.records == [] and check.invalid_rows == 1
    assert [(p.code, p.location) for p in check.issues] == [("text-too-long", "Indicators!C4")]
    assert check.issues[0].message.startswith(
        "C4: the comment of this value has 5\u202f001 characters"
    )
    fits = validate_observations([_row(comment="x" * NOTE_CHARS)], reference, "PLH", False)
    assert len(fits.records) == 1
