"""Properties of the engine over random histories, for every rule set (hypothesis)."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from donorclub.domain.eligibility import (
    DeferralFact,
    DonationFact,
    Donor,
    check_donation,
    evaluate,
    evaluate_kind,
    history_cutoff,
    trimmed_history,
)
from donorclub.domain.rulesets import load_rule_sets

RULE_SETS = load_rule_sets()
CODES = sorted(RULE_SETS)
TODAY = date(2025, 6, 1)

donors = st.builds(
    Donor,
    sex=st.sampled_from(["female", "male"]),
    date_of_birth=st.dates(min_value=date(1955, 1, 1), max_value=date(2010, 12, 31)),
    weight_kg=st.one_of(st.none(),
                        st.floats(min_value=40, max_value=120).map(lambda w: round(w, 1))),
)


@st.composite
def cases(draw, min_donations=0, beyond_days=0, within_days=None):
    """A donor, history, deferrals, rule set and day. The day is today or later than every
    donation (donations are history) unless `beyond_days` lets some fall after it;
    `within_days` crowds the donations into that many days before the day."""
    rule_set = RULE_SETS[draw(st.sampled_from(CODES))]
    kinds = st.sampled_from(rule_set.kinds)
    on = draw(st.dates(min_value=date(2024, 1, 1), max_value=TODAY))
    donation = st.builds(
        lambda kind, day, volume: DonationFact(kind, day, volume,
                                               rule_set.kind_rules[kind].default_units),
        kinds, st.dates(min_value=date(2022, 1, 1) if within_days is None
                        else on - timedelta(days=within_days),
                        max_value=on + timedelta(days=beyond_days)),
        st.integers(min_value=100, max_value=900))
    history = draw(st.lists(donation, min_size=min_donations, max_size=30))
    deferral = st.builds(
        lambda start, length, some: DeferralFact(
            start, None if length is None else start + timedelta(days=length),
            frozenset(some) if some else None, "test"),
        st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 6, 1)),
        st.one_of(st.none(), st.integers(min_value=1, max_value=400)),
        st.lists(kinds, max_size=2, unique=True))
    deferrals = draw(st.lists(deferral, max_size=2))
    return draw(donors), history, deferrals, rule_set, on


SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases())
def test_next_date_is_today_exactly_when_eligible(case):
    donor, history, deferrals, rule_set, on = case
    for result in evaluate(donor, history, deferrals, rule_set, on).kinds.values():
        assert result.next_date is None or result.next_date >= on
        assert result.eligible == (result.next_date == on)
        if not result.eligible:
            assert any(r.blocking for r in result.reasons)


@SETTINGS
@given(cases())
def test_next_date_is_never_before_any_constraint(case):
    donor, history, deferrals, rule_set, on = case
    for kind, result in evaluate(donor, history, deferrals, rule_set, on).kinds.items():
        if result.next_date is None:
            continue
        for reason in result.reasons:
            if reason.blocking:
                assert reason.clears_on is not None and result.next_date >= reason.clears_on
        for donation in history:
            if donation.on <= on:
                wait = rule_set.interval(donation.kind, kind, donor.sex)
                assert result.next_date >= wait.after(donation.on)
        for deferral in deferrals:
            if deferral.applies_to(kind):
                assert not deferral.blocks(result.next_date)


@SETTINGS
@given(cases())
def test_day_before_next_date_is_refused_and_next_date_allowed(case):
    donor, history, deferrals, rule_set, on = case
    first = evaluate(donor, history, deferrals, rule_set, on)
    for kind, result in first.kinds.items():
        if result.next_date is None or result.next_date == on:
            continue
        on_the_day = evaluate(donor, history, deferrals, rule_set, result.next_date)[kind]
        assert on_the_day.eligible, (kind, result, on_the_day)
        day_before = evaluate(donor, history, deferrals, rule_set,
                              result.next_date - timedelta(days=1))[kind]
        assert not day_before.eligible


@SETTINGS
@given(cases(min_donations=1), st.data())
def test_adding_a_donation_never_brings_next_date_forward(case, data):
    # Donors with history already count as repeat donors, so one more donation can only add
    # waits (a first donation can lift the first-time age limit, which is right).
    donor, history, deferrals, rule_set, on = case
    assume(any(d.on < on for d in history))
    extra_kind = data.draw(st.sampled_from(rule_set.kinds))
    extra_on = data.draw(st.dates(min_value=date(2022, 1, 1), max_value=on))
    extra = DonationFact(extra_kind, extra_on, rule_set.kind_rules[extra_kind].default_volume_ml,
                         rule_set.kind_rules[extra_kind].default_units)
    before = evaluate(donor, history, deferrals, rule_set, on)
    after = evaluate(donor, [*history, extra], deferrals, rule_set, on)
    for kind in rule_set.kinds:
        old, new = before[kind].next_date, after[kind].next_date
        if old is None:
            assert new is None
        else:
            assert new is None or new >= old


@SETTINGS
@given(cases())
def test_a_donation_on_next_date_is_accepted_by_the_recording_check(case):
    donor, history, deferrals, rule_set, on = case
    for kind, result in evaluate(donor, history, deferrals, rule_set, on).kinds.items():
        if result.next_date is None:
            continue
        rule = rule_set.kind_rules[kind]
        new = DonationFact(kind, result.next_date, rule.default_volume_ml, rule.default_units)
        assert check_donation(donor, history, deferrals, rule_set, new) == []


def _exactly(answer):
    """Everything of an answer, the reasons' details included (equality leaves them out)."""
    return (answer.kind, answer.eligible, answer.next_date,
            [(r.code, r.clears_on, r.detail, r.blocking) for r in answer.reasons])


@SETTINGS
@given(cases(beyond_days=200))
def test_evaluate_kind_is_evaluate_for_that_kind(case):
    """The one-kind entry (lists that ask about one kind) answers exactly as `evaluate`, even
    with donations after the day asked about, which both must leave out."""
    donor, donations, deferrals, rule_set, on = case
    full = evaluate(donor, donations, deferrals, rule_set, on)
    for kind in rule_set.kinds:
        # A generator each time: evaluate_kind must read its arguments only once.
        one = evaluate_kind(donor, iter(donations), iter(deferrals), rule_set, kind, on)
        assert _exactly(one) == _exactly(full[kind])


def test_evaluate_kind_refuses_a_kind_the_rule_set_lacks():
    rule_set = RULE_SETS[CODES[0]]
    donor = Donor("female", date(1990, 5, 1), 60.0)
    with pytest.raises(KeyError):
        evaluate_kind(donor, [], [], rule_set, "no_such_kind", date(2025, 1, 1))


@SETTINGS
@given(st.one_of(cases(beyond_days=200), cases(within_days=500, beyond_days=30)))
def test_the_trimmed_history_gives_the_same_answers(case):
    """Lists over a whole club load only `trimmed_history`: every answer, reason and detail
    must be what the whole history gives (also for histories crowded around the cutoff)."""
    donor, donations, deferrals, rule_set, on = case
    trimmed = trimmed_history(donations, history_cutoff(rule_set, on))
    full, short = (evaluate(donor, d, deferrals, rule_set, on) for d in (donations, trimmed))
    for kind in rule_set.kinds:
        assert _exactly(short[kind]) == _exactly(full[kind])
        assert _exactly(evaluate_kind(donor, trimmed, deferrals, rule_set, kind, on)) == \
            _exactly(full[kind])


@SETTINGS
@given(cases())
def test_the_trimmed_history_keeps_one_donation_from_before_the_cutoff(case):
    donor, donations, deferrals, rule_set, on = case
    cutoff = history_cutoff(rule_set, on)
    trimmed = trimmed_history(donations, cutoff)
    older = [d for d in donations if d.on < cutoff]
    assert [d for d in trimmed if d.on >= cutoff] == [d for d in donations if d.on >= cutoff]
    assert [d for d in trimmed if d.on < cutoff] == (
        [max(older, key=lambda d: d.on)] if older else [])


def test_the_cutoff_reaches_past_every_interval_and_window():
    on = date(2025, 3, 31)
    for rule_set in RULE_SETS.values():
        cutoff = history_cutoff(rule_set, on)
        assert cutoff <= date(on.year, 1, 1) - timedelta(days=1)  # calendar-year caps
        for rule in rule_set.intervals.values():
            for wait in rule.by_sex.values():
                assert wait.after(cutoff - timedelta(days=1)) < on
