"""The worked cases of ELIGIBILITY_EXAMPLES.md, each exactly as written there."""
from datetime import date, timedelta

from donorclub.domain.eligibility import DeferralFact, DonationFact, Donor, evaluate

WB, PLT = "whole_blood", "platelets"


def test_1_six_calendar_months_and_three_to_platelets(rule_sets):
    result = evaluate(Donor("male", date(1979, 4, 2), 70),
                      [DonationFact(WB, date(2025, 3, 15), 400)], [], rule_sets["cn"],
                      date(2025, 4, 1))
    assert result[WB].next_date == date(2025, 9, 15)
    assert result[PLT].next_date == date(2025, 6, 15)
    assert not result[WB].eligible and result[WB].reasons[0].code == "interval"


def test_2_platelets_two_weeks_and_four_weeks_to_whole_blood(rule_sets):
    result = evaluate(Donor("female", date(1990, 10, 10), 55),
                      [DonationFact(PLT, date(2025, 5, 5), 250, 2)], [], rule_sets["cn"],
                      date(2025, 5, 6))
    assert result[PLT].next_date == date(2025, 5, 19)
    assert result[WB].next_date == date(2025, 6, 2)


def test_3_months_clamp_to_the_month_end(rule_sets):
    result = evaluate(Donor("male", date(1985, 1, 1), 70),
                      [DonationFact(WB, date(2025, 5, 31), 300)], [], rule_sets["cn"],
                      date(2025, 6, 1))
    assert result[WB].next_date == date(2025, 11, 30)
    assert result[PLT].next_date == date(2025, 8, 31)


def test_4_minimum_age_reached_on_the_birthday(rule_sets):
    result = evaluate(Donor("female", date(2007, 9, 20), 50), [], [], rule_sets["cn"],
                      date(2025, 9, 1))
    assert result[WB].next_date == date(2025, 9, 20)
    assert [r.code for r in result[WB].reasons] == ["age_min"]
    assert result[WB].reasons[0].clears_on == date(2025, 9, 20)


def test_5_deferral_end_outlasts_the_interval(rule_sets):
    result = evaluate(
        Donor("male", date(1975, 7, 7), 70),
        [DonationFact(WB, date(2024, 11, 1), 200)],
        [DeferralFact(date(2025, 2, 1), date(2026, 2, 1), reason_code="tattoo")],
        rule_sets["cn"], date(2025, 3, 1))
    assert result[WB].next_date == date(2026, 2, 1)
    assert result[PLT].next_date == date(2026, 2, 1)
    assert "deferral" in [r.code for r in result[WB].reasons]


def test_6_first_time_donor_over_55_is_never_eligible(rule_sets):
    result = evaluate(Donor("female", date(1968, 3, 3), 60), [], [], rule_sets["cn"],
                      date(2025, 3, 3))
    assert result[WB].next_date is None and not result[WB].eligible
    assert [r.code for r in result[WB].reasons] == ["age_max"]


def test_7_us_platelets_24_in_a_rolling_year(rule_sets):
    history = [DonationFact(PLT, date(2024, 2, 5) + timedelta(weeks=n), 250, 1)
               for n in range(24)]
    assert history[-1].on == date(2024, 7, 15)
    result = evaluate(Donor("male", date(1990, 1, 1), 80), history, [], rule_sets["us"],
                      date(2024, 7, 16))
    assert result[PLT].next_date == date(2025, 2, 5)
    assert "annual_cap" in [r.code for r in result[PLT].reasons]


def test_8_uk_sixteen_weeks_for_women(rule_sets):
    result = evaluate(Donor("female", date(1980, 6, 15), 60),
                      [DonationFact(WB, date(2024, 12, 31), 470)], [], rule_sets["uk"],
                      date(2025, 1, 2))
    assert result[WB].next_date == date(2025, 4, 22)
