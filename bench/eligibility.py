"""Evaluate eligibility for many members' histories (about 10 donations each), pure engine.

    python bench/eligibility.py [--members 100000] [--runs 3] [--rule-set cn]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta

from donorclub.domain.eligibility import DeferralFact, DonationFact, Donor, evaluate
from donorclub.domain.rulesets import load_rule_sets

ON = date(2026, 11, 28)


def generate(rule_set, members: int, seed: int = 13):
    """Histories with realistic spacing: a donation every 2 weeks to 9 months."""
    rng = random.Random(seed)
    kinds = rule_set.kinds
    people = []
    for _ in range(members):
        donor = Donor(rng.choice(("female", "male")),
                      ON - timedelta(days=rng.randrange(18 * 365, 60 * 365)),
                      None if rng.random() < 0.1 else float(rng.randrange(45, 100)))
        day = ON - timedelta(days=rng.randrange(4 * 365, 6 * 365))
        history = []
        for _ in range(rng.randrange(5, 16)):  # 10 on average
            day += timedelta(days=rng.randrange(14, 270))
            if day > ON:
                break
            kind = rng.choice(kinds)
            rule = rule_set.kind_rules[kind]
            history.append(DonationFact(kind, day, rule.default_volume_ml, rule.default_units))
        deferrals = ([DeferralFact(ON - timedelta(days=30), ON + timedelta(days=60))]
                     if rng.random() < 0.05 else [])
        people.append((donor, history, deferrals))
    return people


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rule-set", default="cn")
    args = parser.parse_args()
    rule_set = load_rule_sets()[args.rule_set]
    people = generate(rule_set, args.members)
    donations = sum(len(h) for _, h, _ in people)
    print(f"{args.members} members, {donations} donations ({donations / args.members:.1f} each), "
          f"rule set {rule_set.code}, {len(rule_set.kinds)} kinds")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        eligible = sum(
            result.eligible
            for donor, history, deferrals in people
            for result in evaluate(donor, history, deferrals, rule_set, ON).kinds.values()
        )
        times.append(time.perf_counter() - started)
    mean = statistics.mean(times)
    spread = statistics.stdev(times) if len(times) > 1 else 0.0
    print(f"evaluate all: {mean:.2f} s ± {spread:.2f} s over {args.runs} runs "
          f"({args.members / mean:,.0f} members/s, {mean / args.members * 1e6:.0f} µs each); "
          f"{eligible} kind answers eligible")
    return 0


if __name__ == "__main__":
    sys.exit(main())
