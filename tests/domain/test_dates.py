"""Calendar arithmetic: months clamp to the month's end, ages go by birthday."""
from datetime import date

import pytest

from donorclub.domain.dates import Duration, add_months, age_on, birthday


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2025, 5, 31), 6, date(2025, 11, 30)),
        (date(2025, 5, 31), 3, date(2025, 8, 31)),
        (date(2025, 3, 15), 6, date(2025, 9, 15)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 10, 31), 1, date(2025, 11, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
        (date(2025, 11, 30), 14, date(2027, 1, 30)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("duration", "start", "expected"),
    [
        (Duration(2, "weeks"), date(2025, 5, 5), date(2025, 5, 19)),
        (Duration(56, "days"), date(2025, 1, 1), date(2025, 2, 26)),
        (Duration(1, "years"), date(2024, 2, 29), date(2025, 2, 28)),
        (Duration(6, "months"), date(2025, 8, 31), date(2026, 2, 28)),
    ],
)
def test_duration_after(duration, start, expected):
    assert duration.after(start) == expected


def test_duration_refuses_unknown_units_and_negatives():
    with pytest.raises(ValueError):
        Duration(3, "fortnights")
    with pytest.raises(ValueError):
        Duration(-1, "days")


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2007, 9, 20), date(2025, 9, 19), 17),
        (date(2007, 9, 20), date(2025, 9, 20), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(1968, 3, 3), date(2025, 3, 3), 57),
    ],
)
def test_age_is_whole_years_by_birthday(born, day, age):
    assert age_on(born, day) == age


def test_birthday_of_a_leap_day_baby_falls_on_the_first_of_march():
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert birthday(date(2008, 2, 29), 20) == date(2028, 2, 29)
    assert age_on(date(2008, 2, 29), birthday(date(2008, 2, 29), 18)) == 18
