"""Club recognition: what donations are worth toward awards, milestone plans, earned milestones."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from .eligibility import DonationFact
from .rulesets import MILESTONE_CATEGORIES, AwardCount, RuleSet, threshold_problem

CATEGORIES = MILESTONE_CATEGORIES


def _worth(donation: DonationFact, rule: AwardCount | None) -> Fraction:
    if rule is None:
        return Fraction(0)
    amount = Fraction(rule.amount)
    if rule.before is not None and donation.on < rule.before:
        amount = Fraction(rule.amount_before)
    if rule.per == "ml":
        return donation.volume_ml / amount
    if rule.per == "unit":
        return (donation.units or 1) * amount
    return amount


def exact_count(value: float) -> Fraction:
    """A count back as the fraction it came from: counts are quotients of small whole numbers
    (300 ml / 200 = 3/2), so summing these is exact where floats would drift."""
    return Fraction(value).limit_denominator(1_000_000)


def award_count(donations: Iterable[DonationFact], rule_set: RuleSet) -> float:
    """The donations' worth toward awards (China: 200 ml of whole blood counts 1, one platelet
    unit 1, or 4 before 2010 [CN-19]; US: one per pint [US-25]; UK: NHSBT credits [UK-12]).
    Kinds the rule set does not count add nothing. `donations` must leave out voided ones."""
    counting = rule_set.award_counting
    if counting is None:
        return 0.0
    return float(sum((_worth(d, counting.kinds.get(d.kind)) for d in donations), Fraction(0)))


@dataclass(frozen=True)
class CountedDonation:
    """One non-voided donation with its worth toward awards."""

    on: date
    kind: str
    volume_ml: int
    units: int | None
    count: float


def counted_donations(donations: Iterable[DonationFact], rule_set: RuleSet
                      ) -> list[CountedDonation]:
    """The donations by date (same-day ones keep their order), each with its award count
    under the rule set (0 for kinds it does not count, or when it counts nothing)."""
    kinds = rule_set.award_counting.kinds if rule_set.award_counting else {}
    return [CountedDonation(on=d.on, kind=d.kind, volume_ml=d.volume_ml, units=d.units,
                            count=float(_worth(d, kinds.get(d.kind))))
            for d in sorted(donations, key=lambda d: d.on)]


# --- milestone plans -----------------------------------------------------------------------

@dataclass(frozen=True)
class Milestone:
    category: str
    threshold: int

    @property
    def code(self) -> str:
        """Stable award code stored with certificates, e.g. "donations-40"."""
        return f"{self.category}-{self.threshold}"


def parse_award_code(code: str) -> Milestone:
    """The milestone an award code names; raises ValueError for anything else."""
    category, _, threshold = code.rpartition("-")
    if (category not in CATEGORIES or not threshold.isascii() or not threshold.isdigit()
            or threshold != str(int(threshold)) or int(threshold) == 0):
        raise ValueError(f"not an award code: {code!r}")
    return Milestone(category, int(threshold))


class InvalidPlan(ValueError):
    """Milestone thresholds that cannot be used; `problems` maps each category to a code."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{key}: {code}" for key, code in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class MilestonePlan:
    """The thresholds a club uses, per category (ascending); `gallon` is the number of
    donations per gallon where donation milestones are gallon pins [US-25]."""

    donations: tuple[int, ...] = ()
    whole_blood_ml: tuple[int, ...] = ()
    listed_referrals: tuple[int, ...] = ()
    marrow_donations: tuple[int, ...] = ()
    volunteer_hours: tuple[int, ...] = ()
    gallon: int | None = None

    def milestones(self) -> list[Milestone]:
        return [Milestone(category, threshold)
                for category in CATEGORIES for threshold in getattr(self, category)]


def default_plan(rule_set: RuleSet) -> MilestonePlan:
    """The rule set's default milestones ([milestones] in its TOML); a rule set without them
    gives an empty plan."""
    steps = rule_set.milestones
    return MilestonePlan(
        **{c: steps[c].thresholds if c in steps else () for c in CATEGORIES},
        gallon=steps["donations"].gallon if "donations" in steps else None)


def plan_from_mapping(data: Mapping[str, Any], base: MilestonePlan) -> MilestonePlan:
    """A club's saved plan ({"donations": [1, 5, ...], ...}) over `base`: categories missing
    from `data` keep base's; `gallon` always comes from base. Raises InvalidPlan naming every
    bad category (`unknown_category` or a code from `threshold_problem`)."""
    if not isinstance(data, Mapping):
        raise InvalidPlan({"plan": "not_a_mapping"})
    problems = {}
    for key, values in data.items():
        problem = "unknown_category" if key not in CATEGORIES else threshold_problem(values)
        if problem:
            problems[str(key)] = problem
    if problems:
        raise InvalidPlan(problems)
    chosen = {c: tuple(data[c]) if c in data else getattr(base, c) for c in CATEGORIES}
    return MilestonePlan(**chosen, gallon=base.gallon)


def plan_to_mapping(plan: MilestonePlan) -> dict[str, list[int]]:
    """The plan as JSON-ready lists, the inverse of plan_from_mapping (gallon left out)."""
    return {category: list(getattr(plan, category)) for category in CATEGORIES}


_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_thresholds(text: str) -> tuple[int, ...]:
    """Thresholds typed in a form: "1, 5, 10 20" (commas, spaces, or the full-width ，、) ->
    (1, 5, 10, 20); blank text is no thresholds. Raises InvalidPlan({"thresholds": code})."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not all(t.isdecimal() for t in tokens):
        raise InvalidPlan({"thresholds": "not_integer"})
    values = tuple(int(t) for t in tokens)
    problem = threshold_problem(values)
    if problem:
        raise InvalidPlan({"thresholds": problem})
    return values


# --- what a member has earned --------------------------------------------------------------

@dataclass(frozen=True)
class RecognitionFacts:
    """Everything a member's recognition is computed from."""

    donations: tuple[CountedDonation, ...] = ()
    listed_referrals: tuple[date, ...] = ()  # day each referral they made first reached "listed"
    marrow_donations: tuple[date, ...] = ()  # days the member themself donated marrow/stem cells
    volunteer_hours: tuple[tuple[date, float], ...] = ()


@dataclass(frozen=True)
class Figures:
    """A member's totals on a day (inclusive)."""

    count: float  # award count
    donations: int  # number of donation rows
    whole_blood_ml: int
    total_ml: int
    listed_referrals: int
    marrow_donations: int
    volunteer_hours: float


def figures_on(facts: RecognitionFacts, day: date) -> Figures:
    """The member's totals counting everything on or before `day`."""
    given = [d for d in facts.donations if d.on <= day]
    return Figures(
        count=float(sum((exact_count(d.count) for d in given), Fraction(0))),
        donations=len(given),
        whole_blood_ml=sum(d.volume_ml for d in given if d.kind == "whole_blood"),
        total_ml=sum(d.volume_ml for d in given),
        listed_referrals=sum(1 for on in facts.listed_referrals if on <= day),
        marrow_donations=sum(1 for on in facts.marrow_donations if on <= day),
        volunteer_hours=float(sum((exact_count(h) for on, h in facts.volunteer_hours if on <= day),
                                  Fraction(0))),
    )


def _events(facts: RecognitionFacts, category: str) -> list[tuple[date, Fraction]]:
    """What each dated fact adds to the category's running value, in date order."""
    if category == "donations":
        events = [(d.on, exact_count(d.count)) for d in facts.donations]
    elif category == "whole_blood_ml":
        events = [(d.on, Fraction(d.volume_ml)) for d in facts.donations
                  if d.kind == "whole_blood"]
    elif category == "volunteer_hours":
        events = [(on, exact_count(hours)) for on, hours in facts.volunteer_hours]
    else:
        events = [(on, Fraction(1)) for on in getattr(facts, category)]
    return sorted(events, key=lambda event: event[0])


@dataclass(frozen=True)
class EarnedMilestone:
    milestone: Milestone
    reached_on: date  # the day of the donation / referral / service that crossed it
    figures: Figures  # figures_on(reached_on)


def earned_milestones(facts: RecognitionFacts, plan: MilestonePlan, on: date
                      ) -> list[EarnedMilestone]:
    """Every milestone of the plan reached on or before `on`, by day reached, then category
    order, then threshold. A threshold is reached by the fact that brings the running value to
    it or past it (39 + 2 = 41 reaches 40); counts add exactly, so 39.5 + 0.5 reaches 40."""
    earned = []
    for rank, category in enumerate(CATEGORIES):
        thresholds = iter(getattr(plan, category))
        pending = next(thresholds, None)
        running = Fraction(0)
        for day, amount in _events(facts, category):
            if day > on:
                break
            running += amount
            while pending is not None and running >= pending:
                earned.append((day, rank, Milestone(category, pending)))
                pending = next(thresholds, None)
    earned.sort(key=lambda item: (item[0], item[1], item[2].threshold))
    return [EarnedMilestone(milestone, day, figures_on(facts, day))
            for day, _, milestone in earned]


@dataclass(frozen=True)
class Progress:
    category: str
    current: float
    next: Milestone | None  # None when every threshold is reached or there are none
    remaining: float | None  # how far `next` is, in the category's unit


def progress(facts: RecognitionFacts, plan: MilestonePlan, on: date) -> list[Progress]:
    """Per category (in CATEGORIES order) the value on `on`, the next unreached milestone and
    how far away it is ("3 more donations")."""
    rows = []
    for category in CATEGORIES:
        current = sum((amount for day, amount in _events(facts, category) if day <= on),
                      Fraction(0))
        upcoming = next((t for t in getattr(plan, category) if t > current), None)
        rows.append(Progress(
            category=category, current=float(current),
            next=None if upcoming is None else Milestone(category, upcoming),
            remaining=None if upcoming is None else float(upcoming - current)))
    return rows
