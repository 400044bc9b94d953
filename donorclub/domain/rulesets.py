"""Rule sets: the numbers each club's donation rules use, read from TOML files with their sources.

A rule set file names the donation kinds it allows, a from-kind to-kind interval for every pair,
caps over rolling or calendar windows, age and weight limits (per sex, optionally per kind), a
catalogue of common deferral reasons, how donations count toward awards, the default club
milestones and, for China, the national Dedication Award. Every number carries source tags that
[sources] expands.
`load_rule_sets` reads a folder (plus extra folders, such as an installation's own) and rejects
any malformed file with an error naming the file and the problem.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from .dates import Duration
from .enums import DonationKind, Sex

BUILTIN_DIR = Path(__file__).with_name("rulesets")
WINDOWS = ("rolling_12_months", "rolling_1_month", "calendar_year")
SEXES = tuple(s.value for s in Sex)
KINDS = tuple(k.value for k in DonationKind)
MILESTONE_CATEGORIES = ("donations", "whole_blood_ml", "listed_referrals", "marrow_donations",
                        "volunteer_hours")
MAX_MILESTONE_STEPS = 30


def threshold_problem(values: object) -> str | None:
    """None when `values` is a usable list of milestone thresholds (whole numbers above zero,
    strictly ascending, at most MAX_MILESTONE_STEPS; empty switches the category off), else a
    code: `not_a_list`, `not_integer`, `not_positive`, `not_ascending` (also for a threshold
    given twice) or `too_many`."""
    if not isinstance(values, list | tuple):
        return "not_a_list"
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        return "not_integer"
    if any(v <= 0 for v in values):
        return "not_positive"
    if any(a >= b for a, b in zip(values, values[1:], strict=False)):
        return "not_ascending"
    if len(values) > MAX_MILESTONE_STEPS:
        return "too_many"
    return None


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Sourced:
    sources: tuple[str, ...]
    # Set where the number is not confirmed by a source: what was chosen and why.
    unconfirmed: str = ""
    unconfirmed_zh: str = ""  # the same note in Chinese; empty: show the English one


@dataclass(frozen=True)
class IntervalRule(Sourced):
    from_kind: str = ""
    to_kind: str = ""
    by_sex: dict[str, Duration] = field(default_factory=dict)

    def for_sex(self, sex: str) -> Duration:
        return self.by_sex[sex]


@dataclass(frozen=True)
class CapRule(Sourced):
    code: str = ""
    kinds: frozenset[str] = frozenset()
    window: str = "rolling_12_months"
    max_count: dict[str, int] | None = None  # per sex
    max_volume_ml: dict[str, int] | None = None  # per sex


@dataclass(frozen=True)
class AgeRule(Sourced):
    min_age: dict[str, int] = field(default_factory=dict)  # per sex
    max_first_time: int | None = None  # None: no upper limit
    max_repeat: int | None = None


@dataclass(frozen=True)
class WeightRule(Sourced):
    min_kg: dict[str, float] | None = None  # per sex; None: no minimum


@dataclass(frozen=True)
class KindRule(Sourced):
    kind: str = ""
    volumes_ml: tuple[int, ...] | None = None  # the only volumes allowed, if listed
    min_volume_ml: int | None = None
    max_volume_ml: int | None = None
    default_volume_ml: int = 0
    units: tuple[int, ...] | None = None  # therapeutic units allowed (apheresis)
    default_units: int | None = None
    age: AgeRule | None = None  # overrides the rule set's age limits for this kind
    weight: WeightRule | None = None


@dataclass(frozen=True)
class DeferralReason(Sourced):
    code: str = ""
    label: str = ""
    label_zh: str = ""
    duration: Duration | None = None  # None: indefinite
    kinds: frozenset[str] | None = None  # None: every kind

    def ends_on(self, starts_on: date) -> date | None:
        """The first day the member may donate again, or None when indefinite."""
        return None if self.duration is None else self.duration.after(starts_on)


@dataclass(frozen=True)
class AwardCount:
    """How one kind counts toward recognition: per donation, per ml or per therapeutic unit."""

    per: str  # "donation" | "ml" | "unit"
    amount: float
    before: date | None = None  # donations before this day count `amount_before` instead
    amount_before: float | None = None


@dataclass(frozen=True)
class AwardCounting(Sourced):
    kinds: dict[str, AwardCount] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class MilestoneSteps(Sourced):
    """A rule set's default thresholds for one milestone category."""

    category: str
    thresholds: tuple[int, ...]
    gallon: int | None = None  # donations: donations per gallon, where pins count gallons


@dataclass(frozen=True, kw_only=True)
class NationalAwardRules(Sourced):
    """China's Unpaid Blood Donation Dedication Award (无偿献血奉献奖): the award counts of
    each level, the lifetime honour and the two-year cycles [CN-17][CN-19][CN-21][CN-22]."""

    bronze: int
    silver: int
    gold: int
    lifetime_golds: int  # golds needed for the lifetime honour (终身荣誉奖)
    lifetime_first_cycle: int  # the first cycle (its start year) the honour is given in
    cycle_years: int
    cycle_anchor: int  # a year in which a cycle starts


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    name_zh: str
    in_force: bool
    effective_from: date | None
    summary: str
    kinds: tuple[str, ...]
    kind_rules: dict[str, KindRule]
    intervals: dict[tuple[str, str], IntervalRule]
    caps: tuple[CapRule, ...]
    age: AgeRule
    weight: WeightRule
    deferral_reasons: dict[str, DeferralReason]
    sources: dict[str, str]
    path: str = ""
    summary_zh: str = ""  # the summary in Chinese; empty: show the English one
    award_counting: AwardCounting | None = None
    milestones: dict[str, MilestoneSteps] = field(default_factory=dict)  # by category
    national_award: NationalAwardRules | None = None

    def interval(self, from_kind: str, to_kind: str, sex: str) -> Duration | None:
        """The wait from a donation of one kind to the next of another; None when the earlier
        kind is not one this rule set knows (imported history), so it imposes nothing."""
        rule = self.intervals.get((from_kind, to_kind))
        return None if rule is None else rule.for_sex(sex)

    def age_rule(self, kind: str) -> AgeRule:
        return self.kind_rules[kind].age or self.age

    def weight_rule(self, kind: str) -> WeightRule:
        return self.kind_rules[kind].weight or self.weight

    def waits_before(self, kind: str, sex: str) -> Mapping[str, Duration]:
        """`interval(from_kind, kind, sex)` for every from-kind this rule set knows, at once:
        the engine asks for every member, so the table is built once per rule set."""
        return self._waits_by_target.get((kind, sex), {})

    def caps_for(self, kind: str) -> tuple[CapRule, ...]:
        """The caps that count donations of `kind`, in file order (built once per rule set)."""
        return self._caps_by_kind.get(kind, ())

    @cached_property
    def _waits_by_target(self) -> dict[tuple[str, str], dict[str, Duration]]:
        table: dict[tuple[str, str], dict[str, Duration]] = {}
        for (from_kind, to_kind), rule in self.intervals.items():
            for sex, wait in rule.by_sex.items():
                table.setdefault((to_kind, sex), {})[from_kind] = wait
        return table

    @cached_property
    def _caps_by_kind(self) -> dict[str, tuple[CapRule, ...]]:
        kinds = {kind for cap in self.caps for kind in cap.kinds}
        return {kind: tuple(cap for cap in self.caps if kind in cap.kinds) for kind in kinds}


# Reading and checking files lives in its own modules; these names are re-exported so callers
# import everything about rule sets from here.
from .ruleset_files import load_rule_set_file, load_rule_sets  # noqa: E402,F401
