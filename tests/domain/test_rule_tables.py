"""Every rule of every rule set at its boundary: the day before is refused, the day itself allowed.

Expected dates are worked out by hand from the sources in DOMAIN.md, not read from the data.
"""
from datetime import date, timedelta

import pytest

from donorclub.domain.eligibility import DeferralFact, DonationFact, Donor, evaluate

WB, PLT, PLA, DR = "whole_blood", "platelets", "plasma", "double_red"
VOLUME = {WB: 400, PLT: 250, PLA: 600, DR: 360}
UNITS = {PLT: 1}


def donor(sex="male", born=date(1985, 6, 1), weight=75.0):
    return Donor(sex, born, weight)


def one(kind, on):
    return DonationFact(kind, on, VOLUME[kind] if kind != WB else 400, UNITS.get(kind))


# (rule set, sex, earlier kind, earlier day, kind asked, first allowed day)
INTERVALS = [
    # China GB 18467-2011: whole blood 6 months, WB -> platelets 3 months,
    # platelets 2 weeks, platelets -> WB 4 weeks; the same for both sexes.
    ("cn", "male", WB, date(2025, 3, 15), WB, date(2025, 9, 15)),
    ("cn", "female", WB, date(2025, 3, 15), WB, date(2025, 9, 15)),
    ("cn", "male", WB, date(2025, 8, 31), WB, date(2026, 2, 28)),
    ("cn", "male", WB, date(2023, 8, 31), WB, date(2024, 2, 29)),
    ("cn", "male", WB, date(2025, 11, 30), PLT, date(2026, 2, 28)),
    ("cn", "female", PLT, date(2025, 12, 25), PLT, date(2026, 1, 8)),
    ("cn", "male", PLT, date(2025, 12, 25), WB, date(2026, 1, 22)),
    # The 2025 draft law: 90 days between whole-blood donations, the rest unchanged.
    ("cn-draft-2025", "male", WB, date(2025, 3, 15), WB, date(2025, 6, 13)),
    ("cn-draft-2025", "male", WB, date(2025, 3, 15), PLT, date(2025, 6, 15)),
    # United States: WB 56 days, double red 112, platelets 7, plasma 28.
    ("us", "male", WB, date(2025, 1, 1), WB, date(2025, 2, 26)),
    ("us", "female", WB, date(2025, 1, 1), PLT, date(2025, 1, 8)),
    ("us", "male", WB, date(2025, 1, 1), DR, date(2025, 2, 26)),
    ("us", "male", DR, date(2025, 1, 1), WB, date(2025, 4, 23)),
    ("us", "male", DR, date(2025, 1, 1), DR, date(2025, 4, 23)),
    ("us", "male", PLT, date(2025, 1, 1), PLT, date(2025, 1, 8)),
    ("us", "male", PLT, date(2025, 1, 1), WB, date(2025, 1, 8)),
    ("us", "female", PLA, date(2025, 1, 1), PLA, date(2025, 1, 29)),
    ("us", "male", PLA, date(2025, 1, 1), WB, date(2025, 1, 29)),
    # United Kingdom: WB 12 weeks for men, 16 for women; WB -> apheresis 4 weeks;
    # platelets 2 weeks; double red 26 weeks.
    ("uk", "male", WB, date(2025, 1, 1), WB, date(2025, 3, 26)),
    ("uk", "female", WB, date(2025, 1, 1), WB, date(2025, 4, 23)),
    ("uk", "female", WB, date(2024, 12, 31), WB, date(2025, 4, 22)),
    ("uk", "male", WB, date(2025, 1, 1), PLT, date(2025, 1, 29)),
    ("uk", "female", WB, date(2025, 1, 1), PLA, date(2025, 1, 29)),
    ("uk", "male", PLT, date(2025, 1, 1), PLT, date(2025, 1, 15)),
    ("uk", "male", DR, date(2025, 1, 1), DR, date(2025, 7, 2)),
]


@pytest.mark.parametrize(("code", "sex", "earlier", "on", "kind", "expected"), INTERVALS)
def test_interval_from_kind_to_kind(rule_sets, code, sex, earlier, on, kind, expected):
    history = [one(earlier, on)]
    result = evaluate(donor(sex), history, [], rule_sets[code], on + timedelta(days=1))
    assert result[kind].next_date == expected
    day_before = evaluate(donor(sex), history, [], rule_sets[code], expected - timedelta(days=1))
    assert not day_before[kind].eligible
    on_the_day = evaluate(donor(sex), history, [], rule_sets[code], expected)
    assert on_the_day[kind].eligible and on_the_day[kind].next_date == expected


def test_every_earlier_donation_counts_not_only_the_last(rule_sets):
    # A platelet donation after whole blood does not reset the six-month wait for whole blood.
    history = [one(WB, date(2025, 1, 10)), one(PLT, date(2025, 4, 20))]
    result = evaluate(donor(), history, [], rule_sets["cn"], date(2025, 5, 1))
    assert result[WB].next_date == date(2025, 7, 10)
    assert result[PLT].next_date == date(2025, 5, 4)


def weekly(kind, first, count, step=7):
    return [one(kind, first + timedelta(days=step * n)) for n in range(count)]


def test_cn_24_platelet_donations_in_a_rolling_year(rule_sets):
    history = weekly(PLT, date(2025, 1, 6), 24, step=14)  # the 24th on 2025-11-24
    assert history[-1].on == date(2025, 11, 24)
    result = evaluate(donor(), history, [], rule_sets["cn"], date(2025, 11, 25))
    assert result[PLT].next_date == date(2026, 1, 6)  # first of the 24 plus 12 months
    assert {r.code for r in result[PLT].reasons} == {"interval", "annual_cap"}
    fewer = evaluate(donor(), history[1:], [], rule_sets["cn"], date(2025, 11, 25))
    assert fewer[PLT].next_date == date(2025, 12, 8)  # 23 in the window: only the interval


def test_cn_ten_litres_of_apheresis_a_year(rule_sets):
    # 2 units with 450 ml each time: 22 donations = 9,900 ml; one more of 250 ml would pass 10 L.
    history = [DonationFact(PLT, date(2025, 1, 6) + timedelta(days=14 * n), 450, 2)
               for n in range(22)]
    on = history[-1].on + timedelta(days=14)
    result = evaluate(donor(), history, [], rule_sets["cn"], on)
    assert result[PLT].next_date == date(2026, 1, 6)
    assert [r.code for r in result[PLT].reasons if r.code.endswith("cap")] == ["volume_cap"]


def test_us_whole_blood_six_a_year(rule_sets):
    history = weekly(WB, date(2025, 1, 1), 6, step=56)  # last on 2025-10-08
    result = evaluate(donor(), history, [], rule_sets["us"], date(2025, 10, 9))
    assert result[WB].next_date == date(2026, 1, 1)


def test_us_double_red_three_a_year_and_plasma_thirteen(rule_sets):
    reds = weekly(DR, date(2025, 1, 1), 3, step=112)
    result = evaluate(donor(weight=80), reds, [], rule_sets["us"], date(2025, 8, 21))
    assert result[DR].next_date == date(2026, 1, 1)
    plasma = weekly(PLA, date(2025, 1, 1), 13, step=28)
    result = evaluate(donor(), plasma, [], rule_sets["us"], plasma[-1].on + timedelta(days=1))
    assert result[PLA].next_date == date(2026, 1, 1)


def test_uk_whole_blood_cap_depends_on_sex(rule_sets):
    women = weekly(WB, date(2025, 1, 1), 3, step=16 * 7)  # last on 2025-08-13
    result = evaluate(donor("female", weight=60), women, [], rule_sets["uk"], date(2025, 8, 21))
    assert result[WB].next_date == date(2026, 1, 1)
    men = weekly(WB, date(2025, 1, 1), 4, step=12 * 7)  # last on 2025-09-10
    result = evaluate(donor("male"), men, [], rule_sets["uk"], date(2025, 9, 11))
    assert result[WB].next_date == date(2026, 1, 1)
    three_men = men[:3]  # a man with three still has a fourth slot after 12 weeks
    result = evaluate(donor("male"), three_men, [], rule_sets["uk"], date(2025, 6, 19))
    assert result[WB].next_date == date(2025, 9, 10)


def test_uk_plasma_at_most_2_4_litres_in_any_month(rule_sets):
    # Two very large collections two weeks apart leave no room for a third that month.
    history = [DonationFact(PLA, date(2025, 3, 1), 1100),
               DonationFact(PLA, date(2025, 3, 15), 1100)]
    result = evaluate(donor(), history, [], rule_sets["uk"], date(2025, 3, 29))
    assert result[PLA].next_date == date(2025, 4, 1)  # when the first leaves the month
    assert [r.code for r in result[PLA].reasons] == ["volume_cap"]


# --- age and weight ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "born", "on", "history", "expected"),
    [
        # China: 18 to 55 for a first donation, repeat donors to 60.
        ("cn", date(2007, 9, 20), date(2025, 9, 1), [], date(2025, 9, 20)),
        ("cn", date(1970, 5, 10), date(2025, 5, 9), [], date(2025, 5, 9)),  # 54, a day left
        ("cn", date(1970, 5, 10), date(2025, 5, 10), [], date(2025, 5, 10)),  # 55 today: fine
        ("cn", date(1969, 5, 10), date(2025, 5, 10), [], None),  # 56: never as first-timer
        ("cn", date(1966, 5, 10), date(2025, 5, 10), [one(WB, date(2024, 1, 5))],
         date(2025, 5, 10)),
        ("cn", date(1965, 5, 10), date(2025, 5, 10), [one(WB, date(2024, 1, 5))],
         date(2025, 5, 10)),  # 60 today: still allowed
        ("cn", date(1964, 5, 10), date(2025, 5, 10), [one(WB, date(2024, 1, 5))], None),  # 61
        # The 2025 draft: up to 65 for everybody.
        ("cn-draft-2025", date(1961, 5, 10), date(2025, 5, 10), [], date(2025, 5, 10)),
        ("cn-draft-2025", date(1959, 5, 10), date(2025, 5, 10), [], None),
        # United States: from 17, no upper limit.
        ("us", date(2008, 7, 4), date(2025, 7, 1), [], date(2025, 7, 4)),
        ("us", date(1930, 1, 1), date(2025, 7, 1), [], date(2025, 7, 1)),
        # United Kingdom: from 17; new donors to 65.
        ("uk", date(1959, 6, 1), date(2025, 6, 1), [], None),
        ("uk", date(1960, 6, 1), date(2025, 6, 1), [], date(2025, 6, 1)),
        ("uk", date(1959, 6, 1), date(2025, 6, 1), [one(WB, date(2024, 6, 1))], date(2025, 6, 1)),
    ],
)
def test_age_limits_for_whole_blood(rule_sets, code, born, on, history, expected):
    result = evaluate(donor(born=born), history, [], rule_sets[code], on)
    assert result[WB].next_date == expected


def test_repeat_donor_who_passes_the_limit_during_the_interval_is_never_eligible(rule_sets):
    # Whole blood on 2025-01-01: the interval ends on 2025-07-01.
    history = [one(WB, date(2025, 1, 1))]
    # Born 1964-09-01: still 60 on 2025-07-01, so that is the day.
    assert evaluate(donor(born=date(1964, 9, 1)), history, [], rule_sets["cn"],
                    date(2025, 2, 1))[WB].next_date == date(2025, 7, 1)
    # Born 1964-06-15: 61 on 2025-06-15, before the interval ends: never.
    late = evaluate(donor(born=date(1964, 6, 15)), history, [], rule_sets["cn"], date(2025, 2, 1))
    assert late[WB].next_date is None
    assert "age_max" in [r.code for r in late[WB].reasons]


def test_us_double_red_has_its_own_age_and_weight_by_sex(rule_sets):
    us = rule_sets["us"]
    girl = evaluate(Donor("female", date(2007, 3, 1), 70), [], [], us, date(2025, 6, 1))
    assert girl[WB].eligible and girl[DR].next_date == date(2026, 3, 1)  # 19 for women
    light = evaluate(Donor("female", date(1990, 3, 1), 65), [], [], us, date(2025, 6, 1))
    assert light[WB].eligible and light[DR].next_date is None
    assert [r.code for r in light[DR].reasons][0] == "weight"
    man = evaluate(Donor("male", date(2008, 3, 1), 60), [], [], us, date(2025, 6, 1))
    assert man[DR].eligible


@pytest.mark.parametrize(
    ("code", "sex", "weight", "eligible"),
    [("cn", "male", 49.9, False), ("cn", "male", 50.0, True), ("cn", "female", 44.9, False),
     ("cn", "female", 45.0, True), ("us", "female", 49.8, False), ("us", "male", 49.9, True),
     ("uk", "female", 49.9, False), ("uk", "female", 50.0, True)],
)
def test_minimum_weight_by_sex(rule_sets, code, sex, weight, eligible):
    result = evaluate(Donor(sex, date(1990, 1, 1), weight), [], [], rule_sets[code],
                      date(2025, 6, 1))
    assert result[WB].eligible is eligible
    if not eligible:
        assert result[WB].next_date is None and result[WB].reasons[0].code == "weight"


def test_unknown_weight_does_not_block_but_is_reported(rule_sets):
    result = evaluate(Donor("male", date(1990, 1, 1), None), [], [], rule_sets["cn"],
                      date(2025, 6, 1))
    assert result[WB].eligible
    notes = [r for r in result[WB].reasons if r.code == "weight_unknown"]
    assert len(notes) == 1 and not notes[0].blocking and notes[0].detail["min_kg"] == 50


# --- deferrals ------------------------------------------------------------------------------

def test_deferral_for_some_kinds_blocks_only_those(rule_sets):
    aspirin = DeferralFact(date(2025, 6, 1), date(2025, 6, 6), frozenset({PLT}), "aspirin")
    result = evaluate(donor(), [], [aspirin], rule_sets["cn"], date(2025, 6, 2))
    assert result[WB].eligible
    assert result[PLT].next_date == date(2025, 6, 6)


def test_indefinite_deferral_is_permanent(rule_sets):
    deferral = DeferralFact(date(2025, 1, 1), None, None, "medical_review")
    result = evaluate(donor(), [], [deferral], rule_sets["us"], date(2025, 6, 1))
    assert all(k.next_date is None for k in result.kinds.values())
    assert result[WB].reasons[0].code == "permanent_deferral"


def test_future_deferral_pushes_a_later_date_but_not_today(rule_sets):
    # Eligible today; a deferral starting next month does not matter today.
    later = DeferralFact(date(2025, 7, 1), date(2025, 12, 1), None, "travel")
    result = evaluate(donor(), [], [later], rule_sets["cn"], date(2025, 6, 1))
    assert result[WB].eligible
    # But when the interval ends inside that deferral, the deferral's end is the answer.
    history = [one(PLT, date(2025, 6, 20))]
    result = evaluate(donor(), history, [later], rule_sets["cn"], date(2025, 6, 25))
    assert result[WB].next_date == date(2025, 12, 1)
    assert [r.code for r in result[WB].reasons] == ["interval", "deferral"]


def test_deferral_that_ended_does_not_block(rule_sets):
    ended = DeferralFact(date(2024, 1, 1), date(2025, 1, 1), None, "tattoo")
    assert evaluate(donor(), [], [ended], rule_sets["cn"], date(2025, 1, 1))[WB].eligible
    assert not evaluate(donor(), [], [ended], rule_sets["cn"], date(2024, 12, 31))[WB].eligible


def test_deferral_reason_catalogue_fills_in_the_end_date(rule_sets):
    tattoo = rule_sets["cn"].deferral_reasons["tattoo"]
    assert tattoo.ends_on(date(2025, 2, 1)) == date(2026, 2, 1)
    aspirin = [r for r in rule_sets["cn"].deferral_reasons.values() if r.kinds == {PLT}]
    assert aspirin and aspirin[0].ends_on(date(2025, 6, 1)) == date(2025, 6, 6)


def test_donations_after_the_day_asked_are_ignored(rule_sets):
    history = [one(WB, date(2025, 7, 1))]
    assert evaluate(donor(), history, [], rule_sets["cn"], date(2025, 6, 1))[WB].eligible
