"""Calendar arithmetic of the rules: months clamp to the month's end, ages go by birthday."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UNITS = ("years", "months", "weeks", "days")


# The engine asks for the same few hundred days plus a window or an interval for every member
# of a club; the answers are immutable dates, so they are remembered.
@lru_cache(maxsize=8192)
def add_months(day: date, months: int) -> date:
    """Calendar months later, the day clamped to the month's end (2026-08-31 + 6 = 2027-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, order=True)
class Duration:
    """An amount in one unit, kept as written so months stay calendar months."""

    amount: int
    unit: str  # one of UNITS

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.amount < 0:
            raise ValueError("a duration cannot be negative")

    def after(self, day: date) -> date:
        """This long after `day`: months and years by the calendar, weeks and days exactly."""
        if self.unit == "years":
            return add_months(day, 12 * self.amount)
        if self.unit == "months":
            return add_months(day, self.amount)
        if self.unit == "weeks":
            return day + timedelta(weeks=self.amount)
        return day + timedelta(days=self.amount)

    def describe(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years on `day`; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def birthday(date_of_birth: date, age: int) -> date:
    """The first day on which the person is `age` years old."""
    year = date_of_birth.year + age
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return date(year, 3, 1)


def zone_named(name: str) -> tzinfo | None:
    """The IANA time zone of that name (a club's), or None when Python does not know it, so a
    scheduled run can carry on in UTC instead of failing."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
