"""Checking a rule set's recognition data: award counting, default milestones and China's
national award."""
from __future__ import annotations

from datetime import date
from typing import Any

from .ruleset_reader import SOURCED_KEYS, Reader
from .rulesets import (
    MAX_MILESTONE_STEPS,
    MILESTONE_CATEGORIES,
    AwardCount,
    AwardCounting,
    MilestoneSteps,
    NationalAwardRules,
    threshold_problem,
)

_AWARD_PER = ("donation", "ml", "unit")


def read_award_counting(r: Reader, table: Any) -> AwardCounting | None:
    if table is None:
        return None
    table = r.table(table, "award_counting")
    kinds = {}
    for kind, entry in table.items():
        if kind in SOURCED_KEYS:
            continue
        where = f"award_counting.{r.kind(kind, 'award_counting')}"
        entry = r.table(entry, where)
        if entry.get("per") not in _AWARD_PER:
            r.fail(f"{where}.per", f"must be one of {', '.join(_AWARD_PER)}")
        before = entry.get("before")
        if before is not None and not isinstance(before, date):
            r.fail(f"{where}.before", "must be a date")
        if (before is None) != ("amount_before" not in entry):
            r.fail(where, "'before' and 'amount_before' go together")
        kinds[kind] = AwardCount(
            per=entry["per"], amount=r.positive_number(entry.get("amount"), f"{where}.amount"),
            before=before,
            amount_before=None if before is None else r.positive_number(
                entry["amount_before"], f"{where}.amount_before"))
    return AwardCounting(kinds=kinds, **r.sourced(table, "award_counting"))


_THRESHOLD_PROBLEMS = {
    "not_a_list": "must be a list of whole numbers",
    "not_integer": "must be whole numbers",
    "not_positive": "must all be above zero",
    "not_ascending": "must be in ascending order, each once",
    "too_many": f"may have at most {MAX_MILESTONE_STEPS} steps",
}


def _only_keys(r: Reader, table: dict, where: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        r.fail(f"{where}.{unknown[0]}", f"unknown key; use {', '.join(allowed)}")


def read_milestones(r: Reader, table: Any) -> dict[str, MilestoneSteps]:
    """[milestones]: one sourced table of default thresholds per category, all five given."""
    if table is None:
        return {}
    table = r.table(table, "milestones")
    _only_keys(r, table, "milestones", MILESTONE_CATEGORIES)
    steps = {}
    for category in MILESTONE_CATEGORIES:
        where = f"milestones.{category}"
        if category not in table:
            r.fail(where, "is missing: give the default thresholds (an empty list for none)")
        entry = r.table(table[category], where)
        allowed = ("thresholds", *SOURCED_KEYS)
        _only_keys(r, entry, where, (*allowed, "gallon") if category == "donations" else allowed)
        problem = threshold_problem(entry.get("thresholds"))
        if problem:
            r.fail(f"{where}.thresholds", _THRESHOLD_PROBLEMS[problem])
        gallon = entry.get("gallon")
        steps[category] = MilestoneSteps(
            category=category, thresholds=tuple(entry["thresholds"]),
            gallon=None if gallon is None else r.integer(gallon, f"{where}.gallon", 1),
            **r.sourced(entry, where))
    return steps


_NATIONAL_AWARD_NUMBERS = ("bronze", "silver", "gold", "lifetime_golds", "lifetime_first_cycle",
                           "cycle_years", "cycle_anchor")


def read_national_award(r: Reader, table: Any) -> NationalAwardRules | None:
    """[national_award]: the Dedication Award's counts (bronze < silver < gold), the lifetime
    honour and the cycles; the first lifetime cycle must be a cycle's start year."""
    if table is None:
        return None
    table = r.table(table, "national_award")
    _only_keys(r, table, "national_award", (*_NATIONAL_AWARD_NUMBERS, *SOURCED_KEYS))
    numbers = {key: r.integer(table.get(key), f"national_award.{key}", 1)
               for key in _NATIONAL_AWARD_NUMBERS}
    if numbers["silver"] <= numbers["bronze"]:
        r.fail("national_award.silver", "must be above bronze")
    if numbers["gold"] <= numbers["silver"]:
        r.fail("national_award.gold", "must be above silver")
    if (numbers["lifetime_first_cycle"] - numbers["cycle_anchor"]) % numbers["cycle_years"]:
        r.fail("national_award.lifetime_first_cycle",
               "must be the start year of a cycle (cycle_anchor plus whole cycles)")
    return NationalAwardRules(**numbers, **r.sourced(table, "national_award"))
