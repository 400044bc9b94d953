"""The marrow-referral state machine and the registries' joining and listing age rules."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .dates import age_on, birthday
from .enums import ReferralStatus as S

REGISTRIES_FILE = Path(__file__).with_name("registries.toml")

MAIN_PATH = (S.REFERRED, S.CONSENTED, S.SAMPLED, S.TYPED, S.LISTED, S.PRELIMINARY_MATCH,
             S.CONFIRMATORY_TYPING, S.WORKUP, S.DONATED, S.FOLLOW_UP)
EXITS = (S.WITHDRAWN, S.MEDICALLY_DEFERRED, S.LOST_CONTACT, S.AGED_OUT)
# Listed and searchable but not yet donated: the stages a registry removes at its age limit.
LISTED_PRE_DONATION = (S.LISTED, S.PRELIMINARY_MATCH, S.CONFIRMATORY_TYPING, S.WORKUP)
# After a donation the candidate can no longer "withdraw" from what already happened.
DONATED_STAGES = (S.DONATED, S.FOLLOW_UP)
PRODUCTS = ("pbsc", "marrow")

NOT_ALLOWED = "transition_not_allowed"
BEFORE_PREVIOUS = "before_previous_event"
IN_FUTURE = "in_the_future"
PRODUCT_REQUIRED = "product_required"
PRODUCT_NOT_APPLICABLE = "product_not_applicable"


def _transitions() -> dict[S, frozenset[S]]:
    allowed: dict[S, set[S]] = {status: set() for status in S}
    for current, following in zip(MAIN_PATH, MAIN_PATH[1:], strict=False):
        allowed[current].add(following)
    for current in MAIN_PATH:
        allowed[current] |= {S.MEDICALLY_DEFERRED, S.LOST_CONTACT}
        if current not in DONATED_STAGES:
            allowed[current].add(S.WITHDRAWN)
    for current in LISTED_PRE_DONATION:
        allowed[current].add(S.AGED_OUT)
    # Exit states are final: a returning volunteer is a new referral.
    return {status: frozenset(targets) for status, targets in allowed.items()}


TRANSITIONS = _transitions()


def allowed_next(current: S) -> list[S]:
    """The stages a referral at `current` may move to, in the enum's declaration order.

    The main path moves one step at a time (referred → consented → sampled → typed → listed →
    preliminary_match → confirmatory_typing → workup → donated → follow_up). Withdrawn is open
    from every stage before donated; medically_deferred and lost_contact from every main-path
    stage; aged_out only from listed up to workup. Exit states are final.
    """
    return [status for status in S if status in TRANSITIONS[S(current)]]


def is_allowed(current: S, new: S) -> bool:
    return S(new) in TRANSITIONS[S(current)]


def check_transition(current: S, new: S, last_date: date | None, on: date, today: date,
                     product: str | None = None) -> list[str]:
    """Why moving from `current` to `new` on `on` is refused; empty when it is fine.

    Reasons: NOT_ALLOWED (not a permitted step), BEFORE_PREVIOUS (`on` is before the last
    event's date), IN_FUTURE (`on` is after `today`), PRODUCT_REQUIRED (donated needs "pbsc"
    or "marrow") and PRODUCT_NOT_APPLICABLE (a product on any other stage).
    """
    reasons = []
    if not is_allowed(current, new):
        reasons.append(NOT_ALLOWED)
    if last_date is not None and on < last_date:
        reasons.append(BEFORE_PREVIOUS)
    if on > today:
        reasons.append(IN_FUTURE)
    if S(new) == S.DONATED and product not in PRODUCTS:
        reasons.append(PRODUCT_REQUIRED)
    elif S(new) != S.DONATED and product:
        reasons.append(PRODUCT_NOT_APPLICABLE)
    return reasons


@dataclass(frozen=True)
class RegistryRule:
    """One registry's age rules; None means no rule is known (nothing is checked)."""

    code: str
    name: str
    join_min_age: int | None
    join_max_age: int | None
    removal_age: int | None
    join_sources: tuple[str, ...]
    removal_sources: tuple[str, ...]


@dataclass(frozen=True)
class JoiningProblem:
    """The candidate's age on the referral day is outside the registry's joining range."""

    reason: str  # "too_young" or "too_old"
    age: int
    min_age: int | None
    max_age: int | None


@cache
def registry_rules() -> dict[str, RegistryRule]:
    """The rules of registries.toml keyed by registry code."""
    with REGISTRIES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {code: RegistryRule(
        code=code, name=entry["name"], join_min_age=entry.get("join_min_age"),
        join_max_age=entry.get("join_max_age"), removal_age=entry.get("removal_age"),
        join_sources=tuple(entry.get("join_sources", ())),
        removal_sources=tuple(entry.get("removal_sources", ())))
        for code, entry in data.items()}


def registry_rule(registry: str) -> RegistryRule:
    """The rule of one registry; an unknown code raises KeyError."""
    return registry_rules()[str(registry)]


def joining_problem(registry: str, date_of_birth: date, on: date) -> JoiningProblem | None:
    """None when the candidate may join on `on`, else why not.

    Age is counted in whole years by birthday: for CMDP (18–45) a candidate who is exactly 45
    on the day may join and one who turned 46 may not. Sources: DOMAIN.md §6.1 [MR-1]…[MR-16].
    """
    rule = registry_rule(registry)
    age = age_on(date_of_birth, on)
    if rule.join_min_age is not None and age < rule.join_min_age:
        return JoiningProblem("too_young", age, rule.join_min_age, rule.join_max_age)
    if rule.join_max_age is not None and age > rule.join_max_age:
        return JoiningProblem("too_old", age, rule.join_min_age, rule.join_max_age)
    return None


def aged_out_on(registry: str, date_of_birth: date) -> date | None:
    """The birthday on which the registry removes the volunteer (the 61st for NMDP, DKMS and
    Anthony Nolan [MR-7], [MR-9], [MR-13]); None when no removal age is known (CMDP, other)."""
    rule = registry_rule(registry)
    if rule.removal_age is None:
        return None
    return birthday(date_of_birth, rule.removal_age)
