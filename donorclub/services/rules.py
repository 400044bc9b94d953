"""The rule sets the installation knows, and which one a club follows."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from ..domain.rulesets import RuleSet
from ..models import Club
from .errors import NotFound


def rule_sets() -> dict[str, RuleSet]:
    """Every rule set, built-in and the installation's own, keyed by code."""
    return current_app.extensions["donorclub.rule_sets"]


def get_rule_set(code: str) -> RuleSet:
    try:
        return rule_sets()[code]
    except KeyError:
        raise NotFound(_("No rule set with the code %(code)s.", code=code)) from None


def rule_set_for(club: Club) -> RuleSet:
    return get_rule_set(club.rule_set)
