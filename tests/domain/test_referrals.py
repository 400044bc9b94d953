"""The marrow-referral state machine and the registries' age rules, table-driven."""
from datetime import date, timedelta
from itertools import product

import pytest

from donorclub.domain import referrals as r
from donorclub.domain.enums import ReferralStatus as S

DAY = date(2025, 6, 10)
MAIN = [S.REFERRED, S.CONSENTED, S.SAMPLED, S.TYPED, S.LISTED, S.PRELIMINARY_MATCH,
        S.CONFIRMATORY_TYPING, S.WORKUP, S.DONATED, S.FOLLOW_UP]
PRE_DONATION_LISTED = {S.LISTED, S.PRELIMINARY_MATCH, S.CONFIRMATORY_TYPING, S.WORKUP}


def expected_allowed(current: S, new: S) -> bool:
    """The rules of the issue, written independently of the module's table."""
    if current in MAIN and new in MAIN:
        return MAIN.index(new) == MAIN.index(current) + 1
    if current not in MAIN:  # exit states are final
        return False
    if new == S.WITHDRAWN:
        return current not in (S.DONATED, S.FOLLOW_UP)
    if new in (S.MEDICALLY_DEFERRED, S.LOST_CONTACT):
        return True
    if new == S.AGED_OUT:
        return current in PRE_DONATION_LISTED
    return False


@pytest.mark.parametrize(("current", "new"), list(product(S, S)))
def test_every_transition_is_allowed_or_refused_as_the_rules_say(current, new):
    item = "pbsc" if new == S.DONATED else None
    reasons = r.check_transition(current, new, DAY, DAY, DAY, product=item)
    assert (reasons == []) is expected_allowed(current, new)
    if not expected_allowed(current, new):
        assert reasons == [r.NOT_ALLOWED]
    assert (new in r.allowed_next(current)) is expected_allowed(current, new)


def test_allowed_next_follows_the_declaration_order():
    assert r.allowed_next(S.REFERRED) == [S.CONSENTED, S.WITHDRAWN, S.MEDICALLY_DEFERRED,
                                          S.LOST_CONTACT]
    assert r.allowed_next(S.WORKUP)[-1] == S.AGED_OUT
    assert r.allowed_next(S.AGED_OUT) == []


def test_stages_cannot_be_skipped_even_by_one():
    assert r.check_transition(S.SAMPLED, S.LISTED, DAY, DAY, DAY) == [r.NOT_ALLOWED]
    assert r.check_transition(S.TYPED, S.LISTED, DAY, DAY, DAY) == []


def test_a_date_before_the_previous_event_is_refused_and_the_same_day_is_fine():
    previous = date(2025, 6, 1)
    assert r.check_transition(S.REFERRED, S.CONSENTED, previous, previous - timedelta(1), DAY) \
        == [r.BEFORE_PREVIOUS]
    assert r.check_transition(S.REFERRED, S.CONSENTED, previous, previous, DAY) == []


def test_a_date_in_the_future_is_refused_and_today_is_fine():
    assert r.check_transition(S.REFERRED, S.CONSENTED, None, DAY + timedelta(1), DAY) \
        == [r.IN_FUTURE]
    assert r.check_transition(S.REFERRED, S.CONSENTED, None, DAY, DAY) == []


def test_all_reasons_are_given_together():
    assert r.check_transition(S.REFERRED, S.DONATED, DAY, DAY - timedelta(1), DAY - timedelta(2)
                              ) == [r.NOT_ALLOWED, r.BEFORE_PREVIOUS, r.IN_FUTURE,
                                    r.PRODUCT_REQUIRED]


@pytest.mark.parametrize(("item", "reasons"), [
    ("pbsc", []), ("marrow", []), (None, [r.PRODUCT_REQUIRED]), ("", [r.PRODUCT_REQUIRED]),
    ("blood", [r.PRODUCT_REQUIRED])])
def test_a_donation_needs_pbsc_or_marrow(item, reasons):
    assert r.check_transition(S.WORKUP, S.DONATED, DAY, DAY, DAY, product=item) == reasons


def test_a_product_belongs_only_to_a_donation():
    assert r.check_transition(S.DONATED, S.FOLLOW_UP, DAY, DAY, DAY, product="pbsc") == [
        r.PRODUCT_NOT_APPLICABLE]


# (registry, youngest age allowed, oldest age allowed); None where the registry has no limit.
AGE_RANGES = [("cmdp", 18, 45), ("nmdp", 18, 40), ("dkms", 18, 55), ("anthony_nolan", 16, 30)]


def birth_for(age: int, on: date, days_after_birthday: int) -> date:
    """A date of birth that makes someone `age` on `on`, that many days after the birthday."""
    birthday_this_year = on - timedelta(days=days_after_birthday)
    return birthday_this_year.replace(year=birthday_this_year.year - age)


@pytest.mark.parametrize(("registry", "low", "high"), AGE_RANGES)
def test_joining_ages_at_the_boundary_days(registry, low, high):
    # The day before turning `low`: too young; the birthday itself: fine.
    too_young = birth_for(low, DAY, -1)
    problem = r.joining_problem(registry, too_young, DAY)
    assert problem is not None and problem.reason == "too_young" and problem.age == low - 1
    assert r.joining_problem(registry, birth_for(low, DAY, 0), DAY) is None
    # Exactly `high` on the last day before the next birthday: fine; the next birthday: too old.
    assert r.joining_problem(registry, birth_for(high + 1, DAY, -1), DAY) is None
    problem = r.joining_problem(registry, birth_for(high + 1, DAY, 0), DAY)
    assert problem is not None and problem.reason == "too_old" and problem.age == high + 1
    assert (problem.min_age, problem.max_age) == (low, high)


def test_cmdp_accepts_exactly_45_and_refuses_46():
    assert r.joining_problem("cmdp", date(1980, 6, 10), date(2025, 6, 10)) is None
    assert r.joining_problem("cmdp", date(1979, 6, 10), date(2025, 6, 10)).age == 46


def test_other_registry_has_no_age_limits():
    assert r.joining_problem("other", date(2020, 1, 1), DAY) is None
    assert r.joining_problem("other", date(1930, 1, 1), DAY) is None


@pytest.mark.parametrize("registry", ["nmdp", "dkms", "anthony_nolan"])
def test_removal_on_the_61st_birthday(registry):
    assert r.aged_out_on(registry, date(1970, 4, 5)) == date(2031, 4, 5)
    assert r.aged_out_on(registry, date(1972, 2, 29)) == date(2033, 3, 1)


@pytest.mark.parametrize("registry", ["cmdp", "other"])
def test_no_removal_age_where_none_is_confirmed(registry):
    assert r.aged_out_on(registry, date(1970, 4, 5)) is None


def test_every_registry_cites_its_sources():
    rules = r.registry_rules()
    assert set(rules) == {"cmdp", "nmdp", "dkms", "anthony_nolan", "other"}
    for rule in rules.values():
        assert rule.join_sources and all(s.startswith("MR-") for s in rule.join_sources)
        assert (rule.removal_age is None) == (not rule.removal_sources)
