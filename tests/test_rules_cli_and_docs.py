"""`rules show`, `rules check`, start-up with an installation's rule sets, and docs/rules.md."""
from pathlib import Path

import pytest

from donorclub import create_app
from donorclub.domain.ruleset_markdown import MARKER, documentation, to_markdown
from donorclub.domain.rulesets import load_rule_sets

from .domain.test_rulesets import MINIMAL

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_show_lists_every_rule_set(runner):
    result = runner.invoke(args=["rules", "show"])
    assert result.exit_code == 0
    assert "cn-draft-2025" in result.output and "NOT IN FORCE" in result.output
    assert {"cn", "us", "uk"} <= {line.split()[0] for line in result.output.splitlines()}


def test_rules_show_prints_numbers_and_sources(runner):
    result = runner.invoke(args=["rules", "show", "cn"])
    assert result.exit_code == 0
    assert "| whole blood | whole blood | 6 months | [CN-1]" in result.output
    assert "first-time donors to 55, repeat donors to 60" in result.output
    assert "- [CN-1] " in result.output


def test_rules_show_unknown_code_fails(runner):
    result = runner.invoke(args=["rules", "show", "mars"])
    assert result.exit_code != 0 and "mars" in result.output


def test_rules_check_accepts_a_good_file_and_names_the_problem_in_a_bad_one(runner, tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(MINIMAL)
    result = runner.invoke(args=["rules", "check", str(good)])
    assert result.exit_code == 0 and "is valid" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace("weeks = 10", "weeks = -1"))
    result = runner.invoke(args=["rules", "check", str(bad)])
    assert result.exit_code != 0
    assert str(bad) in result.output and "intervals[0].weeks" in result.output


def test_installation_rule_sets_are_loaded_at_start(tmp_path):
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "rulesets" / "local.toml").write_text(MINIMAL)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "testing"})
    assert "local" in app.extensions["donorclub.rule_sets"]


def test_a_malformed_installation_rule_set_stops_the_start(tmp_path):
    (tmp_path / "rulesets").mkdir()
    broken = tmp_path / "rulesets" / "broken.toml"
    broken.write_text(MINIMAL.replace('[weight]\nmin_kg = 50\nsources = ["T-1"]', ""))
    with pytest.raises(RuntimeError) as error:
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "testing"})
    assert str(broken) in str(error.value) and "weight: is missing" in str(error.value)


def test_docs_rules_tables_match_the_data_files():
    text = DOCS.read_text()
    assert MARKER in text
    generated = text.split(MARKER, 1)[1].strip()
    assert generated == documentation(load_rule_sets()).strip(), (
        "docs/rules.md is out of date: run `make rules-doc`")


def test_markdown_marks_sets_not_in_force():
    assert "Not in force" in to_markdown(load_rule_sets()["cn-draft-2025"])
