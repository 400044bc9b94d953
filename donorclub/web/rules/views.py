"""Rule-set pages; public, since rules are no secret and members should see why."""
from flask import render_template

from ...services import rules
from . import bp


@bp.route("/")
def index():
    return render_template("rules/index.html", rule_sets=list(rules.rule_sets().values()))


@bp.route("/<code>")
def detail(code: str):
    return render_template("rules/detail.html", rule_set=rules.get_rule_set(code))
