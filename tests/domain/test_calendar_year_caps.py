"""A calendar-year cap counts the donations of the year asked about and frees its slots on
1 January; no built-in rule set has one, so a variant of China's rules stands in."""
from dataclasses import replace
from datetime import date

import pytest

from donorclub.domain.eligibility import DonationFact, Donor, evaluate

DONOR = Donor("male", date(1990, 1, 1), 70.0)


@pytest.fixture
def yearly(rule_sets):
    """China's rules with one cap: two platelet donations, then 700 ml, per calendar year."""
    cn = rule_sets["cn"]
    cap = replace(cn.caps[0], code="platelets_per_calendar_year", window="calendar_year",
                  kinds=frozenset({"platelets"}), max_count={"female": 2, "male": 2},
                  max_volume_ml={"female": 700, "male": 700})
    return replace(cn, caps=(cap,))


def platelets(*days: date, volume_ml: int = 200) -> list[DonationFact]:
    return [DonationFact("platelets", day, volume_ml, 1) for day in days]


@pytest.mark.parametrize(("history", "code", "clears_on"), [
    (platelets(date(2025, 3, 1), date(2025, 4, 1)), "annual_cap", date(2026, 1, 1)),
    (platelets(date(2025, 3, 1), volume_ml=600), "volume_cap", date(2026, 1, 1)),
])
def test_a_full_year_blocks_until_the_first_of_january(yearly, history, code, clears_on):
    answer = evaluate(DONOR, history, [], yearly, date(2025, 6, 1))["platelets"]
    assert not answer.eligible and answer.next_date == clears_on
    assert [(r.code, r.clears_on, r.detail["window"]) for r in answer.reasons] == [
        (code, clears_on, "calendar_year")]


def test_last_years_donations_do_not_count(yearly):
    history = platelets(date(2024, 12, 20), date(2025, 3, 1))
    assert evaluate(DONOR, history, [], yearly, date(2025, 6, 1))["platelets"].eligible


def test_one_donation_over_the_volume_cap_is_never_allowed(yearly):
    big = replace(yearly, kind_rules={**yearly.kind_rules, "platelets": replace(
        yearly.kind_rules["platelets"], default_volume_ml=800)})
    answer = evaluate(DONOR, [], [], big, date(2025, 6, 1))["platelets"]
    assert answer.next_date is None and answer.reasons[0].code == "volume_cap"
