"""China's national Dedication Award: levels, repeat golds, lifetime honour and cycles."""
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from donorclub.domain.awards import CountedDonation, counted_donations
from donorclub.domain.eligibility import DonationFact
from donorclub.domain.national_awards import (
    LEVELS,
    AwardStep,
    award_steps,
    cycle_bounds,
    cycle_of,
    next_level,
    nomination,
)
from donorclub.domain.rulesets import load_rule_sets

CN = load_rule_sets()["cn"]
RULES = CN.national_award


def counted(count: float, on: date, kind: str = "platelets") -> CountedDonation:
    return CountedDonation(on=on, kind=kind, volume_ml=250, units=1, count=count)


def every(start: date, step: timedelta, n: int) -> list[date]:
    return [start + i * step for i in range(n)]


def summary(steps: list[AwardStep]) -> list[tuple]:
    return [(s.level, s.number, s.reached_on, s.cycle) for s in steps]


def test_rules_come_from_the_china_rule_set_only(rule_sets):
    assert (RULES.bronze, RULES.silver, RULES.gold) == (20, 30, 40)
    assert (RULES.lifetime_golds, RULES.lifetime_first_cycle) == (3, 2020)
    assert (RULES.cycle_years, RULES.cycle_anchor) == (2, 2020)
    assert rule_sets["cn-draft-2025"].national_award == RULES
    assert rule_sets["us"].national_award is None and rule_sets["uk"].national_award is None


@pytest.mark.parametrize(
    ("day", "cycle"),
    [(date(2020, 1, 1), 2020), (date(2021, 12, 31), 2020), (date(2022, 1, 1), 2022),
     (date(2019, 6, 30), 2018), (date(2009, 12, 31), 2008), (date(1999, 1, 1), 1998)],
)
def test_cycles_are_two_years_starting_on_even_years(day, cycle):
    assert cycle_of(day, RULES) == cycle


def test_cycle_bounds_run_from_first_january_to_the_last_december():
    assert cycle_bounds(2022, RULES) == (date(2022, 1, 1), date(2023, 12, 31))
    with pytest.raises(ValueError, match="2021"):
        cycle_bounds(2021, RULES)


def test_empty_history_reaches_nothing():
    assert award_steps([], RULES) == []
    assert nomination([], RULES, 2022) is None


def test_whole_blood_400_ml_every_six_months():
    # Count 2 a donation: bronze at the 10th, silver at the 15th, gold at the 20th donation.
    days = [date(2015 + i // 2, 1 + 6 * (i % 2), 10) for i in range(20)]
    facts = [DonationFact("whole_blood", d, 400) for d in days]
    steps = award_steps(counted_donations(facts, CN), RULES)
    assert summary(steps) == [
        ("bronze", 1, date(2019, 7, 10), 2018),
        ("silver", 1, date(2022, 1, 10), 2022),
        ("gold", 1, date(2024, 7, 10), 2024),
    ]
    gold = steps[-1]
    assert (gold.counted_from, gold.count, gold.donations_counted) == (days[0], 40.0, 20)
    assert nomination(counted_donations(facts, CN), RULES, 2022).level == "silver"
    assert nomination(counted_donations(facts, CN), RULES, 2020) is None


def test_platelet_donor_with_two_units_24_times_a_year_gets_one_gold_per_cycle():
    # 48 a year: bronze, silver and gold all in 2020; the second gold (2021) waits for 2022.
    days = [date(2020 + m // 12, m % 12 + 1, day) for m in range(48) for day in (1, 16)]
    facts = [DonationFact("platelets", d, 250, units=2) for d in days]
    donations = counted_donations(facts, CN)
    steps = award_steps(donations, RULES)
    assert [(s.level, s.number, s.cycle) for s in steps] == [
        ("bronze", 1, 2020), ("silver", 1, 2020), ("gold", 1, 2020), ("gold", 2, 2022),
        ("gold", 3, 2024), ("lifetime", 1, 2026), ("gold", 4, 2028)]
    second = steps[3]
    assert second.reached_on == days[39] and cycle_of(second.reached_on, RULES) == 2020
    assert (second.counted_from, second.count, second.donations_counted) == (days[20], 40.0, 20)
    assert nomination(donations, RULES, 2020).level == "gold"  # not bronze or silver
    assert nomination(donations, RULES, 2022) == second


def test_bronze_and_silver_in_one_cycle_nominate_only_silver():
    days = every(date(2022, 1, 3), timedelta(weeks=2), 15)
    donations = [counted(2.0, d) for d in days]
    assert [s.level for s in award_steps(donations, RULES)] == ["bronze", "silver"]
    best = nomination(donations, RULES, 2022)
    assert (best.level, best.reached_on, best.count) == ("silver", days[14], 30.0)


def test_300_ml_donors_count_one_and_a_half():
    days = [date(2010 + i // 2, 1 + 6 * (i % 2), 1) for i in range(14)]
    facts = [DonationFact("whole_blood", d, 300) for d in days]
    (bronze,) = award_steps(counted_donations(facts, CN), RULES)
    assert (bronze.reached_on, bronze.count, bronze.donations_counted) == (days[13], 21.0, 14)


@pytest.mark.parametrize(
    ("counts", "count", "reached_by"),
    [
        ([1.5] * 13 + [1.0], 20.5, 14),  # 19.5 -> 20.5
        ([1.5] * 13 + [0.5], 20.0, 14),  # 19.5 -> 20.0 exactly
        ([1.5] * 13, None, None),  # 19.5 is not bronze
    ],
)
def test_bronze_boundary(counts, count, reached_by):
    days = every(date(2012, 1, 1), timedelta(days=30), len(counts))
    steps = award_steps([counted(c, d) for c, d in zip(counts, days, strict=True)], RULES)
    if count is None:
        assert steps == []
    else:
        (bronze,) = steps
        assert (bronze.count, bronze.reached_on) == (count, days[reached_by - 1])


def test_a_later_gold_counts_afresh_from_the_donation_after_the_previous_gold():
    # 39 then a donation of 2 completes gold at 41; the extra 1 is not carried over.
    days = every(date(2010, 1, 1), timedelta(days=60), 2 + 20)
    donations = [counted(39.0, days[0]), counted(2.0, days[1])]
    donations += [counted(2.0, d) for d in days[2:]]
    golds = [s for s in award_steps(donations, RULES) if s.level == "gold"]
    assert [(g.number, g.count, g.donations_counted) for g in golds] == [(1, 41.0, 2),
                                                                         (2, 40.0, 20)]
    assert golds[1].counted_from == days[2] and golds[1].reached_on == days[21]
    fewer = donations[:-1]  # 38 afresh: no second gold, whatever the overflow was
    assert [s.number for s in award_steps(fewer, RULES) if s.level == "gold"] == [1]


def test_three_golds_then_the_lifetime_honour_once():
    days = [date(2016, 3, 1), date(2018, 3, 1), date(2020, 3, 1), date(2022, 3, 1),
            date(2024, 3, 1)]
    donations = [counted(40.0, d) for d in days]
    steps = award_steps(donations, RULES)
    assert [(s.level, s.number, s.cycle) for s in steps] == [
        ("bronze", 1, 2016), ("silver", 1, 2016), ("gold", 1, 2016), ("gold", 2, 2018),
        ("gold", 3, 2020), ("lifetime", 1, 2022), ("gold", 4, 2024), ("gold", 5, 2026)]
    honour = nomination(donations, RULES, 2022)
    assert (honour.level, honour.reached_on, honour.count) == ("lifetime", days[2], 120.0)
    assert [s.level for s in steps].count("lifetime") == 1


def test_a_gold_that_would_share_the_lifetime_cycle_waits():
    days = [date(2020, 3, 1), date(2022, 3, 1), date(2024, 3, 1), date(2026, 3, 1)]
    steps = award_steps([counted(40.0, d) for d in days], RULES)
    assert summary(steps)[-2:] == [("lifetime", 1, date(2024, 3, 1), 2026),
                                   ("gold", 4, date(2026, 3, 1), 2028)]


def test_lifetime_honour_is_never_before_the_2020_cycle():
    # Legacy platelets: 2 units counted 8 before 2010, so 5 donations made a gold.
    days = every(date(2004, 2, 1), timedelta(days=14), 5)
    days += every(date(2006, 2, 1), timedelta(days=14), 5)
    days += every(date(2008, 2, 1), timedelta(days=14), 5)
    facts = [DonationFact("platelets", d, 250, units=2) for d in days]
    steps = award_steps(counted_donations(facts, CN), RULES)
    assert [(s.level, s.cycle) for s in steps if s.level in ("gold", "lifetime")] == [
        ("gold", 2004), ("gold", 2006), ("gold", 2008), ("lifetime", 2020)]
    assert nomination(counted_donations(facts, CN), RULES, 2010) is None
    assert nomination(counted_donations(facts, CN), RULES, 2020).level == "lifetime"


def test_legacy_platelets_count_four_per_unit_only_before_2010():
    before = every(date(2009, 9, 1), timedelta(days=14), 5)
    after = every(date(2010, 1, 1), timedelta(days=14), 5)
    old = counted_donations([DonationFact("platelets", d, 250, units=2) for d in before], CN)
    new = counted_donations([DonationFact("platelets", d, 250, units=2) for d in after], CN)
    gold = award_steps(old, RULES)[-1]
    assert (gold.level, gold.count, gold.reached_on) == ("gold", 40.0, before[4])
    assert award_steps(new, RULES) == []


def test_donations_that_count_nothing_start_no_count():
    donations = [counted(0.0, date(2019, 1, 1), "plasma")]
    donations += [counted(2.0, d) for d in every(date(2020, 1, 6), timedelta(weeks=2), 10)]
    (bronze,) = award_steps(donations, RULES)
    assert bronze.counted_from == date(2020, 1, 6) and bronze.donations_counted == 10


def test_nomination_needs_a_cycle_start_year():
    with pytest.raises(ValueError, match="no award cycle starts in 2023"):
        nomination([], RULES, 2023)


def test_other_cycle_lengths_follow_the_rules():
    yearly = replace(RULES, cycle_years=1, cycle_anchor=2000, lifetime_first_cycle=2000)
    days = [date(2020, 3, 1), date(2020, 9, 1), date(2021, 3, 1)]
    steps = award_steps([counted(40.0, d) for d in days], yearly)
    assert [(s.level, s.cycle) for s in steps if s.level != "bronze" and s.level != "silver"] == [
        ("gold", 2020), ("gold", 2021), ("gold", 2022), ("lifetime", 2023)]


# --- properties ------------------------------------------------------------------------------

histories = st.lists(
    st.tuples(st.integers(min_value=0, max_value=120),
              st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 4.0, 8.0])),
    max_size=150,
).map(lambda rows: [counted(count, date(2000, 1, 1) + timedelta(days=sum(g for g, _ in rows[:i])))
                    for i, (_, count) in enumerate(rows)])


@settings(max_examples=200, deadline=None)
@given(histories)
def test_steps_follow_the_award_rules(donations):
    steps = award_steps(donations, RULES)
    assert [s.reached_on for s in steps] == sorted(s.reached_on for s in steps)
    golds = [s for s in steps if s.level == "gold"]
    assert [g.number for g in golds] == list(range(1, len(golds) + 1))
    assert all(a.cycle < b.cycle for a, b in zip(golds, golds[1:], strict=False))
    assert all(g.count >= RULES.gold for g in golds)
    assert all(s.cycle >= cycle_of(s.reached_on, RULES) for s in steps)
    lifetime = [s for s in steps if s.level == "lifetime"]
    assert len(lifetime) == (1 if len(golds) >= RULES.lifetime_golds else 0)
    assert all(s.cycle >= RULES.lifetime_first_cycle for s in lifetime)
    assert all(g.cycle != s.cycle for g in golds for s in lifetime)
    # Rows counted for golds never overlap: together they cannot exceed the counted rows.
    assert sum(g.donations_counted for g in golds) <= sum(1 for d in donations if d.count > 0)


@settings(max_examples=100, deadline=None)
@given(histories)
def test_each_cycle_nominates_its_highest_step(donations):
    steps = award_steps(donations, RULES)
    for cycle in {s.cycle for s in steps}:
        best = nomination(donations, RULES, cycle)
        in_cycle = [s for s in steps if s.cycle == cycle]
        assert best in in_cycle
        assert all(LEVELS.index(s.level) <= LEVELS.index(best.level) for s in in_cycle)


@pytest.mark.parametrize(("counts", "expected"), [
    ([], ("bronze", 1, 0.0, 20, 20.0)),
    ([2.0] * 8 + [1.5], ("bronze", 1, 17.5, 20, 2.5)),
    ([2.0] * 10, ("silver", 1, 20.0, 30, 10.0)),
    ([2.0] * 15, ("gold", 1, 30.0, 40, 10.0)),
    # 39 + 2 completes the first gold at 41; the extra 1 is not carried to the next gold.
    ([1.0] * 39 + [2.0] + [2.0] * 3, ("gold", 2, 6.0, 40, 34.0)),
])
def test_next_level_counts_toward_the_next_gold_afresh(counts, expected):
    donations = [counted(c, date(2011, 1, 1) + timedelta(days=20 * i))
                 for i, c in enumerate(counts)]
    found = next_level(donations, RULES)
    assert (found.level, found.number, found.count, found.threshold, found.remaining) == expected
