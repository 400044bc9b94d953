"""Rule sets in two languages: `summary_zh` and `unconfirmed_zh` beside their English twins."""
import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from donorclub.domain.rulesets import RuleSet, RuleSetError, Sourced, load_rule_set_file

from .test_rulesets import MINIMAL, RECOGNITION

NOTE = 'sources = ["T-1"]\n\n[[intervals]]'
NOTE_EN = 'unconfirmed = "Ten weeks is a local choice."'
NOTE_ZH = 'unconfirmed_zh = "十周是本地的选择。"'


def write(tmp_path: Path, text: str, name: str = "local.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sourced_items(value):
    """Every Sourced table in a rule set, however deeply it sits (kind rules' own age and
    weight, milestones, the national award), so a new sourced table is covered too."""
    if isinstance(value, Sourced):
        yield value
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from sourced_items(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from sourced_items(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from sourced_items(item)


def test_the_chinese_texts_are_read(tmp_path):
    text = (MINIMAL.replace('summary = "A small rule set for tests."',
                            'summary = "A small rule set for tests."\n'
                            'summary_zh = "用于测试的小规则集。"')
            .replace(NOTE, f'sources = ["T-1"]\n{NOTE_EN}\n{NOTE_ZH}\n\n[[intervals]]'))
    rule_set = load_rule_set_file(write(tmp_path, text))
    assert rule_set.summary_zh == "用于测试的小规则集。"
    rule = rule_set.kind_rules["whole_blood"]
    assert (rule.unconfirmed, rule.unconfirmed_zh) == ("Ten weeks is a local choice.",
                                                       "十周是本地的选择。")


def test_a_file_without_chinese_texts_still_loads_and_leaves_them_empty(tmp_path):
    text = MINIMAL.replace(NOTE, f'sources = ["T-1"]\n{NOTE_EN}\n\n[[intervals]]')
    rule_set = load_rule_set_file(write(tmp_path, text))
    assert rule_set.summary_zh == ""
    assert rule_set.kind_rules["whole_blood"].unconfirmed == "Ten weeks is a local choice."
    assert rule_set.kind_rules["whole_blood"].unconfirmed_zh == ""


def test_recognition_tables_may_carry_a_chinese_note(tmp_path):
    text = MINIMAL + RECOGNITION.replace(
        "cycle_anchor = 2020\n", f"cycle_anchor = 2020\n{NOTE_EN}\n{NOTE_ZH}\n", 1)
    rule_set = load_rule_set_file(write(tmp_path, text))
    assert rule_set.national_award.unconfirmed_zh == "十周是本地的选择。"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('summary = "A small rule set for tests."',
         'summary = "A small rule set for tests."\nsummary_zh = 3', "summary_zh: must be"),
        ('summary = "A small rule set for tests."',
         'summary = "A small rule set for tests."\nsummary_zh = ""', "summary_zh: must be"),
        (NOTE, f'sources = ["T-1"]\n{NOTE_EN}\nunconfirmed_zh = ["十周"]\n\n[[intervals]]',
         "kind.whole_blood: 'unconfirmed_zh' must be text"),
        (NOTE, f'sources = ["T-1"]\n{NOTE_ZH}\n\n[[intervals]]',
         "kind.whole_blood: 'unconfirmed_zh' needs 'unconfirmed'"),
        ('weeks = 10\nsources = ["T-1"]', f'weeks = 10\nsources = ["T-1"]\n{NOTE_ZH}',
         "intervals[0]: 'unconfirmed_zh' needs 'unconfirmed'"),
    ],
)
def test_bad_chinese_texts_are_refused_with_the_file_and_the_key(tmp_path, old, new, message):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(RuleSetError) as error:
        load_rule_set_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_every_builtin_text_has_its_chinese(rule_sets):
    for rule_set in rule_sets.values():
        assert rule_set.summary_zh, rule_set.code
        items = list(sourced_items(rule_set))
        assert len(items) > 10, rule_set.code
        for item in items:
            assert bool(item.unconfirmed_zh) == bool(item.unconfirmed), (rule_set.code, item)


def test_the_chinese_keeps_the_numbers_of_the_english(rule_sets):
    """A cheap guard against a translation that changed a number: every number written in
    digits in the English note appears in the Chinese one."""

    def numbers(text: str) -> set[str]:
        return set(re.findall(r"\d+(?:\.\d+)?", text))

    for rule_set in rule_sets.values():
        texts = [(rule_set.summary, rule_set.summary_zh)]
        texts += [(i.unconfirmed, i.unconfirmed_zh) for i in sourced_items(rule_set)
                  if i.unconfirmed]
        for english, chinese in texts:
            assert numbers(english) <= numbers(chinese), (rule_set.code, english)


def test_a_local_file_changing_an_english_text_does_not_keep_the_parents_chinese(
        tmp_path, rule_sets: dict[str, RuleSet]):
    cn = rule_sets["cn"]
    platelets = cn.kind_rules["platelets"]
    assert cn.summary_zh and platelets.unconfirmed_zh
    text = ('code = "anshan"\ninherits = "cn"\nname = "Anshan club rules"\n'
            'summary = "China with a local platelet note."\n'
            '[kind.platelets]\nunconfirmed = "Our station records 250 ml."\n')
    local = load_rule_set_file(write(tmp_path, text, "anshan.toml"), rule_sets)
    assert local.summary_zh == ""  # shown in English rather than China's Chinese summary
    assert local.name_zh == "Anshan club rules"
    assert local.kind_rules["platelets"].unconfirmed == "Our station records 250 ml."
    assert local.kind_rules["platelets"].unconfirmed_zh == ""
    # What the file does not touch keeps its translation.
    cap = next(c for c in local.caps if c.code == "platelet_donations_per_year")
    assert cap.unconfirmed_zh == next(c for c in cn.caps if c.code == cap.code).unconfirmed_zh
