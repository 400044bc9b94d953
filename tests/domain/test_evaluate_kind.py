"""`evaluate_kind` gives exactly `evaluate(...)[kind]`, for every rule set and kind (hypothesis)."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donorclub.domain.eligibility import (
    DeferralFact,
    DonationFact,
    Donor,
    evaluate,
    evaluate_kind,
)

from .test_properties import CODES, RULE_SETS, donors


@st.composite
def histories(draw, code):
    rule_set = RULE_SETS[code]
    kinds = st.sampled_from(rule_set.kinds)
    on = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 6, 1)))
    # Donations after `on` too: both must leave them out the same way.
    donation = st.builds(
        lambda kind, day, volume: DonationFact(kind, day, volume,
                                               rule_set.kind_rules[kind].default_units),
        kinds, st.dates(min_value=date(2021, 1, 1), max_value=on + timedelta(days=200)),
        st.integers(min_value=100, max_value=900))
    deferral = st.builds(
        lambda start, length, some: DeferralFact(
            start, None if length is None else start + timedelta(days=length),
            frozenset(some) if some else None, "test"),
        st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 6, 1)),
        st.one_of(st.none(), st.integers(min_value=1, max_value=400)),
        st.lists(kinds, max_size=2, unique=True))
    return (draw(donors), draw(st.lists(donation, max_size=30)),
            draw(st.lists(deferral, max_size=2)), rule_set, on)


def _exactly(answer):
    """Everything of an answer, the reasons' details included (equality leaves them out)."""
    return (answer.kind, answer.eligible, answer.next_date,
            [(r.code, r.clears_on, r.detail, r.blocking) for r in answer.reasons])


@pytest.mark.parametrize("code", CODES)
def test_evaluate_kind_is_evaluate_for_that_kind(code):
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(histories(code))
    def check(case):
        donor, donations, deferrals, rule_set, on = case
        full = evaluate(donor, donations, deferrals, rule_set, on)
        for kind in rule_set.kinds:
            # A generator each time: evaluate_kind must read its arguments only once.
            one = evaluate_kind(donor, iter(donations), iter(deferrals), rule_set, kind, on)
            assert _exactly(one) == _exactly(full[kind])

    check()


def test_evaluate_kind_refuses_a_kind_the_rule_set_lacks():
    rule_set = RULE_SETS[CODES[0]]
    donor = Donor("female", date(1990, 5, 1), 60.0)
    with pytest.raises(KeyError):
        evaluate_kind(donor, [], [], rule_set, "no_such_kind", date(2025, 1, 1))
