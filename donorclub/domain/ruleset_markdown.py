"""A rule set written out as Markdown: every number with its sources (for `rules show` and docs)."""
from __future__ import annotations

from .rulesets import AgeRule, NationalAwardRules, RuleSet, Sourced, WeightRule

KIND_NAMES = {"whole_blood": "whole blood", "platelets": "platelets", "plasma": "plasma",
              "double_red": "double red cells"}
MILESTONE_NAMES = {"donations": "donations (award count)", "whole_blood_ml": "whole blood (ml)",
                   "listed_referrals": "listed marrow referrals",
                   "marrow_donations": "marrow or stem-cell donations",
                   "volunteer_hours": "volunteer hours"}


def _sources(item: Sourced) -> str:
    text = ", ".join(f"[{tag}]" for tag in item.sources)
    if item.unconfirmed:
        text += f" UNCONFIRMED: {item.unconfirmed}"
    return text


def _per_sex(values: dict, unit: str = "") -> str:
    shown = {sex: f"{value:g}" if isinstance(value, float) else str(value)
             for sex, value in values.items()}
    if len(set(shown.values())) == 1:
        return f"{next(iter(shown.values()))}{unit}"
    return ", ".join(f"{sex} {value}{unit}" for sex, value in sorted(shown.items()))


def _age(age: AgeRule) -> str:
    text = f"from {_per_sex(age.min_age)}"
    if age.max_first_time is None:
        return text + ", no upper limit"
    text += f"; first-time donors to {age.max_first_time}"
    if age.max_repeat != age.max_first_time:
        text += f", repeat donors to {age.max_repeat}"
    return text


def _weight(weight: WeightRule) -> str:
    return "no minimum" if weight.min_kg is None else f"at least {_per_sex(weight.min_kg, ' kg')}"


def _national_award(award: NationalAwardRules) -> list[str]:
    def cycle(start: int) -> str:
        return f"{start}–{start + award.cycle_years - 1}"

    later = award.cycle_anchor + award.cycle_years
    return [
        "", "| national Dedication Award (无偿献血奉献奖) | rule |", "|---|---|",
        f"| bronze 铜奖 | award count {award.bronze} |",
        f"| silver 银奖 | award count {award.silver} |",
        f"| gold 金奖 | award count {award.gold}; a later gold counts {award.gold} afresh from "
        "the donation after the one that completed the previous gold, at most one gold a cycle |",
        f"| lifetime honour 终身荣誉奖 | after {award.lifetime_golds} golds, once, in the cycle "
        f"after the last of them, from the {cycle(award.lifetime_first_cycle)} cycle on |",
        f"| cycles | {award.cycle_years} years: {cycle(award.cycle_anchor)}, {cycle(later)}, "
        "...; one nomination per member per cycle, the highest new level |",
        "", f"National award sources: {_sources(award)}",
    ]


def to_markdown(rule_set: RuleSet) -> str:
    """The whole rule set as a Markdown section."""
    rs = rule_set
    lines = [f"### `{rs.code}`: {rs.name}", ""]
    if not rs.in_force:
        lines += ["**Not in force: for what-if comparisons only.**", ""]
    lines += [rs.summary, ""]
    if rs.effective_from:
        lines += [f"In force from {rs.effective_from.isoformat()}.", ""]

    lines += ["| kind | volumes | therapeutic units | sources |", "|---|---|---|---|"]
    for kind in rs.kinds:
        rule = rs.kind_rules[kind]
        volumes = (", ".join(f"{v} ml" for v in rule.volumes_ml) if rule.volumes_ml
                   else f"{rule.min_volume_ml}-{rule.max_volume_ml} ml")
        units = ", ".join(str(u) for u in rule.units) if rule.units else "-"
        lines.append(f"| {KIND_NAMES[kind]} | {volumes} (default {rule.default_volume_ml}) "
                     f"| {units} | {_sources(rule)} |")

    lines += ["", "| after | before the next | wait | sources |", "|---|---|---|---|"]
    for (before, after), rule in rs.intervals.items():
        wait = _per_sex({sex: d.describe() for sex, d in rule.by_sex.items()})
        lines.append(f"| {KIND_NAMES[before]} | {KIND_NAMES[after]} | {wait} "
                     f"| {_sources(rule)} |")

    if rs.caps:
        lines += ["", "| cap | counts | limit | window | sources |", "|---|---|---|---|---|"]
        for cap in rs.caps:
            limits = []
            if cap.max_count:
                limits.append(f"{_per_sex(cap.max_count)} donations")
            if cap.max_volume_ml:
                limits.append(_per_sex(cap.max_volume_ml, " ml"))
            counts = " + ".join(KIND_NAMES[k] for k in sorted(cap.kinds))
            lines.append(f"| {cap.code} | {counts} | {' and '.join(limits)} "
                         f"| {cap.window.replace('_', ' ')} | {_sources(cap)} |")

    lines += ["", "| limit | applies to | value | sources |", "|---|---|---|---|",
              f"| age | every kind | {_age(rs.age)} | {_sources(rs.age)} |",
              f"| weight | every kind | {_weight(rs.weight)} | {_sources(rs.weight)} |"]
    for kind in rs.kinds:
        rule = rs.kind_rules[kind]
        if rule.age:
            lines.append(f"| age | {KIND_NAMES[kind]} | {_age(rule.age)} | {_sources(rule.age)} |")
        if rule.weight:
            lines.append(f"| weight | {KIND_NAMES[kind]} | {_weight(rule.weight)} "
                         f"| {_sources(rule.weight)} |")

    if rs.deferral_reasons:
        lines += ["", "| deferral reason | code | default length | blocks | sources |",
                  "|---|---|---|---|---|"]
        for reason in rs.deferral_reasons.values():
            length = reason.duration.describe() if reason.duration else "indefinite"
            blocks = ("every kind" if reason.kinds is None
                      else ", ".join(KIND_NAMES[k] for k in sorted(reason.kinds)))
            lines.append(f"| {reason.label} | `{reason.code}` | {length} | {blocks} "
                         f"| {_sources(reason)} |")

    if rs.award_counting:
        lines += ["", "| counts toward awards | how | sources |", "|---|---|---|"]
        for kind, rule in rs.award_counting.kinds.items():
            how = {"donation": f"{rule.amount:g} per donation",
                   "ml": f"1 per {rule.amount:g} ml",
                   "unit": f"{rule.amount:g} per therapeutic unit"}[rule.per]
            if rule.before:
                how += f" ({rule.amount_before:g} before {rule.before.isoformat()})"
            lines.append(f"| {KIND_NAMES[kind]} | {how} | {_sources(rs.award_counting)} |")

    if rs.milestones:
        lines += ["", "| default club milestone | thresholds | sources |", "|---|---|---|"]
        for category, steps in rs.milestones.items():
            shown = ", ".join(f"{t:,}" for t in steps.thresholds) or "none"
            if steps.gallon:
                shown += f" (a gallon is {steps.gallon} donations)"
            lines.append(f"| {MILESTONE_NAMES[category]} | {shown} | {_sources(steps)} |")

    if rs.national_award:
        lines += _national_award(rs.national_award)

    lines += ["", "Sources:", ""]
    lines += [f"- [{tag}] {text}" for tag, text in rs.sources.items()]
    return "\n".join(lines) + "\n"


MARKER = "<!-- generated: make rules-doc -->"


def documentation(rule_sets: dict) -> str:
    """The generated part of docs/rules.md: every rule set, the one in force first."""
    ordered = sorted(rule_sets.values(), key=lambda rs: (not rs.in_force, rs.code))
    return "\n".join(to_markdown(rs) for rs in ordered)


if __name__ == "__main__":  # python -m donorclub.domain.ruleset_markdown docs/rules.md
    import sys
    from pathlib import Path

    from .rulesets import load_rule_sets

    target = Path(sys.argv[1])
    head = target.read_text().split(MARKER)[0]
    target.write_text(f"{head}{MARKER}\n\n{documentation(load_rule_sets())}")
