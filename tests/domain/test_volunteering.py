"""Star levels by volunteer hours (China, newer edition [CN-24]) and what counts as hours."""
from decimal import Decimal

import pytest

from donorclub.domain.volunteering import (
    CN_STAR_LEVELS,
    STAR_LEVELS,
    StarLevel,
    hours_problem,
    levels_for,
    star_level,
)


def test_china_levels_are_the_newer_edition_with_their_source():
    assert [s.hours for s in CN_STAR_LEVELS] == [100, 300, 600, 1000, 1500]
    assert [s.level for s in CN_STAR_LEVELS] == [1, 2, 3, 4, 5]
    assert all(s.source == "[CN-24]" for s in CN_STAR_LEVELS)


@pytest.mark.parametrize(("hours", "expected"), [
    (0, (0, 100)), (99.75, (0, 100)), (100, (1, 300)), (299.75, (1, 300)), (300, (2, 600)),
    (600, (3, 1000)), (999.75, (3, 1000)), (1000, (4, 1500)), (1499.75, (4, 1500)),
    (1500, (5, None)), (3200, (5, None)),
])
def test_star_level_at_and_around_each_threshold(hours, expected):
    assert star_level(hours, CN_STAR_LEVELS) == expected


def test_no_levels_means_no_star_and_nothing_to_reach():
    assert star_level(5000, ()) == (0, None)


def test_levels_need_not_be_sorted():
    levels = [StarLevel(2, 50, "x"), StarLevel(1, 10, "x")]
    assert star_level(20, levels) == (1, 50)
    assert star_level(50, levels) == (2, None)


def test_levels_are_kept_per_rule_set():
    assert levels_for("cn") == levels_for("cn-draft-2025") == CN_STAR_LEVELS
    assert levels_for("us") == levels_for("uk") == levels_for("unknown") == ()
    assert set(STAR_LEVELS) == {"cn", "cn-draft-2025"}


@pytest.mark.parametrize("hours", [0.25, 1, "2.5", Decimal("3.75"), 24, "24.00"])
def test_quarter_hours_up_to_a_day_are_accepted(hours):
    assert hours_problem(hours) is None


@pytest.mark.parametrize(("hours", "code"), [
    (None, "missing"), ("", "missing"), ("abc", "not_a_number"), ("NaN", "not_a_number"),
    ("Infinity", "not_a_number"), (0, "not_positive"), (-1, "not_positive"),
    (24.25, "over_a_day"), (100, "over_a_day"), (1.1, "not_quarter"), ("0.125", "not_quarter"),
    (Decimal("2.333"), "not_quarter"),
])
def test_hours_problems_are_named(hours, code):
    assert hours_problem(hours) == code
