"""Cell parsers: examples from real partner sheets, and properties over generated input (hypothesis)."""

import contextlib
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import period_specs
from rules.cells import CellError, fold, is_no_value, parse_date, parse_number, parse_period
from rules.limits import EARLIEST_DATE, LATEST_DATE

PERIODS = period_specs(date(2023, 3, 1))
# Shared CI machines stall now and then: a slow example is not a bug in a parser.
NO_DEADLINE = settings(deadline=None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12,5", 12.5), ("12.5", 12.5), ("1 234", 1234), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
        ("1\u00a0234,5", 1234.5), ("1\u202f234", 1234), ("1\u2009234,25", 1234.25), ("'12", 12),
        ("(3)", -3), ("\u22123", -3), ("-3,5", -3.5), ("1.234.567", 1234567), ("0,123", 0.123),
        (",5", 0.5), (12, 12), (0.45, 0.45), ("  7  ", 7), ("1 234 567,89", 1234567.89),
    ],
)  # fmt: skip
def test_numbers_as_partners_write_them(raw, value):
    assert parse_number(raw).value == pytest.approx(value)


@pytest.mark.parametrize("raw", ["45 %", "45%", "45\u00a0%"])
def test_percent_sign_is_kept_apart_from_the_value(raw):
    parsed = parse_number(raw)
    assert (parsed.value, parsed.percent_sign) == (45, True)


@pytest.mark.parametrize(
    "raw", ["12,5,0", "abc", "1 23", "1.23.4", "12 €", "", True, date(2024, 1, 1), float("nan")]
)
def test_not_numbers_are_refused_with_an_example(raw):
    with pytest.raises(CellError) as problem:
        parse_number(raw)
    assert problem.value.code == "not-a-number"
    assert "such as 12,5" in problem.value.to_problem(cell="D4", value=raw).message


@pytest.mark.parametrize(("raw", "mark"), [("1.234", "."), ("1,234", ","), ("12.500", ".")])
def test_a_lone_mark_before_three_digits_is_ambiguous_until_the_file_decides(raw, mark):
    parsed = parse_number(raw)
    assert parsed.ambiguous_mark == mark
    assert parsed.resolve(None) is None
    decimal, thousands = parsed.resolve(mark), parsed.resolve("," if mark == "." else ".")
    assert thousands == float(raw.replace(mark, ""))
    assert decimal == pytest.approx(float(raw.replace(",", ".")))


@pytest.mark.parametrize(
    "raw",
    [
        "n/a",
        "N/A",
        "-",
        "\u2014",
        "",
        "  ",
        None,
        "s/o",
        "s.o.",
        "nu se aplică",
        "nije primjenjivo",
        "nav datu",
        "sans objet",
    ],
)
def test_no_value_words_in_five_languages(raw):
    assert is_no_value(raw)


@pytest.mark.parametrize("raw", ["0", 0, "zero", "nan value"])
def test_zero_is_a_value(raw):
    assert not is_no_value(raw)


@pytest.mark.parametrize(
    "raw",
    ["31.12.2024", "31.12.2024.", "31/12/2024", "31-12-2024", "2024-12-31", "2024/12/31", "31.12.24",
     date(2024, 12, 31), datetime(2024, 12, 31, 0, 0), "2024-12-31 00:00:00"],
)  # fmt: skip
def test_dates(raw):
    assert parse_date(raw) == date(2024, 12, 31)


@pytest.mark.parametrize("raw", ["31.02.2024", "yesterday", 45000, "2024-13-01"])
def test_not_dates(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("P3", 3), ("p3", 3), ("3", 3), (3, 3), (3.0, 3), ("S3", 3), ("Semester 3", 3), ("Period 3", 3),
        ("Période 3", 3), ("Perioada 3", 3), ("Perioadă 3", 3), ("3. razdoblje", 3), ("Razdoblje 3", 3),
        ("3. periods", 3), ("Semestrul 3", 3), ("Sem. 3", 3), ("P III", 3),
        ("01.03.2023", 1), ("31.08.2023", 1), (date(2024, 1, 5), 2), ("2024-12-31", 4), ("31/12/2024", 4),
        ("01.03.2023 - 31.08.2023", 1), ("2023-03-01/2023-08-31", 1), ("2023-03-01 \u2013 2023-08-31", 1),
        ("1.3.2023-31.8.2023", 1), (45291.0, 2),
    ],
)  # fmt: skip
def test_periods(raw, number):
    assert parse_period(raw, PERIODS) == number


@pytest.mark.parametrize(
    "raw",
    ["2024-S1", "S1 2024", "2024 H1", "Sem. 1 2024", "Semestrul II 2024", "1. polugodište 2024"],
)
def test_calendar_half_years_that_straddle_periods_list_the_candidates(raw):
    with pytest.raises(CellError) as problem:
        parse_period(raw, PERIODS)
    assert problem.value.code == "ambiguous-period"
    message = problem.value.to_problem("Raport", "C3", raw).message
    assert message.startswith(f"C3: '{raw}' is a calendar half-year")
    assert " or " in message and "P" in message


def test_calendar_half_years_map_when_periods_follow_calendar_halves():
    calendar_periods = period_specs(date(2023, 1, 1))
    assert parse_period("2024-S1", calendar_periods) == 3
    assert parse_period("S2 2023", calendar_periods) == 2


def test_a_range_over_two_periods_is_ambiguous():
    with pytest.raises(CellError) as problem:
        parse_period("01.03.2023 - 31.12.2023", PERIODS)
    assert problem.value.code == "ambiguous-period"


@pytest.mark.parametrize("raw", ["P9", "0", "xyz", "2030-01-01", "", None, "2024"])
def test_unknown_periods(raw):
    with pytest.raises(CellError) as problem:
        parse_period(raw, PERIODS)
    assert problem.value.code == "unknown-period"


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  Période   de  Rapport ") == fold("periode de rapport")
    assert fold("Rādītājs") == "raditajs"
    assert fold("Međimurje") == "medimurje"


# --- properties ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _grouped(whole: int, separator: str) -> str:
    return f"{whole:,}".replace(",", separator)


@NO_DEADLINE
@given(amounts, st.sampled_from([" ", "\u00a0", "\u202f", "."]))
def test_comma_decimal_numbers_with_any_grouping_read_back(amount, grouping):
    whole, fraction = divmod(int(amount * 100), 100)
    text = f"{_grouped(whole, grouping)},{fraction:02d}"
    assert parse_number(text).value == pytest.approx(float(amount))


@NO_DEADLINE
@given(amounts)
def test_dot_decimal_numbers_with_comma_grouping_read_back(amount):
    whole, fraction = divmod(int(amount * 100), 100)
    assert parse_number(f"{whole:,}.{fraction:02d}").value == pytest.approx(float(amount))


@NO_DEADLINE
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([" ", "\u00a0", "\u2009"]))
def test_integers_grouped_with_spaces_are_never_ambiguous(number, grouping):
    parsed = parse_number(_grouped(number, grouping))
    assert parsed.value == number and parsed.ambiguous_mark is None


@NO_DEADLINE
@given(st.integers(min_value=1000, max_value=999_999))
def test_a_dot_grouped_thousand_resolves_by_the_files_decimal_mark(number):
    parsed = parse_number(_grouped(number, "."))
    if number < 1_000_000 and parsed.ambiguous_mark:
        assert parsed.resolve(",") == number


@NO_DEADLINE
@given(
    st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda f: round(f, 1)),
    st.sampled_from(["%", " %", "\u00a0%"]),
)
def test_percent_text_keeps_its_number(percent, sign):
    text = f"{percent:g}".replace(".", ",") + sign
    parsed = parse_number(text)
    assert parsed.percent_sign and parsed.value == pytest.approx(percent)


@NO_DEADLINE
@given(
    st.one_of(
        st.text(max_size=20), st.integers(), st.floats(), st.booleans(), st.none(), st.dates()
    )
)
def test_parsers_never_crash(raw):
    for parse in (parse_number, parse_date, lambda value: parse_period(value, PERIODS)):
        with contextlib.suppress(CellError):
            parse(raw)


@NO_DEADLINE
@given(
    st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE),
    st.sampled_from(["{:%d.%m.%Y}", "{:%d/%m/%Y}", "{:%Y-%m-%d}", "{:%d.%m.%Y}."]),
)
def test_written_dates_read_back(day, pattern):
    assert parse_date(pattern.format(day)) == day


@NO_DEADLINE
@given(st.integers(min_value=0, max_value=(PERIODS[-1].end_date - PERIODS[0].start_date).days))
def test_any_date_in_the_project_names_the_period_containing_it(offset):
    day = PERIODS[0].start_date + timedelta(days=offset)
    number = parse_period(f"{day:%d.%m.%Y}", PERIODS)
    period = PERIODS[number - 1]
    assert period.start_date <= day <= period.end_date
    assert parse_period(day, PERIODS) == number


@NO_DEADLINE
@given(
    st.sampled_from(PERIODS),
    st.sampled_from(
        [
            "P{}",
            "{}",
            "S{}",
            "Semester {}",
            "Period {}",
            "Période {}",
            "Perioada {}",
            "Razdoblje {}",
            "{}. periods",
        ]
    ),
)
def test_period_labels_in_five_languages(period, pattern):
    assert parse_period(pattern.format(period.number), PERIODS) == period.number
    span = f"{period.start_date:%d.%m.%Y} - {period.end_date:%d.%m.%Y}"
    assert parse_period(span, PERIODS) == period.number


@pytest.mark.parametrize(
    ("raw", "mark"),
    [
        ("12,5", ","),
        ("1.234,5", ","),
        ("1,234.5", "."),
        ("1.234.567", ","),
        ("1,234,567", "."),
        ("0.5", "."),
    ],
)
def test_numbers_show_the_files_decimal_mark(raw, mark):
    assert parse_number(raw).decimal_mark == mark
