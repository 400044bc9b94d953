"""When a donor may give next, per donation kind, under a rule set.

`evaluate(donor, donations, deferrals, rule_set, on)` answers for every kind the rule set allows:
eligible on `on`, the first day allowed (`next_date`, None when never) and the reasons, each
with the day it clears. The semantics are fixed in docs/rules.md and ELIGIBILITY_EXAMPLES.md:

- intervals run from the kind of each earlier donation to the kind asked about; months are
  calendar months clamped to the month's end, weeks and days exact;
- a cap over a rolling window of M months counts the donations d with day < d + M months, so
  the N-th most recent donation plus M months frees a slot; a calendar-year cap counts the
  donations of that year; the donation being asked about counts too (one more, and its volume);
- ages are whole years by birthday; the upper limit for first-time donors applies until the
  donor has an earlier donation, then the repeat-donor limit;
- a deferral's end date is the first day allowed again; no end date blocks for good;
- the constraints combine: `next_date` is the first day on which none of them blocks, found by
  moving forward to the latest day any of them gives until all agree; past the maximum age
  (or under the minimum weight) the answer is never.

Only donations on or before the day asked about are considered (donations are history).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import Duration, add_months, age_on, birthday
from .rulesets import AgeRule, CapRule, RuleSet

REASON_CODES = (
    "interval", "annual_cap", "volume_cap", "deferral", "permanent_deferral", "age_min",
    "age_max", "weight", "weight_unknown",
)
CHECK_CODES = ("kind_not_allowed", "volume_not_allowed", "units_not_allowed", "interval_later")
_WINDOW_MONTHS = {"rolling_12_months": 12, "rolling_1_month": 1}


@dataclass(frozen=True)
class Donor:
    sex: str  # "female" | "male"
    date_of_birth: date
    weight_kg: float | None = None


@dataclass(frozen=True)
class DonationFact:
    kind: str
    on: date
    volume_ml: int
    units: int | None = None


@dataclass(frozen=True)
class DeferralFact:
    starts_on: date
    ends_on: date | None  # the first day allowed again; None = indefinite
    kinds: frozenset[str] | None = None  # None = every kind
    reason_code: str = ""

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def blocks(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


@dataclass(frozen=True)
class Reason:
    """Why a kind is not allowed (or, when `blocking` is false, something to check)."""

    code: str
    clears_on: date | None  # None: never clears by waiting
    detail: dict = field(default_factory=dict, compare=False, hash=False)
    blocking: bool = True


@dataclass(frozen=True)
class KindEligibility:
    kind: str
    eligible: bool
    next_date: date | None
    reasons: tuple[Reason, ...]

    def days_to_go(self, on: date) -> int | None:
        return None if self.next_date is None else (self.next_date - on).days


@dataclass(frozen=True)
class Eligibility:
    on: date
    rule_set: str
    kinds: dict[str, KindEligibility]

    def __getitem__(self, kind: str) -> KindEligibility:
        return self.kinds[kind]


def evaluate(donor: Donor, donations: Iterable[DonationFact], deferrals: Iterable[DeferralFact],
             rule_set: RuleSet, on: date) -> Eligibility:
    """Eligibility for every kind the rule set allows, on the day `on`.

    `donations` must leave out voided ones. Sources of every number: the rule-set file.
    """
    history = _history(donations, on)
    deferrals = tuple(deferrals)
    return Eligibility(on, rule_set.code, {
        kind: _evaluate_kind(donor, history, deferrals, rule_set, kind, on,
                             rule_set.kind_rules[kind].default_volume_ml)
        for kind in rule_set.kinds
    })


def evaluate_kind(donor: Donor, donations: Iterable[DonationFact],
                  deferrals: Iterable[DeferralFact], rule_set: RuleSet, kind: str, on: date
                  ) -> KindEligibility:
    """`evaluate(...)[kind]` without working out the other kinds: for lists that ask about one.

    Raises KeyError for a kind the rule set does not allow, as `evaluate(...)[kind]` does.
    """
    if kind not in rule_set.kinds:
        raise KeyError(kind)
    return _evaluate_kind(donor, _history(donations, on), tuple(deferrals), rule_set, kind, on,
                          rule_set.kind_rules[kind].default_volume_ml)


def history_cutoff(rule_set: RuleSet, on: date) -> date:
    """A day before which no donation can weigh on an answer for `on` or any later day, except
    through the age limit's question "has the donor given before?".

    No interval or rolling window of the rule set reaches from before the cutoff to `on`
    (a month counts as 31 days, a year as 366, so the bound errs early), and a calendar-year
    cap never looks back more than 366 days.
    """
    longest = max(366, *(31 * months for months in _WINDOW_MONTHS.values()),
                  *(_days_at_most(wait) for rule in rule_set.intervals.values()
                    for wait in rule.by_sex.values()))
    return on - timedelta(days=longest)


def trimmed_history(donations: Iterable[DonationFact], cutoff: date) -> list[DonationFact]:
    """The donations an answer on `on` (or later) depends on, given `history_cutoff(rule_set,
    on)` or any earlier day: those from the cutoff on, and the latest one before it, which
    keeps the donor a repeat donor. `evaluate` and `evaluate_kind` answer the same for them
    as for the whole history (tested by hypothesis), so lists over a whole club can load years
    less of it."""
    kept, latest_before = [], None
    for donation in donations:
        if donation.on >= cutoff:
            kept.append(donation)
        elif latest_before is None or donation.on > latest_before.on:
            latest_before = donation
    return kept if latest_before is None else [latest_before, *kept]


def _days_at_most(wait: Duration) -> int:
    per_unit = {"days": 1, "weeks": 7, "months": 31, "years": 366}
    return wait.amount * per_unit[wait.unit]


def _history(donations: Iterable[DonationFact], on: date) -> list[DonationFact]:
    """The donations up to `on`, oldest first."""
    return sorted((d for d in donations if d.on <= on), key=lambda d: d.on)


def check_donation(donor: Donor, donations: Iterable[DonationFact],
                   deferrals: Iterable[DeferralFact], rule_set: RuleSet, donation: DonationFact
                   ) -> list[Reason]:
    """Reasons a new donation may not be recorded (empty when it may).

    Beyond `evaluate` on the donation's day (with its real volume), the kind, volume and units
    must be ones the rule set allows, and the donation may not come too soon before a donation
    already recorded after it (history entered out of order).
    """
    kind = donation.kind
    if kind not in rule_set.kinds:
        return [Reason("kind_not_allowed", None, {"kind": kind})]
    problems = _shape_problems(rule_set, donation)
    donations = list(donations)
    history = sorted((d for d in donations if d.on <= donation.on), key=lambda d: d.on)
    result = _evaluate_kind(donor, history, tuple(deferrals), rule_set, kind, donation.on,
                            donation.volume_ml)
    if not result.eligible:
        problems.extend(r for r in result.reasons if r.blocking)
    for later in (d for d in donations if d.on > donation.on):
        interval = rule_set.interval(kind, later.kind, donor.sex)
        if interval is not None and later.on < interval.after(donation.on):
            problems.append(Reason("interval_later", None, {
                "later_kind": later.kind, "later_on": later.on, "interval": interval}))
    return problems


def _shape_problems(rule_set: RuleSet, donation: DonationFact) -> list[Reason]:
    rule = rule_set.kind_rules[donation.kind]
    problems = []
    volume = donation.volume_ml
    if rule.volumes_ml is not None and volume not in rule.volumes_ml:
        problems.append(Reason("volume_not_allowed", None, {"allowed": rule.volumes_ml}))
    elif rule.min_volume_ml is not None and not rule.min_volume_ml <= volume <= rule.max_volume_ml:
        problems.append(Reason("volume_not_allowed", None, {
            "min": rule.min_volume_ml, "max": rule.max_volume_ml}))
    if rule.units is not None and donation.units not in rule.units:
        problems.append(Reason("units_not_allowed", None, {"allowed": rule.units}))
    return problems


def _evaluate_kind(donor: Donor, history: Sequence[DonationFact],
                   deferrals: Sequence[DeferralFact], rule_set: RuleSet, kind: str, on: date,
                   planned_volume_ml: int) -> KindEligibility:
    """The answer for one kind. `history` is the donations up to `on`, oldest first, and the
    days tried only move forward from `on`: the helpers below rely on both."""
    notes: list[Reason] = []
    weight = rule_set.weight_rule(kind)
    if weight.min_kg is not None:
        minimum = weight.min_kg[donor.sex]
        if donor.weight_kg is None:
            notes.append(Reason("weight_unknown", None, {"min_kg": minimum}, blocking=False))
        elif donor.weight_kg < minimum:
            reason = Reason("weight", None, {"min_kg": minimum, "weight_kg": donor.weight_kg})
            return KindEligibility(kind, False, None, (reason, *notes))

    interval_reason = _interval_reason(history, rule_set.waits_before(kind, donor.sex), on)
    caps = _binding_caps(rule_set.caps_for(kind), history, donor.sex, planned_volume_ml)
    applicable = [d for d in deferrals if d.applies_to(kind)]
    age = rule_set.age_rule(kind)
    min_age = age.min_age[donor.sex]
    adult_on = birthday(donor.date_of_birth, min_age)

    found: dict[tuple, Reason] = {}
    day = on
    while True:
        blocking = []
        if interval_reason is not None and day < interval_reason.clears_on:
            blocking.append(interval_reason)
        if day < adult_on:
            blocking.append(Reason("age_min", adult_on, {"min_age": min_age}))
        if applicable:
            blocking.extend(_deferral_reasons(applicable, day))
        if caps:
            blocking.extend(_cap_reasons(caps, donor.sex, day, planned_volume_ml))
        too_old = _age_max_reason(donor, history, age, day)
        if too_old is not None:
            blocking.append(too_old)
        if not blocking:
            next_date = day
            break
        for reason in blocking:
            found.setdefault((reason.code, _key(reason)), reason)
        clears = [reason.clears_on for reason in blocking]
        if None in clears:
            next_date = None
            break
        day = max(clears)

    reasons = sorted(found.values(), key=lambda r: (r.clears_on is None, r.clears_on or on))
    return KindEligibility(kind, next_date == on, next_date, (*reasons, *notes))


def _key(reason: Reason) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in reason.detail.items()))


def _interval_reason(history: Sequence[DonationFact], waits: Mapping[str, Duration], on: date
                     ) -> Reason | None:
    """The earlier donation whose interval to the kind asked about (`waits`, by the earlier
    kind; a kind missing there imposes nothing) ends last, the first of equals; None when no
    interval runs past `on`, as the engine only asks about `on` and later days."""
    latest: tuple[date, DonationFact, Duration] | None = None
    for donation in history:
        wait = waits.get(donation.kind)
        if wait is None:
            continue
        clears = wait.after(donation.on)
        if latest is None or clears > latest[0]:
            latest = (clears, donation, wait)
    if latest is None or latest[0] <= on:
        return None
    clears, donation, wait = latest
    return Reason("interval", clears, {"from_kind": donation.kind, "last_on": donation.on,
                                       "interval": wait})


def _deferral_reasons(deferrals: Sequence[DeferralFact], day: date) -> list[Reason]:
    return [
        Reason("permanent_deferral" if d.ends_on is None else "deferral", d.ends_on,
               {"reason_code": d.reason_code, "starts_on": d.starts_on})
        for d in deferrals if d.blocks(day)
    ]


def _age_max_reason(donor: Donor, history: Sequence[DonationFact], age: AgeRule, day: date
                    ) -> Reason | None:
    # The history is oldest first: the donor has given before `day` when the first donation is.
    repeat = bool(history) and history[0].on < day
    limit = age.max_repeat if repeat else age.max_first_time
    if limit is not None and age_on(donor.date_of_birth, day) > limit:
        return Reason("age_max", None, {"max_age": limit, "repeat_donor": repeat})
    return None


# A cap's counted donations, each with the first day it no longer weighs on the cap.
_Weighing = list[tuple[DonationFact, date]]


def _weighing(cap: CapRule, history: Sequence[DonationFact]) -> _Weighing:
    """The donations `cap` counts, each with the day its window ends: its day plus the window's
    months, or 1 January after it for a calendar-year cap. The engine only asks about days on
    or after every donation in the history, and on those "before the year after" is the same
    as "in the same year"."""
    if cap.window == "calendar_year":
        return [(d, date(d.on.year + 1, 1, 1)) for d in history if d.kind in cap.kinds]
    months = _WINDOW_MONTHS[cap.window]
    return [(d, add_months(d.on, months)) for d in history if d.kind in cap.kinds]


def _binding_caps(caps: Sequence[CapRule], history: Sequence[DonationFact], sex: str,
                  planned_volume_ml: int) -> list[tuple[CapRule, _Weighing]]:
    """The caps that may block on some day from `on` on, each with its counted donations and
    their window ends (worked out once, not for every day the loop tries). Counted donations
    only stop weighing as the days pass, so a cap that fits one more donation even with all of
    them counted never blocks (volumes are never negative)."""
    binding = []
    for cap in caps:
        weighing = _weighing(cap, history)
        if not _fits(cap, [d for d, _ in weighing], sex, planned_volume_ml):
            binding.append((cap, weighing))
    return binding


def _cap_reasons(caps: Sequence[tuple[CapRule, _Weighing]], sex: str, day: date,
                 planned_volume_ml: int) -> list[Reason]:
    reasons = []
    for cap, weighing in caps:
        active = _active(weighing, day)
        if _fits(cap, active, sex, planned_volume_ml):
            continue
        over_count = _over_count(cap, active, sex)
        reasons.append(Reason(
            "annual_cap" if over_count else "volume_cap",
            _cap_clears(cap, weighing, sex, day, planned_volume_ml),
            {"cap": cap.code, "window": cap.window,
             "limit": cap.max_count[sex] if over_count else cap.max_volume_ml[sex]}))
    return reasons


def _active(weighing: _Weighing, day: date) -> list[DonationFact]:
    """The counted donations that still weigh on `day` under the cap's window."""
    return [d for d, window_ends in weighing if day < window_ends]


def _over_count(cap: CapRule, active: Sequence[DonationFact], sex: str) -> bool:
    return cap.max_count is not None and len(active) + 1 > cap.max_count[sex]


def _fits(cap: CapRule, active: Sequence[DonationFact], sex: str, planned_volume_ml: int) -> bool:
    """One more donation (of `planned_volume_ml`) stays within the cap."""
    if _over_count(cap, active, sex):
        return False
    if cap.max_volume_ml is not None:
        total = sum(d.volume_ml for d in active) + planned_volume_ml
        return total <= cap.max_volume_ml[sex]
    return True


def _cap_clears(cap: CapRule, weighing: _Weighing, sex: str, day: date,
                planned_volume_ml: int) -> date | None:
    """The first day after `day` (on which one more donation does not fit under the cap) when
    it does: one of the days a counted donation stops weighing (None: never)."""
    for candidate in sorted({ends for _, ends in weighing if ends > day}):
        if _fits(cap, _active(weighing, candidate), sex, planned_volume_ml):
            return candidate
    return None  # even with nothing else counted, this one donation is over the cap
