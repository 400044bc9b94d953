"""Domain tests need no app: only the rule sets, loaded once."""
import pytest

from donorclub.domain.rulesets import load_rule_sets


@pytest.fixture(scope="session")
def rule_sets():
    return load_rule_sets()
