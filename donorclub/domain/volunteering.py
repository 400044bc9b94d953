"""Volunteer service: what a valid entry of hours is, and the star levels hours earn."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_HOURS_PER_DAY = Decimal(24)
HOUR_STEP = Decimal("0.25")  # hours are kept in quarter hours


@dataclass(frozen=True)
class StarLevel:
    """A recognition level reached at `hours` of service; `source` names the rule's reference."""

    level: int
    hours: int
    source: str


# China's volunteer-service award, newer edition (blood and HSC volunteering): one to five
# stars at 100/300/600/1000/1500 hours [CN-24]. The 2009 edition's 120-hour steps [CN-17] are
# superseded. The lifetime award (>10 years and >2000 h, or >3000 h) is not a star level.
CN_STAR_LEVELS: tuple[StarLevel, ...] = tuple(
    StarLevel(level, hours, "[CN-24]")
    for level, hours in enumerate((100, 300, 600, 1000, 1500), start=1)
)

# Star levels per rule-set code; a rule set not listed has none, so only hours are shown.
STAR_LEVELS: dict[str, tuple[StarLevel, ...]] = {
    "cn": CN_STAR_LEVELS,
    "cn-draft-2025": CN_STAR_LEVELS,
}


def levels_for(rule_set_code: str) -> tuple[StarLevel, ...]:
    """The star levels of a rule set; empty when it has none."""
    return STAR_LEVELS.get(rule_set_code, ())


def star_level(hours: float, levels: Sequence[StarLevel]) -> tuple[int, int | None]:
    """(level reached, hours needed for the next level): level 0 before the first threshold;
    the next threshold is None at the top level or when there are no levels. A threshold is
    reached at exactly its hours (100 h is one star) [CN-24]."""
    reached, upcoming = 0, None
    for step in sorted(levels, key=lambda s: s.hours):
        if hours >= step.hours:
            reached = step.level
        elif upcoming is None:
            upcoming = step.hours
    return reached, upcoming


def hours_problem(hours: Decimal | float | str | None) -> str | None:
    """None when `hours` can be recorded for one day of service, else a code: `missing`,
    `not_a_number`, `not_positive`, `over_a_day` (more than 24) or `not_quarter` (not a whole
    number of quarter hours, which also rules out more than two decimals)."""
    if hours is None or hours == "":
        return "missing"
    try:
        value = Decimal(str(hours))
    except InvalidOperation:
        return "not_a_number"
    if not value.is_finite():
        return "not_a_number"
    if value <= 0:
        return "not_positive"
    if value > MAX_HOURS_PER_DAY:
        return "over_a_day"
    if value % HOUR_STEP != 0:
        return "not_quarter"
    return None
