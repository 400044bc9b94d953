"""Rule-set files: the built-in ones are complete, and malformed files are refused by name."""
from datetime import date
from pathlib import Path

import pytest

from donorclub.domain.dates import Duration
from donorclub.domain.rulesets import (
    BUILTIN_DIR,
    RuleSetError,
    load_rule_set_file,
    load_rule_sets,
)

MINIMAL = '''
code = "local"
name = "Local test rules"
summary = "A small rule set for tests."
in_force = true
kinds = ["whole_blood"]

[sources]
"T-1" = "Test source"

[kind.whole_blood]
volumes_ml = [450]
default_volume_ml = 450
sources = ["T-1"]

[[intervals]]
from = "whole_blood"
to = "whole_blood"
weeks = 10
sources = ["T-1"]

[age]
min = 18
sources = ["T-1"]

[weight]
min_kg = 50
sources = ["T-1"]
'''


def test_builtin_rule_sets_are_all_there(rule_sets):
    assert {"cn", "cn-draft-2025", "us", "uk"} <= set(rule_sets)
    assert rule_sets["cn"].in_force and not rule_sets["cn-draft-2025"].in_force
    assert rule_sets["cn"].kinds == ("whole_blood", "platelets")
    assert set(rule_sets["us"].kinds) == {"whole_blood", "platelets", "plasma", "double_red"}


def test_every_number_has_a_source_that_is_listed(rule_sets):
    for rule_set in rule_sets.values():
        items = [*rule_set.kind_rules.values(), *rule_set.intervals.values(), *rule_set.caps,
                 rule_set.age, rule_set.weight, *rule_set.deferral_reasons.values()]
        for item in items:
            assert item.sources, (rule_set.code, item)
            assert all(tag in rule_set.sources for tag in item.sources)


def test_draft_inherits_china_and_overrides_only_what_changed(rule_sets):
    cn, draft = rule_sets["cn"], rule_sets["cn-draft-2025"]
    assert draft.interval("whole_blood", "whole_blood", "male") == Duration(90, "days")
    assert draft.interval("whole_blood", "platelets", "male") == Duration(3, "months")
    assert (draft.age.max_first_time, draft.age.max_repeat) == (65, 65)
    assert (cn.age.max_first_time, cn.age.max_repeat) == (55, 60)
    assert draft.deferral_reasons.keys() == cn.deferral_reasons.keys()
    assert "NOT IN FORCE" in draft.name.upper() or "not in force" in draft.summary.lower()


def test_china_unconfirmed_cap_window_is_marked(rule_sets):
    caps = {cap.code: cap for cap in rule_sets["cn"].caps}
    assert all(cap.window == "rolling_12_months" and cap.unconfirmed for cap in caps.values())


def write(tmp_path: Path, text: str, name: str = "local.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_minimal_file_loads(tmp_path):
    rule_set = load_rule_set_file(write(tmp_path, MINIMAL))
    assert rule_set.interval("whole_blood", "whole_blood", "female") == Duration(10, "weeks")
    assert rule_set.age.max_first_time is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('weeks = 10', 'fortnights = 5'), "needs one of years, months"),
        (lambda t: t.replace('weeks = 10', 'weeks = 10\ndays = 3'), "give only one of"),
        (lambda t: t.replace('kinds = ["whole_blood"]', 'kinds = ["whole_blood", "plasma"]'),
         "kind.plasma: is missing"),
        (lambda t: t.replace('sources = ["T-1"]\n\n[age]', 'sources = ["T-9"]\n\n[age]'),
         "source 'T-9' is not listed"),
        (lambda t: t.replace('[weight]\nmin_kg = 50\nsources = ["T-1"]', ''), "weight: is missing"),
        (lambda t: t.replace('min = 18', 'min = 18\nmax_first_time = 10'),
         "minimum age is above the maximum"),
        (lambda t: t.replace('default_volume_ml = 450', 'default_volume_ml = 500'),
         "must be one of 'volumes_ml'"),
        (lambda t: t.replace('to = "whole_blood"', 'to = "blood"'), "unknown donation kind"),
        (lambda t: t.replace('in_force = true', 'in_force = "yes"'), "in_force"),
        (lambda t: t + '\n[[caps]]\ncode = "x"\nkinds = ["whole_blood"]\nwindow = "weekly"\n'
                       'max_count = 3\nsources = ["T-1"]\n', "window: must be one of"),
        (lambda t: t.replace('min_kg = 50', 'min_kg = { male = 50 }'),
         "give a value for each of female, male"),
        (lambda t: t.replace('code = "local"', 'code = "local"\ninherits = "nowhere"'),
         "'inherits' names 'nowhere'"),
        (lambda t: t + "\n[[oops", "not valid TOML"),
    ],
)
def test_malformed_files_are_refused_with_the_file_and_the_problem(tmp_path, change, message):
    path = write(tmp_path, change(MINIMAL))
    with pytest.raises(RuleSetError) as error:
        load_rule_set_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_missing_interval_pair_is_named(tmp_path):
    text = MINIMAL.replace('kinds = ["whole_blood"]', 'kinds = ["whole_blood", "plasma"]')
    text += ('\n[kind.plasma]\nmin_volume_ml = 400\nmax_volume_ml = 800\n'
             'default_volume_ml = 600\nsources = ["T-1"]\n')
    with pytest.raises(RuleSetError, match="missing whole_blood -> plasma, plasma -> whole_blood"):
        load_rule_set_file(write(tmp_path, text))


def test_an_installation_can_add_its_own_rule_set(tmp_path):
    write(tmp_path, MINIMAL)
    rule_sets = load_rule_sets(BUILTIN_DIR, tmp_path)
    assert "local" in rule_sets and "cn" in rule_sets


def test_a_local_file_may_inherit_a_builtin_one(tmp_path, rule_sets):
    text = ('code = "anshan"\ninherits = "cn"\nname = "Anshan club rules"\n'
            'summary = "China with a longer platelet wait."\n'
            '[sources]\n"L-1" = "Club decision, 2026"\n'
            '[[intervals]]\nfrom = "platelets"\nto = "platelets"\nweeks = 4\nsources = ["L-1"]\n')
    local = load_rule_set_file(write(tmp_path, text, "anshan.toml"), rule_sets)
    assert local.interval("platelets", "platelets", "male") == Duration(4, "weeks")
    assert local.interval("whole_blood", "whole_blood", "male") == Duration(6, "months")
    assert local.effective_from == date(2012, 7, 1)


def test_a_local_file_may_not_reuse_a_builtin_code(tmp_path):
    write(tmp_path, MINIMAL.replace('code = "local"', 'code = "cn"'))
    with pytest.raises(RuleSetError, match="already used"):
        load_rule_sets(BUILTIN_DIR, tmp_path)


# --- recognition: milestones and the national award ---------------------------------------

RECOGNITION = '''
[milestones.donations]
thresholds = [1, 5, 10]
gallon = 8
sources = ["T-1"]

[milestones.whole_blood_ml]
thresholds = [1000, 5000]
sources = ["T-1"]

[milestones.listed_referrals]
thresholds = [10]
sources = ["T-1"]

[milestones.marrow_donations]
thresholds = [1]
sources = ["T-1"]

[milestones.volunteer_hours]
thresholds = []
sources = ["T-1"]

[national_award]
bronze = 20
silver = 30
gold = 40
lifetime_golds = 3
lifetime_first_cycle = 2020
cycle_years = 2
cycle_anchor = 2020
sources = ["T-1"]
'''


def test_builtin_rule_sets_carry_sourced_milestones(rule_sets):
    for rule_set in rule_sets.values():
        assert set(rule_set.milestones) == {"donations", "whole_blood_ml", "listed_referrals",
                                            "marrow_donations", "volunteer_hours"}
        for steps in rule_set.milestones.values():
            assert steps.thresholds and steps.sources, (rule_set.code, steps.category)
            assert all(tag in rule_set.sources for tag in steps.sources)
    assert rule_sets["cn"].milestones["volunteer_hours"].sources == ("CN-24",)
    assert rule_sets["uk"].milestones["donations"].sources == ("UK-12",)
    assert rule_sets["us"].milestones["donations"].gallon == 8
    assert all(t == 1 or t % 8 == 0 for t in rule_sets["us"].milestones["donations"].thresholds)


def test_only_china_has_the_national_award_and_the_draft_inherits_both_tables(rule_sets):
    cn, draft = rule_sets["cn"], rule_sets["cn-draft-2025"]
    assert cn.national_award is not None and draft.national_award == cn.national_award
    assert draft.milestones == cn.milestones
    assert all(tag in cn.sources for tag in cn.national_award.sources)
    assert {"CN-19", "CN-21", "CN-22"} <= set(cn.national_award.sources)
    assert rule_sets["us"].national_award is None and rule_sets["uk"].national_award is None


def test_recognition_tables_load(tmp_path):
    rule_set = load_rule_set_file(write(tmp_path, MINIMAL + RECOGNITION))
    assert rule_set.milestones["donations"].thresholds == (1, 5, 10)
    assert rule_set.milestones["donations"].gallon == 8
    assert rule_set.milestones["volunteer_hours"].thresholds == ()
    assert (rule_set.national_award.silver, rule_set.national_award.cycle_anchor) == (30, 2020)


def test_a_file_without_recognition_tables_has_none(tmp_path):
    rule_set = load_rule_set_file(write(tmp_path, MINIMAL))
    assert rule_set.milestones == {} and rule_set.national_award is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("thresholds = [1, 5, 10]", "thresholds = [1, 10, 5]",
         "milestones.donations.thresholds: must be in ascending order"),
        ("thresholds = [1, 5, 10]", "thresholds = [0, 5, 10]",
         "milestones.donations.thresholds: must all be above zero"),
        ("thresholds = [1, 5, 10]", "thresholds = [1, 5, 5]",
         "milestones.donations.thresholds: must be in ascending order, each once"),
        ("thresholds = [1000, 5000]", 'thresholds = ["1000"]',
         "milestones.whole_blood_ml.thresholds: must be whole numbers"),
        ("thresholds = [1000, 5000]", "thresholds = [1000, 5000.5]",
         "milestones.whole_blood_ml.thresholds: must be whole numbers"),
        ("thresholds = [10]", "thresholds = 10", "milestones.listed_referrals.thresholds: must be"),
        ("thresholds = [1]\n", "thresholds = [1]\ngallon = 8\n",
         "milestones.marrow_donations.gallon: unknown key"),
        ("gallon = 8", "gallon = 0", "milestones.donations.gallon: must be a whole number"),
        ("gallon = 8", "galon = 8", "milestones.donations.galon: unknown key"),
        ("[milestones.listed_referrals]", "[milestones.referrals]",
         "milestones.referrals: unknown key"),
        ('[milestones.volunteer_hours]\nthresholds = []\nsources = ["T-1"]\n', "",
         "milestones.volunteer_hours: is missing"),
        ('thresholds = [10]\nsources = ["T-1"]', "thresholds = [10]",
         "milestones.listed_referrals: needs 'sources'"),
        ("silver = 30", "silver = 20", "national_award.silver: must be above bronze"),
        ("gold = 40", "gold = 30", "national_award.gold: must be above silver"),
        ("bronze = 20", "bronze = 0", "national_award.bronze: must be a whole number"),
        ("gold = 40", 'gold = "40"', "national_award.gold: must be a whole number"),
        ("lifetime_golds = 3\n", "", "national_award.lifetime_golds: must be a whole number"),
        ("lifetime_first_cycle = 2020", "lifetime_first_cycle = 2021",
         "national_award.lifetime_first_cycle: must be the start year of a cycle"),
        ("cycle_years = 2", "cycle_years = 2\nplatinum = 50",
         "national_award.platinum: unknown key"),
        ('cycle_anchor = 2020\nsources = ["T-1"]', 'cycle_anchor = 2020\nsources = ["T-7"]',
         "national_award: source 'T-7' is not listed"),
    ],
)
def test_bad_recognition_tables_are_refused_with_the_file_and_the_key(tmp_path, old, new,
                                                                      message):
    assert old in RECOGNITION
    path = write(tmp_path, MINIMAL + RECOGNITION.replace(old, new, 1))
    with pytest.raises(RuleSetError) as error:
        load_rule_set_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_local_file_inheriting_china_may_change_one_milestone_category(tmp_path, rule_sets):
    text = ('code = "anshan"\ninherits = "cn"\nname = "Anshan club rules"\n'
            'summary = "China with club milestones."\n'
            '[sources]\n"L-1" = "Club decision, 2026"\n'
            '[milestones.donations]\nthresholds = [1, 10, 55]\nsources = ["L-1"]\n')
    local = load_rule_set_file(write(tmp_path, text, "anshan.toml"), rule_sets)
    assert local.milestones["donations"].thresholds == (1, 10, 55)
    assert local.milestones["volunteer_hours"] == rule_sets["cn"].milestones["volunteer_hours"]
    assert local.national_award == rule_sets["cn"].national_award
