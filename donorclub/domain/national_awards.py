"""China's national Dedication Award (无偿献血奉献奖): the levels a donor reaches, cycle by cycle.

The award is given by the national authorities every two years; a club only prepares the
nominations. The rules, read from the rule set's [national_award] table [CN-17][CN-19][CN-21]
[CN-22][CN-23]:

- Bronze, silver and the first gold: the first donation that brings the cumulative award count
  to 20, 30 or 40 (or past it) completes the level.
- A later gold: the count starts again with the donation after the one that completed the
  previous gold; the next gold is reached when that fresh count reaches 40. What the completing
  donation added beyond 40 is not carried over, so no donation counts toward two golds.
- Cycles are two calendar years starting on the anchor's parity (2020–2021, 2022–2023, ...); a
  step is nominated in the cycle it was reached in, except that golds take one cycle each: a
  gold reached in the same cycle as the previous gold waits for the next cycle.
- The lifetime honour (终身荣誉奖) follows the third gold, once, in the cycle after that gold's
  cycle and never before the 2020–2021 cycle. A later gold that would share its cycle waits
  for the cycle after.
- A member is nominated once per cycle, for the highest new level of the cycle (bronze and
  silver in one cycle: only silver).

Donations are CountedDonation rows, so their counts already follow the rule set's award counting
(one platelet unit counted 4 before 2010-01-01 [CN-19]). Donations that count nothing are left
out of `donations_counted` and never start a count.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .awards import CountedDonation, exact_count
from .rulesets import NationalAwardRules

__all__ = ["LEVELS", "AwardStep", "NationalAwardRules", "NextLevel", "award_steps",
           "cycle_bounds", "cycle_of", "next_level", "nomination"]

LEVELS = ("bronze", "silver", "gold", "lifetime")  # lowest first


def cycle_of(day: date, rules: NationalAwardRules) -> int:
    """The start year of the cycle that contains `day` [CN-22][CN-23]."""
    cycles = (day.year - rules.cycle_anchor) // rules.cycle_years
    return rules.cycle_anchor + cycles * rules.cycle_years


def cycle_bounds(start_year: int, rules: NationalAwardRules) -> tuple[date, date]:
    """The first and last day of the cycle starting in `start_year` (1 January to 31 December
    of its last year). Raises ValueError when no cycle starts in that year."""
    if cycle_of(date(start_year, 1, 1), rules) != start_year:
        raise ValueError(f"no award cycle starts in {start_year}")
    return date(start_year, 1, 1), date(start_year + rules.cycle_years - 1, 12, 31)


@dataclass(frozen=True)
class AwardStep:
    level: str  # one of LEVELS
    number: int  # 1 for bronze, silver and lifetime; the gold's ordinal (1, 2, 3 ...)
    reached_on: date  # day of the donation that completed the threshold (lifetime: the gold)
    cycle: int  # start year of the cycle it is nominated in
    counted_from: date  # first donation counted for this step
    count: float  # the count that proves it (e.g. 40.5 for a gold; lifetime: the total)
    donations_counted: int  # how many donation rows that count came from


def award_steps(donations: Sequence[CountedDonation], rules: NationalAwardRules
                ) -> list[AwardStep]:
    """Every level the donations reach, in the order reached, each with the cycle it is
    nominated in (see the module docstring for the rules) [CN-17][CN-19][CN-21][CN-22]."""
    return _walk(donations, rules)[0]


@dataclass(frozen=True)
class NextLevel:
    """The level a member is heading for: `remaining` more in the award counting."""

    level: str
    number: int  # the gold's ordinal for golds, else 1
    count: float  # the count toward it so far (after a gold: since that gold)
    threshold: int
    remaining: float


def next_level(donations: Sequence[CountedDonation], rules: NationalAwardRules
               ) -> NextLevel | None:
    """The next Dedication Award level: bronze, silver, the first gold, then each further
    gold counted afresh after the previous one (see the module docstring) [CN-19]. Never None
    in practice (golds repeat); None is kept for rules without levels."""
    steps, total, fresh = _walk(donations, rules)
    reached = {(step.level, step.number) for step in steps}
    for level, threshold in (("bronze", rules.bronze), ("silver", rules.silver)):
        if (level, 1) not in reached:
            return NextLevel(level, 1, float(total), threshold, float(threshold - total))
    golds = sum(1 for step in steps if step.level == "gold")
    count = total if golds == 0 else fresh
    return NextLevel("gold", golds + 1, float(count), rules.gold, float(rules.gold - count))


def _walk(donations: Sequence[CountedDonation], rules: NationalAwardRules
          ) -> tuple[list[AwardStep], Fraction, Fraction]:
    """The steps reached, the total count and the fresh count since the last gold."""
    counted = [d for d in sorted(donations, key=lambda d: d.on) if d.count > 0]
    steps: list[AwardStep] = []
    if not counted:
        return steps, Fraction(0), Fraction(0)
    first_day = counted[0].on
    pending = [("bronze", rules.bronze), ("silver", rules.silver)]
    total, rows = Fraction(0), 0
    fresh, fresh_rows, fresh_from = Fraction(0), 0, first_day
    golds, gold_cycle, lifetime_cycle = 0, None, None
    for donation in counted:
        amount = exact_count(donation.count)
        total, rows = total + amount, rows + 1
        while pending and total >= pending[0][1]:
            level, _ = pending.pop(0)
            steps.append(AwardStep(level, 1, donation.on, cycle_of(donation.on, rules),
                                   first_day, float(total), rows))
        if fresh_rows == 0:
            fresh_from = donation.on
        fresh, fresh_rows = fresh + amount, fresh_rows + 1
        if fresh < rules.gold:
            continue
        golds += 1
        cycle = cycle_of(donation.on, rules)
        if gold_cycle is not None:
            cycle = max(cycle, gold_cycle + rules.cycle_years)
        if cycle == lifetime_cycle:
            cycle += rules.cycle_years
        gold_cycle = cycle
        steps.append(AwardStep("gold", golds, donation.on, cycle, fresh_from, float(fresh),
                               fresh_rows))
        if golds == rules.lifetime_golds:
            lifetime_cycle = max(cycle + rules.cycle_years, rules.lifetime_first_cycle)
            steps.append(AwardStep("lifetime", 1, donation.on, lifetime_cycle, first_day,
                                   float(total), rows))
        fresh, fresh_rows = Fraction(0), 0
    return steps, total, fresh


def nomination(donations: Sequence[CountedDonation], rules: NationalAwardRules, cycle: int
               ) -> AwardStep | None:
    """The one step to nominate the member for in the cycle starting in `cycle`: the highest
    level first reached (or deferred) into that cycle, or None. Raises ValueError when no
    cycle starts in that year."""
    cycle_bounds(cycle, rules)
    in_cycle = [step for step in award_steps(donations, rules) if step.cycle == cycle]
    return max(in_cycle, key=lambda step: LEVELS.index(step.level), default=None)
