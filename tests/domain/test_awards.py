"""Club recognition: award counts per rule set, milestone plans and the milestones members earn."""
from dataclasses import replace
from datetime import date

import pytest

from donorclub.domain.awards import (
    CATEGORIES,
    CountedDonation,
    Figures,
    InvalidPlan,
    Milestone,
    MilestonePlan,
    RecognitionFacts,
    award_count,
    counted_donations,
    default_plan,
    earned_milestones,
    figures_on,
    parse_award_code,
    parse_thresholds,
    plan_from_mapping,
    plan_to_mapping,
    progress,
)
from donorclub.domain.eligibility import DonationFact


def wb(on: date, ml: int = 400) -> CountedDonation:
    return CountedDonation(on=on, kind="whole_blood", volume_ml=ml, units=None, count=ml / 200)


def worth(count: float, on: date, kind: str = "platelets") -> CountedDonation:
    return CountedDonation(on=on, kind=kind, volume_ml=250, units=1, count=count)


# --- counting --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "fact", "count"),
    [
        ("cn", DonationFact("whole_blood", date(2024, 1, 1), 200), 1.0),
        ("cn", DonationFact("whole_blood", date(2024, 1, 1), 300), 1.5),
        ("cn", DonationFact("whole_blood", date(2024, 1, 1), 400), 2.0),
        ("cn", DonationFact("platelets", date(2024, 1, 1), 250, units=2), 2.0),
        ("cn", DonationFact("platelets", date(2009, 12, 31), 250, units=2), 8.0),  # legacy 4x
        ("cn", DonationFact("platelets", date(2010, 1, 1), 250, units=1), 1.0),
        ("cn", DonationFact("plasma", date(2024, 1, 1), 600), 0.0),  # not counted in China
        ("us", DonationFact("whole_blood", date(2024, 1, 1), 500), 1.0),
        ("us", DonationFact("double_red", date(2024, 1, 1), 360), 2.0),  # Power Red
        ("uk", DonationFact("platelets", date(2024, 1, 1), 400, units=3), 3.0),
        ("uk", DonationFact("plasma", date(2024, 1, 1), 600), 2.0),
    ],
)
def test_each_donation_counts_what_its_rule_set_says(rule_sets, code, fact, count):
    (counted,) = counted_donations([fact], rule_sets[code])
    assert counted.count == count
    assert (counted.on, counted.kind, counted.volume_ml, counted.units) == (
        fact.on, fact.kind, fact.volume_ml, fact.units)


def test_counted_donations_are_sorted_by_date_keeping_same_day_order(rule_sets):
    facts = [DonationFact("whole_blood", date(2024, 5, 1), 400),
             DonationFact("platelets", date(2024, 1, 1), 250, units=1),
             DonationFact("platelets", date(2024, 1, 1), 250, units=2)]
    counted = counted_donations(facts, rule_sets["cn"])
    assert [(d.on, d.count) for d in counted] == [
        (date(2024, 1, 1), 1.0), (date(2024, 1, 1), 2.0), (date(2024, 5, 1), 2.0)]


def test_award_count_still_sums_the_history(rule_sets):
    facts = [DonationFact("whole_blood", date(2024, 1, 1), 400),
             DonationFact("whole_blood", date(2024, 7, 1), 300)]
    assert award_count(facts, rule_sets["cn"]) == 3.5


# --- codes and plans -------------------------------------------------------------------------

@pytest.mark.parametrize("milestone", [Milestone("donations", 40),
                                       Milestone("whole_blood_ml", 10000),
                                       Milestone("volunteer_hours", 1)])
def test_award_codes_round_trip(milestone):
    assert parse_award_code(milestone.code) == milestone


def test_award_code_format_is_stable():
    assert Milestone("donations", 40).code == "donations-40"
    assert Milestone("whole_blood_ml", 5000).code == "whole_blood_ml-5000"


@pytest.mark.parametrize("code", ["", "donations", "donations-", "donations-0", "donations-040",
                                  "donations--4", "gallons-8", "donations-4.5", "donations-١٠"])
def test_bad_award_codes_are_refused(code):
    with pytest.raises(ValueError, match="not an award code"):
        parse_award_code(code)


def test_default_plans_come_from_the_rule_sets(rule_sets):
    cn, us, uk = (default_plan(rule_sets[c]) for c in ("cn", "us", "uk"))
    assert cn.donations[:8] == (1, 5, 10, 20, 30, 40, 50, 100)
    assert cn.volunteer_hours == (100, 300, 600, 1000, 1500)
    assert cn.whole_blood_ml == (1000, 5000, 10000, 20000, 50000)
    assert cn.listed_referrals == (10, 50, 100, 500, 1000)
    assert cn.marrow_donations == (1,) and cn.gallon is None
    assert us.gallon == 8 and us.donations[:3] == (1, 8, 16) and us.donations[-1] == 25 * 8
    assert uk.donations == (1, 5, 10, 25, 50, 75, 100, 150, 250, 500, 750, 1000)
    assert default_plan(rule_sets["cn-draft-2025"]) == cn


def test_a_rule_set_without_milestones_gives_an_empty_plan(rule_sets):
    bare = replace(rule_sets["cn"], milestones={})
    assert default_plan(bare).milestones() == []


def test_plan_lists_milestones_in_category_order():
    plan = MilestonePlan(donations=(1, 5), volunteer_hours=(100,))
    assert [m.code for m in plan.milestones()] == [
        "donations-1", "donations-5", "volunteer_hours-100"]


def test_saved_plan_overrides_only_the_categories_it_names(rule_sets):
    base = default_plan(rule_sets["us"])
    plan = plan_from_mapping({"donations": [1, 10, 25], "marrow_donations": []}, base)
    assert plan.donations == (1, 10, 25) and plan.marrow_donations == ()
    assert plan.whole_blood_ml == base.whole_blood_ml and plan.gallon == 8
    assert plan_from_mapping(plan_to_mapping(plan), base) == plan
    assert plan_to_mapping(plan)["donations"] == [1, 10, 25]
    assert list(plan_to_mapping(plan)) == list(CATEGORIES)


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        ({"donations": [5, 1]}, {"donations": "not_ascending"}),
        ({"donations": [0, 1]}, {"donations": "not_positive"}),
        ({"donations": [-5]}, {"donations": "not_positive"}),
        ({"donations": [1, 1]}, {"donations": "not_ascending"}),
        ({"donations": [1, 2.5]}, {"donations": "not_integer"}),
        ({"donations": ["1"]}, {"donations": "not_integer"}),
        ({"donations": [True]}, {"donations": "not_integer"}),
        ({"donations": "1, 5"}, {"donations": "not_a_list"}),
        ({"donations": list(range(1, 32))}, {"donations": "too_many"}),
        ({"gallons": [8]}, {"gallons": "unknown_category"}),
        ({"donations": [2, 1], "volunteer_hours": [0]},
         {"donations": "not_ascending", "volunteer_hours": "not_positive"}),
    ],
)
def test_bad_saved_plans_name_each_problem(data, problems):
    with pytest.raises(InvalidPlan) as error:
        plan_from_mapping(data, MilestonePlan())
    assert error.value.problems == problems


def test_thirty_steps_are_allowed():
    plan = plan_from_mapping({"donations": list(range(1, 31))}, MilestonePlan())
    assert len(plan.donations) == 30


@pytest.mark.parametrize(
    ("text", "thresholds"),
    [
        ("1, 5, 10 20", (1, 5, 10, 20)),
        ("1，5、10", (1, 5, 10)),
        ("  100\n300\t600 ", (100, 300, 600)),
        ("１０, ２０", (10, 20)),  # full-width digits from a Chinese keyboard
        ("", ()),
    ],
)
def test_typed_thresholds_are_read(text, thresholds):
    assert parse_thresholds(text) == thresholds


@pytest.mark.parametrize(
    ("text", "code"),
    [("1, five", "not_integer"), ("1, 2.5", "not_integer"), ("1, -5", "not_integer"),
     ("10, 5", "not_ascending"), ("5, 5", "not_ascending"), ("0, 5", "not_positive"),
     ("²", "not_integer")],
)
def test_garbage_thresholds_are_refused(text, code):
    with pytest.raises(InvalidPlan) as error:
        parse_thresholds(text)
    assert error.value.problems == {"thresholds": code}


# --- earned milestones and progress ----------------------------------------------------------

def test_figures_count_everything_up_to_and_including_the_day():
    facts = RecognitionFacts(
        donations=(wb(date(2024, 1, 1)), worth(2.0, date(2024, 2, 1)), wb(date(2024, 9, 1), 300)),
        listed_referrals=(date(2024, 1, 15), date(2025, 1, 1)),
        marrow_donations=(date(2024, 2, 1),),
        volunteer_hours=((date(2024, 1, 1), 2.5), (date(2024, 2, 1), 0.25)))
    assert figures_on(facts, date(2024, 2, 1)) == Figures(
        count=4.0, donations=2, whole_blood_ml=400, total_ml=650, listed_referrals=1,
        marrow_donations=1, volunteer_hours=2.75)
    assert figures_on(facts, date(2023, 12, 31)) == Figures(0.0, 0, 0, 0, 0, 0, 0.0)


def test_a_donation_that_jumps_past_a_threshold_reaches_it():
    facts = RecognitionFacts(donations=(worth(39.0, date(2024, 1, 1)),
                                        worth(2.0, date(2024, 3, 1))))
    (earned,) = earned_milestones(facts, MilestonePlan(donations=(40,)), date(2024, 12, 31))
    assert earned.milestone.code == "donations-40" and earned.reached_on == date(2024, 3, 1)
    assert earned.figures.count == 41.0 and earned.figures.donations == 2


@pytest.mark.parametrize(
    ("counts", "threshold", "reached_by"),
    [
        ([39.5, 0.5], 40, 2),  # 300 ml donors land on halves: 39.5 + 0.5 is exactly 40
        ([1.5] * 26 + [1.0], 40, 27),  # 39 + 1
        ([0.1] * 100, 10, 100),  # a float sum stops at 9.99999999999998; an exact one at 10
        ([0.3] * 130, 39, 130),  # a float sum stops at 38.999999999999986
        ([1.55] * 25 + [1.25], 40, 26),  # 38.75 + 1.25
    ],
)
def test_fractional_counts_reach_the_threshold_exactly(counts, threshold, reached_by):
    days = [date(2000, 1, 1).fromordinal(date(2000, 1, 1).toordinal() + i)
            for i in range(len(counts))]
    facts = RecognitionFacts(donations=tuple(worth(c, d) for c, d in zip(counts, days,
                                                                        strict=True)))
    plan = MilestonePlan(donations=(threshold,))
    (earned,) = earned_milestones(facts, plan, date(2030, 1, 1))
    assert earned.reached_on == days[reached_by - 1]
    assert earned.figures.count == threshold


def test_just_below_a_threshold_is_not_reached():
    facts = RecognitionFacts(donations=tuple(worth(1.5, date(2020, 1, d)) for d in range(1, 14)))
    assert earned_milestones(facts, MilestonePlan(donations=(20,)), date(2030, 1, 1)) == []
    (row,) = [p for p in progress(facts, MilestonePlan(donations=(20,)), date(2030, 1, 1))
              if p.category == "donations"]
    assert row.current == 19.5 and row.remaining == 0.5


def test_milestones_are_ordered_by_day_then_category_and_stop_at_the_day_asked():
    facts = RecognitionFacts(
        donations=(wb(date(2024, 1, 1)), wb(date(2024, 7, 1)), wb(date(2025, 1, 1))),
        listed_referrals=(date(2024, 1, 1),),
        marrow_donations=(date(2023, 6, 1),),
        volunteer_hours=((date(2024, 7, 1), 100.0),))
    plan = MilestonePlan(donations=(1, 4, 6), whole_blood_ml=(1000,), listed_referrals=(1,),
                         marrow_donations=(1,), volunteer_hours=(100,))
    earned = earned_milestones(facts, plan, date(2024, 12, 31))
    assert [(e.reached_on, e.milestone.code) for e in earned] == [
        (date(2023, 6, 1), "marrow_donations-1"),
        (date(2024, 1, 1), "donations-1"),
        (date(2024, 1, 1), "listed_referrals-1"),
        (date(2024, 7, 1), "donations-4"),
        (date(2024, 7, 1), "volunteer_hours-100"),
    ]
    assert earned[3].figures.whole_blood_ml == 800
    later = earned_milestones(facts, plan, date(2025, 1, 1))
    assert {e.milestone.code for e in later} - {e.milestone.code for e in earned} == {
        "donations-6", "whole_blood_ml-1000"}


def test_one_donation_can_reach_several_thresholds_at_once():
    facts = RecognitionFacts(donations=(worth(8.0, date(2009, 6, 1)),))
    earned = earned_milestones(facts, MilestonePlan(donations=(1, 5, 10)), date(2010, 1, 1))
    assert [e.milestone.threshold for e in earned] == [1, 5]


def test_whole_blood_volume_counts_only_whole_blood():
    facts = RecognitionFacts(donations=(wb(date(2024, 1, 1)), worth(2.0, date(2024, 2, 1)),
                                        wb(date(2024, 8, 1))))
    (earned,) = earned_milestones(facts, MilestonePlan(whole_blood_ml=(800,)), date(2025, 1, 1))
    assert earned.reached_on == date(2024, 8, 1) and earned.figures.total_ml == 1050


def test_progress_shows_the_next_milestone_and_the_distance(rule_sets):
    facts = RecognitionFacts(donations=tuple(wb(date(2020 + i // 2, 1 + 6 * (i % 2), 1))
                                             for i in range(7)),
                             volunteer_hours=((date(2021, 1, 1), 1600.0),))
    rows = {p.category: p for p in progress(facts, default_plan(rule_sets["cn"]),
                                            date(2030, 1, 1))}
    assert list(rows) == list(CATEGORIES)
    assert rows["donations"].current == 14.0
    assert rows["donations"].next == Milestone("donations", 20)
    assert rows["donations"].remaining == 6.0
    assert rows["whole_blood_ml"].next == Milestone("whole_blood_ml", 5000)
    assert rows["whole_blood_ml"].remaining == 2200.0
    assert rows["volunteer_hours"].next is None and rows["volunteer_hours"].remaining is None
    assert rows["listed_referrals"].remaining == 10.0


def test_progress_counts_only_up_to_the_day_asked():
    facts = RecognitionFacts(donations=(wb(date(2024, 1, 1)), wb(date(2024, 7, 1))))
    (row, *_) = progress(facts, MilestonePlan(donations=(1, 5)), date(2024, 3, 1))
    assert (row.current, row.next, row.remaining) == (2.0, Milestone("donations", 5), 3.0)


def test_a_category_without_thresholds_has_no_next_milestone():
    (row, *_) = progress(RecognitionFacts(), MilestonePlan(), date(2024, 1, 1))
    assert (row.category, row.current, row.next, row.remaining) == ("donations", 0.0, None, None)
