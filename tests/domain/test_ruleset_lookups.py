"""The per-kind tables a rule set builds once for the engine agree with its plain lookups."""
import pytest

from donorclub.domain.rulesets import KINDS, SEXES

UNKNOWN = "granulocytes"  # a kind in imported history that no rule set knows


@pytest.mark.parametrize("sex", SEXES)
def test_waits_before_a_kind_are_the_intervals_into_it(rule_sets, sex):
    for rule_set in rule_sets.values():
        for kind in KINDS:
            waits = rule_set.waits_before(kind, sex)
            for from_kind in (*KINDS, UNKNOWN):
                assert waits.get(from_kind) == rule_set.interval(from_kind, kind, sex)


def test_caps_for_a_kind_are_those_counting_it_in_file_order(rule_sets):
    for rule_set in rule_sets.values():
        for kind in (*KINDS, UNKNOWN):
            assert rule_set.caps_for(kind) == tuple(c for c in rule_set.caps if kind in c.kinds)


def test_the_tables_are_built_once_per_rule_set(rule_sets):
    rule_set = rule_sets["cn"]
    assert rule_set.waits_before("platelets", "male") is rule_set.waits_before("platelets", "male")
    assert rule_set.caps_for("platelets") is rule_set.caps_for("platelets")
