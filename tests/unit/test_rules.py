"""The value rule (rules.values) and the stage-move rule (rules.stages), without a workbook or database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rules.cells import CellError, parse_number
from rules.stages import STAGE_NAMES, Stage, is_move_back, parse_stage, stage_move_problems
from rules.values import MAX_ABS_VALUE, ValueRuleError, check_number, read_typed_value


def _check(raw, kind="count", **options):
    """check_number on a cell's raw value, with the problems located at D4 as the importer does."""
    value, problems = check_number(parse_number(raw), "ESU-SERVICES", kind, **options)
    shown = raw if isinstance(raw, str) else f"{raw:g}"
    return value, [replace(p, sheet="Indicators", cell="D4", value=shown) for p in problems]


def _codes(problems):
    return [(p.severity, p.code) for p in problems]


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (12, "count", 12), ("1 234", "count", 1234), ("12,5", "amount", 12.5), (0, "amount", 0),
        ("45", "percentage", 45), ("45 %", "percentage", 45), (100, "percentage", 100),
        (0, "percentage", 0), (MAX_ABS_VALUE, "amount", MAX_ABS_VALUE),
    ],
)  # fmt: skip
def test_values_within_the_rules_pass_without_problems(raw, kind, expected):
    assert _check(raw, kind) == (expected, [])


def test_a_negative_count_is_refused():
    value, problems = _check("-3", "count")
    assert _codes(problems) == [("error", "negative-count")]
    assert problems[0].message == (
        "D4: '-3' is negative, but ESU-SERVICES is a count; write 0 or a positive number"
    )


def test_a_negative_amount_is_refused():
    _, problems = _check("(250)", "amount")
    assert _codes(problems) == [("error", "negative-amount")]
    assert problems[0].message == (
        "D4: '(250)' is negative, but ESU-SERVICES is an amount, never below 0; write 0 or a "
        "positive number"
    )


@pytest.mark.parametrize(("raw", "number"), [("120", "120"), ("-5", "-5"), ("100,5 %", "100.5")])
def test_a_percentage_outside_0_to_100_is_refused(raw, number):
    _, problems = _check(raw, "percentage")
    assert _codes(problems) == [("error", "percentage-out-of-range")]
    assert problems[0].message == (
        f"D4: '{raw}' is {number} %, outside 0-100 % (a percentage is never above 100 % or below 0); "
        "write a percentage such as 45 or 45 %"
    )


@pytest.mark.parametrize("kind", ["count", "amount"])
def test_a_percent_sign_on_a_count_or_an_amount_is_refused(kind):
    _, problems = _check("45 %", kind)
    assert _codes(problems) == [("error", "unexpected-percent")]
    assert problems[0].message == (
        "D4: '45 %' is a percentage, but ESU-SERVICES is not reported in percent; write a plain "
        "number"
    )


def test_a_percent_format_on_a_count_is_refused_like_a_percent_sign():
    _, problems = _check(0.45, "count", shown_as_percent=True)
    assert _codes(problems) == [("error", "unexpected-percent")]


def test_a_percent_formatted_fraction_is_read_as_the_percentage_it_shows():
    assert _check(0.45, "percentage", shown_as_percent=True) == (45, [])
    assert _check(1, "percentage", shown_as_percent=True) == (100, [])
    _, problems = _check(1.2, "percentage", shown_as_percent=True)
    assert _codes(problems) == [("error", "percentage-out-of-range")]


def test_a_fraction_in_a_percentage_file_is_kept_with_a_warning():
    value, problems = _check(0.45, "percentage")
    assert value == 0.45
    assert _codes(problems) == [("warning", "percentage-looks-like-fraction")]
    assert problems[0].message == (
        "D4: 0.45 was read as 0.45 %; if you meant 45 %, write 45 or format the cell as a percentage"
    )


def test_a_typed_fraction_or_one_with_a_percent_sign_needs_no_warning():
    assert _check("0,45 %", "percentage") == (0.45, [])
    assert _check("0,45", "percentage", typed=True) == (0.45, [])


@pytest.mark.parametrize(
    ("raw", "file_mark", "expected"),
    [("1.234", ".", 1.234), ("1.234", ",", 1234), ("1,234", ",", 1.234), ("1,234", ".", 1234)],
)
def test_an_ambiguous_mark_is_decided_by_the_file(raw, file_mark, expected):
    assert _check(raw, file_mark=file_mark) == (expected, [])


def test_an_ambiguous_mark_the_file_does_not_decide_is_refused():
    value, problems = _check("1.234")
    assert value is None and _codes(problems) == [("error", "ambiguous-number")]
    assert problems[0].params["variant"] == "undecided"
    assert problems[0].message == (
        "D4: '1.234' could be 1.234 or 1234 (no other value in the file shows which mark is "
        "decimal); write 1234 for the thousands, or 1.234 with more digits after the decimal mark"
    )


def test_an_ambiguous_mark_in_a_file_with_both_marks_is_refused():
    value, problems = _check("1,234", marks_in_file=2)
    assert value is None and problems[0].params["variant"] == "mixed-marks"
    assert problems[0].message == (
        "D4: '1,234' could be 1.234 or 1234 (the file uses both , and . as decimal marks); write "
        "1234 for the thousands, or 1,234 with more digits after the decimal mark"
    )


def test_a_typed_ambiguous_mark_is_refused_even_when_a_file_mark_is_given():
    value, problems = _check("1.234", typed=True, file_mark=".")
    assert value is None and problems[0].params["variant"] == "typed"
    assert problems[0].message == (
        "D4: '1.234' could be 1.234 or 1234; write it without the separator (1234) or with more "
        "decimals (1.2340)"
    )


@pytest.mark.parametrize("raw", ["1e309", "9" * 400, "1e16", "-1e16", 1e16, -2e15, "1,5e400"])
@pytest.mark.parametrize("kind", ["count", "amount", "percentage"])
def test_numbers_beyond_any_indicator_are_refused_as_too_large(raw, kind):
    value, problems = _check(raw, kind)
    assert value is None and _codes(problems) == [("error", "number-too-large")]
    limit = "1e+12" if kind == "count" else "1e+15"
    assert f"is too large to be an indicator value (more than {limit})" in problems[0].message


@pytest.mark.parametrize("raw", ["2e12", "1 000 000 000 001", 1e13])
def test_a_count_is_at_most_a_million_millions(raw):
    assert _codes(_check(raw, "count")[1]) == [("error", "number-too-large")]
    assert _check(raw, "amount")[1] == []


@pytest.mark.parametrize("kind", ["count", "amount", "percentage"])
def test_typed_and_file_values_follow_the_same_rule(kind):
    for raw in ("-3", "120", "45 %", "12,5"):
        typed = [p.code for p in _check(raw, kind, typed=True)[1] if p.is_error]
        from_file = [p.code for p in _check(raw, kind)[1] if p.is_error]
        assert typed == from_file, raw


def test_a_typed_value_is_read_by_the_same_rules():
    assert read_typed_value("6 500", "ESU-USERS", "count", "Target") == 6500
    assert read_typed_value(" 45 % ", "DSK-BASIC", "percentage", "Target") == 45
    assert read_typed_value(7, "ESU-USERS", None, "Milestone") == 7


@pytest.mark.parametrize(
    ("raw", "kind", "code", "sentence"),
    [
        ("lots", "count", "not-a-number", "Target: 'lots' is not a number; write a number such as 12,5 or 1 234"),
        ("-3", "count", "negative-count", "Target: '-3' is negative, but ESU-SERVICES is a count;"),
        ("-3", None, "negative-count", "Target: '-3' is negative"),
        ("120", "percentage", "percentage-out-of-range", "Target: '120' is 120 %, outside 0-100 %"),
        ("1.234", "count", "ambiguous-number", "Target: '1.234' could be 1.234 or 1234;"),
        ("1e309", "amount", "number-too-large", "Target: '1e309' is too large"),
        (float("inf"), "amount", "not-a-number", "Target: 'inf' is not a finite number"),
    ],
)  # fmt: skip
def test_a_refused_typed_value_names_its_field_first(raw, kind, code, sentence):
    with pytest.raises(ValueRuleError) as refused:
        read_typed_value(raw, "ESU-SERVICES", kind, "Target")
    assert refused.value.problem.code == code and refused.value.problem.cell == "Target"
    assert str(refused.value).startswith(sentence)
    assert refused.value.problem.message == str(refused.value)


# --- stages -------------------------------------------------------------------------------------

TODAY = date(2026, 11, 27)


def _moves(current, stage, *, evidence=False, note="", on=TODAY, variant=""):
    problems = stage_move_problems(
        "PC-01", current, stage, has_evidence=evidence, note=note, occurred_on=on, today=TODAY,
        variant=variant,
    )  # fmt: skip
    return [replace(p, sheet="Policy changes", cell="D5", value=str(stage)) for p in problems]


def test_a_forward_move_with_nothing_missing_is_fine():
    assert _moves(Stage.IDENTIFIED, Stage.PROPOSED) == []
    assert _moves(Stage.ADOPTED, Stage.ADOPTED) == []


def test_validated_needs_evidence():
    problems = _moves(Stage.IMPLEMENTED, Stage.VALIDATED)
    assert _codes(problems) == [("error", "validated-without-evidence")]
    assert problems[0].message == (
        "D5: PC-01: 'validated' needs at least one evidence item (an official decision, an amended "
        "text, a launched call...)"
    )
    assert _moves(Stage.IMPLEMENTED, Stage.VALIDATED, evidence=True) == []


def test_abandoned_needs_a_note():
    problems = _moves(Stage.PROPOSED, Stage.ABANDONED, note="  ")
    assert _codes(problems) == [("error", "abandoned-without-note")]
    assert problems[0].message == "D5: PC-01: say why the change was abandoned (note)"
    assert _moves(Stage.PROPOSED, Stage.ABANDONED, note="the law was withdrawn") == []


def test_moving_back_with_a_note_is_a_warning_and_without_one_an_error():
    problems = _moves(Stage.ADOPTED, Stage.SUBMITTED, note="sent back to the ministry")
    assert _codes(problems) == [("warning", "stage-moved-back")]
    assert problems[0].message == (
        "D5: PC-01 moves back from 'adopted' to 'submitted' (sent back to the ministry)"
    )
    problems = _moves(Stage.ADOPTED, Stage.SUBMITTED)
    assert _codes(problems) == [("error", "stage-moved-back-without-note")]
    assert problems[0].message == (
        "D5: PC-01: moving back from 'adopted' to 'submitted' needs a note saying why"
    )


def test_abandoning_or_resuming_an_abandoned_change_is_not_a_move_back():
    assert not is_move_back(Stage.ADOPTED, Stage.ABANDONED)
    assert not is_move_back(Stage.ABANDONED, Stage.IDENTIFIED)
    assert _moves(Stage.ABANDONED, Stage.PROPOSED) == []


def test_a_stage_is_never_recorded_on_a_date_in_the_future():
    problems = _moves(Stage.IDENTIFIED, Stage.PROPOSED, on=date(2026, 11, 28))
    assert _codes(problems) == [("error", "date-in-future")]
    assert problems[0].message == (
        "D5: 28.11.2026 is in the future; record a stage once it is reached"
    )
    assert _moves(Stage.IDENTIFIED, Stage.PROPOSED, on=TODAY) == []


def test_every_broken_rule_is_reported_at_once():
    problems = _moves(Stage.IMPLEMENTED, Stage.VALIDATED, on=date(2027, 1, 1))
    assert _codes(problems) == [
        ("error", "date-in-future"),
        ("error", "validated-without-evidence"),
    ]


def test_the_sheet_variant_says_which_column_to_fill_in():
    problems = _moves(Stage.IMPLEMENTED, Stage.VALIDATED, variant="sheet")
    assert problems[0].message == (
        "D5: 'validated' needs evidence (an official decision, an amended text...); put its web "
        "address in the Evidence URL column"
    )
    problems = _moves(Stage.PROPOSED, Stage.ABANDONED, variant="sheet")
    assert problems[0].message == "D5: say in the Note column why PC-01 was abandoned"
    problems = _moves(Stage.ADOPTED, Stage.SUBMITTED, variant="sheet")
    assert problems[0].message == (
        "D5: PC-01 moves back from 'adopted' to 'submitted'; say why in the Note column"
    )
    # A move back with a note reads the same everywhere.
    problems = _moves(Stage.ADOPTED, Stage.SUBMITTED, note="sent back", variant="sheet")
    assert _codes(problems) == [("warning", "stage-moved-back")]


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("Adopted", Stage.ADOPTED), ("adopté", Stage.ADOPTED), ("ADOPTAT", Stage.ADOPTED),
        ("usvojeno", Stage.ADOPTED), ("pieņemts", Stage.ADOPTED), ("pienemts", Stage.ADOPTED),
        (" mise en oeuvre ", Stage.IMPLEMENTED), ("potvrđen", Stage.VALIDATED),
        ("Identifié", Stage.IDENTIFIED), ("napušten", Stage.ABANDONED),
    ],
)  # fmt: skip
def test_stage_names_are_read_in_the_five_languages(raw, stage):
    assert parse_stage(raw) is stage


def test_every_stage_has_its_english_name_first():
    assert [names[0] for names in STAGE_NAMES.values()] == [s.value for s in Stage]


@pytest.mark.parametrize("raw", ["done", "", None, 3])
def test_an_unknown_stage_lists_the_stages(raw):
    with pytest.raises(CellError) as refused:
        parse_stage(raw)
    problem = refused.value.to_problem("Policy changes", "D5", raw)
    assert problem.code == "unknown-stage"
    assert problem.message.startswith("D5: '")
    assert problem.message.endswith(
        "is not a stage; write one of identified, proposed, submitted, adopted, implemented, "
        "validated, abandoned"
    )


# --- how periods combine (rules.aggregation) -----------------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "expected"), [("sum", 6.0), ("mean", 2.0), ("latest", 3.0)]
)
def test_periods_combine_by_the_indicators_aggregation(aggregation, expected):
    from rules.aggregation import combine

    assert combine([1.0, None, 2.0, float("nan"), 3.0], aggregation) == expected


def test_nothing_reported_combines_to_nan_and_unknown_aggregations_are_refused():
    import math

    from rules.aggregation import combine, pick

    assert math.isnan(combine([None, float("nan")], "sum"))
    with pytest.raises(ValueError, match="unknown aggregation"):
        pick("median", total=1, mean=1, latest=1)
