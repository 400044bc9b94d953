"""Counting donations toward recognition, under a rule set's counting rules."""
from __future__ import annotations

from collections.abc import Iterable

from .eligibility import DonationFact
from .rulesets import RuleSet


def award_count(donations: Iterable[DonationFact], rule_set: RuleSet) -> float:
    """The donations' worth toward awards (China: 200 ml of whole blood counts 1, one platelet
    unit 1, or 4 before 2010; US: one per pint; UK: NHSBT credits). Kinds the rule set does
    not count add nothing. `donations` must leave out voided ones."""
    counting = rule_set.award_counting
    if counting is None:
        return 0.0
    total = 0.0
    for donation in donations:
        rule = counting.kinds.get(donation.kind)
        if rule is None:
            continue
        amount = rule.amount
        if rule.before is not None and donation.on < rule.before:
            amount = rule.amount_before
        if rule.per == "ml":
            total += donation.volume_ml / amount
        elif rule.per == "unit":
            total += (donation.units or 1) * amount
        else:
            total += amount
    return total
