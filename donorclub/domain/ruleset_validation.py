"""Checking a rule set's data: types, units, sources for every number, complete intervals."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .ruleset_awards import read_award_counting, read_milestones, read_national_award
from .ruleset_reader import Reader
from .rulesets import (
    SEXES,
    WINDOWS,
    AgeRule,
    CapRule,
    DeferralReason,
    IntervalRule,
    KindRule,
    RuleSet,
    RuleSetError,
    WeightRule,
)


def build_rule_set(path: Path, data: dict, code: str) -> RuleSet:
    """A RuleSet from a file's (merged) data; RuleSetError names the key and the problem."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise RuleSetError(f"{path}: [sources] must list the source tags and what they cite")
    r = Reader(path, {str(k): str(v) for k, v in sources.items()})
    for key in ("name", "summary"):
        if not isinstance(data.get(key), str) or not data[key]:
            r.fail(key, "must be non-empty text")
    if "summary_zh" in data and (not isinstance(data["summary_zh"], str)
                                 or not data["summary_zh"]):
        r.fail("summary_zh", "must be non-empty text (or left out to show the English summary)")
    if not isinstance(data.get("in_force"), bool):
        r.fail("in_force", "must be true or false")
    effective = data.get("effective_from")
    if effective is not None and not isinstance(effective, date):
        r.fail("effective_from", "must be a date such as 2012-07-01")
    kinds_list = data.get("kinds")
    if not isinstance(kinds_list, list) or not kinds_list:
        r.fail("kinds", "must list the donation kinds this rule set allows")
    kinds = tuple(r.kind(k, "kinds") for k in kinds_list)
    if len(set(kinds)) != len(kinds):
        r.fail("kinds", "lists a kind twice")

    kind_tables = r.table(data.get("kind", {}), "kind")
    kind_rules = {k: _kind_rule(r, k, kind_tables.get(k)) for k in kinds}
    extra = set(kind_tables) - set(kinds)
    if extra:
        r.fail("kind", f"describes {', '.join(sorted(extra))}, not listed in 'kinds'")

    intervals = _intervals(r, data.get("intervals"), kinds)
    caps = tuple(_cap(r, i, e) for i, e in enumerate(_list(r, data.get("caps", []), "caps")))
    codes = [c.code for c in caps]
    if len(set(codes)) != len(codes):
        r.fail("caps", "two caps share a code")
    reasons = {}
    for i, entry in enumerate(_list(r, data.get("deferral_reasons", []), "deferral_reasons")):
        reason = _deferral_reason(r, i, entry)
        if reason.code in reasons:
            r.fail(f"deferral_reasons[{i}]", f"the code {reason.code!r} is used twice")
        reasons[reason.code] = reason

    return RuleSet(
        code=code,
        name=data["name"],
        name_zh=str(data.get("name_zh", data["name"])),
        in_force=data["in_force"],
        effective_from=effective,
        summary=data["summary"],
        summary_zh=data.get("summary_zh", ""),
        kinds=kinds,
        kind_rules=kind_rules,
        intervals=intervals,
        caps=caps,
        age=_age(r, data.get("age"), "age", required=True),
        weight=_weight(r, data.get("weight"), "weight", required=True),
        deferral_reasons=reasons,
        sources=r.sources,
        path=str(path),
        award_counting=read_award_counting(r, data.get("award_counting")),
        milestones=read_milestones(r, data.get("milestones")),
        national_award=read_national_award(r, data.get("national_award")),
    )


def _list(r: Reader, value: Any, where: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        r.fail(where, "must be a list of tables ([[...]])")
    return value


def _kind_rule(r: Reader, kind: str, table: Any) -> KindRule:
    where = f"kind.{kind}"
    if table is None:
        r.fail(where, "is missing: every allowed kind needs its volumes and sources")
    table = r.table(table, where)
    volumes = table.get("volumes_ml")
    if volumes is not None:
        if not isinstance(volumes, list) or not volumes:
            r.fail(f"{where}.volumes_ml", "must be a non-empty list")
        volumes = tuple(r.integer(v, f"{where}.volumes_ml", 1) for v in volumes)
    low = table.get("min_volume_ml")
    high = table.get("max_volume_ml")
    low = None if low is None else r.integer(low, f"{where}.min_volume_ml", 1)
    high = None if high is None else r.integer(high, f"{where}.max_volume_ml", 1)
    if volumes is None and (low is None or high is None):
        r.fail(where, "needs 'volumes_ml', or both 'min_volume_ml' and 'max_volume_ml'")
    if low is not None and high is not None and low > high:
        r.fail(where, "'min_volume_ml' is above 'max_volume_ml'")
    default = r.integer(table.get("default_volume_ml"), f"{where}.default_volume_ml", 1)
    if volumes is not None and default not in volumes:
        r.fail(f"{where}.default_volume_ml", "must be one of 'volumes_ml'")
    if low is not None and not low <= default <= high:
        r.fail(f"{where}.default_volume_ml", "must lie between the minimum and the maximum")
    units = table.get("units")
    default_units = table.get("default_units")
    if units is not None:
        if not isinstance(units, list) or not units:
            r.fail(f"{where}.units", "must be a non-empty list")
        units = tuple(r.integer(u, f"{where}.units", 1) for u in units)
        if default_units not in units:
            r.fail(f"{where}.default_units", "must be one of 'units'")
    elif default_units is not None:
        r.fail(f"{where}.default_units", "needs 'units'")
    return KindRule(
        kind=kind, volumes_ml=volumes, min_volume_ml=low, max_volume_ml=high,
        default_volume_ml=default, units=units, default_units=default_units,
        age=_age(r, table.get("age"), f"{where}.age", required=False),
        weight=_weight(r, table.get("weight"), f"{where}.weight", required=False),
        **r.sourced(table, where),
    )


def _intervals(r: Reader, value: Any, kinds: tuple[str, ...]) -> dict:
    intervals = {}
    for i, entry in enumerate(_list(r, value, "intervals")):
        where = f"intervals[{i}]"
        pair = (r.kind(entry.get("from"), f"{where}.from"), r.kind(entry.get("to"), f"{where}.to"))
        if pair in intervals:
            r.fail(where, f"the interval {pair[0]} -> {pair[1]} is given twice")
        if pair[0] not in kinds or pair[1] not in kinds:
            r.fail(where, f"{pair[0]} -> {pair[1]} names a kind not listed in 'kinds'")
        if any(sex in entry for sex in SEXES):
            by_sex = {sex: r.duration(r.table(entry.get(sex), f"{where}.{sex}"), f"{where}.{sex}")
                      for sex in SEXES}
        else:
            duration = r.duration(entry, where)
            by_sex = dict.fromkeys(SEXES, duration)
        intervals[pair] = IntervalRule(from_kind=pair[0], to_kind=pair[1], by_sex=by_sex,
                                       **r.sourced(entry, where))
    missing = [f"{a} -> {b}" for a in kinds for b in kinds if (a, b) not in intervals]
    if missing:
        r.fail("intervals", f"every pair of kinds needs an interval; missing {', '.join(missing)}")
    return intervals


def _cap(r: Reader, i: int, entry: dict) -> CapRule:
    where = f"caps[{i}]"
    code = entry.get("code")
    if not isinstance(code, str) or not code:
        r.fail(f"{where}.code", "must be non-empty text")
    kinds = entry.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        r.fail(f"{where}.kinds", "must list the kinds the cap counts")
    window = entry.get("window")
    if window not in WINDOWS:
        r.fail(f"{where}.window", f"must be one of {', '.join(WINDOWS)}")
    count = entry.get("max_count")
    volume = entry.get("max_volume_ml")
    if count is None and volume is None:
        r.fail(where, "needs 'max_count' or 'max_volume_ml'")
    return CapRule(
        code=code,
        kinds=frozenset(r.kind(k, f"{where}.kinds") for k in kinds),
        window=window,
        max_count=None if count is None else r.per_sex(
            count, f"{where}.max_count", lambda v, w: r.integer(v, w, 1)),
        max_volume_ml=None if volume is None else r.per_sex(
            volume, f"{where}.max_volume_ml", lambda v, w: r.integer(v, w, 1)),
        **r.sourced(entry, where),
    )


def _age(r: Reader, table: Any, where: str, required: bool) -> AgeRule | None:
    if table is None:
        if required:
            r.fail(where, "is missing")
        return None
    table = r.table(table, where)
    if "min" not in table:
        r.fail(where, "needs 'min'")
    min_age = r.per_sex(table["min"], f"{where}.min", lambda v, w: r.integer(v, w, 0))
    first = table.get("max_first_time")
    repeat = table.get("max_repeat", first)
    first = None if first is None else r.integer(first, f"{where}.max_first_time", 1)
    repeat = None if repeat is None else r.integer(repeat, f"{where}.max_repeat", 1)
    if first is not None and max(min_age.values()) > first:
        r.fail(where, "the minimum age is above the maximum")
    if first is not None and repeat is not None and repeat < first:
        r.fail(where, "'max_repeat' is below 'max_first_time'")
    if first is None and repeat is not None:
        r.fail(where, "'max_repeat' without 'max_first_time'")
    return AgeRule(min_age=min_age, max_first_time=first, max_repeat=repeat,
                   **r.sourced(table, where))


def _weight(r: Reader, table: Any, where: str, required: bool) -> WeightRule | None:
    if table is None:
        if required:
            r.fail(where, "is missing")
        return None
    table = r.table(table, where)
    minimum = table.get("min_kg")
    return WeightRule(
        min_kg=None if minimum is None else r.per_sex(minimum, f"{where}.min_kg",
                                                      r.positive_number),
        **r.sourced(table, where),
    )


def _deferral_reason(r: Reader, i: int, entry: dict) -> DeferralReason:
    where = f"deferral_reasons[{i}]"
    code = entry.get("code")
    if not isinstance(code, str) or not code:
        r.fail(f"{where}.code", "must be non-empty text")
    label = entry.get("label")
    if not isinstance(label, str) or not label:
        r.fail(f"{where}.label", "must be non-empty text")
    kinds = entry.get("kinds")
    if kinds is not None:
        if not isinstance(kinds, list) or not kinds:
            r.fail(f"{where}.kinds", "must list kinds, or be left out for every kind")
        kinds = frozenset(r.kind(k, f"{where}.kinds") for k in kinds)
    indefinite = entry.get("indefinite", False)
    duration = r.duration(entry, where, required=not indefinite)
    if indefinite and duration is not None:
        r.fail(where, "is indefinite and has a duration")
    return DeferralReason(code=code, label=label, label_zh=str(entry.get("label_zh", label)),
                          duration=duration, kinds=kinds, **r.sourced(entry, where))
