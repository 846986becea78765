from datetime import date

from models import period_specs
from models.period import add_months


def test_periods_follow_the_programme_rules_from_the_default_start():
    specs = period_specs(date(2023, 3, 1))
    assert [s.label for s in specs] == [f"P{n}" for n in range(1, 9)]
    assert (specs[0].start_date, specs[0].end_date, specs[0].due_date) == (
        date(2023, 3, 1),
        date(2023, 8, 31),
        date(2023, 11, 30),
    )
    assert specs[1].end_date == date(2024, 2, 29)  # leap year
    assert [s.phase for s in specs] == ["core"] * 6 + ["follow-up"] * 2
    assert (specs[7].start_date, specs[7].end_date) == (date(2026, 9, 1), date(2027, 5, 31))


def test_periods_are_contiguous_and_only_the_last_one_runs_nine_months():
    for start in (date(2023, 1, 1), date(2024, 1, 31), date(2022, 8, 15)):
        specs = period_specs(start)
        for earlier, later in zip(specs, specs[1:], strict=False):
            assert (later.start_date - earlier.end_date).days == 1
        assert specs[0].start_date == start
        assert (
            add_months(specs[-1].start_date, 9)
            > specs[-1].end_date
            >= add_months(specs[-1].start_date, 8)
        )


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)
