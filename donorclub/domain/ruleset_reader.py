"""Reading typed values out of a rule set's raw TOML, failing with the file and the key path."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .dates import UNITS, Duration
from .rulesets import KINDS, SEXES, RuleSetError

# The keys `Reader.sourced` reads, which any sourced table may carry besides its own.
SOURCED_KEYS = ("sources", "unconfirmed", "unconfirmed_zh")


class Reader:
    """Reads typed values out of the raw TOML, failing with the file and the key path."""

    def __init__(self, path: Path, sources: dict[str, str]):
        self.path = path
        self.sources = sources

    def fail(self, where: str, problem: str):
        raise RuleSetError(f"{self.path}: {where}: {problem}")

    def table(self, data: Any, where: str) -> dict:
        if not isinstance(data, dict):
            self.fail(where, "must be a table")
        return data

    def integer(self, value: Any, where: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(where, f"must be a whole number of at least {minimum}")
        return value

    def kind(self, value: Any, where: str) -> str:
        if value not in KINDS:
            self.fail(where, f"unknown donation kind {value!r}; use one of {', '.join(KINDS)}")
        return value

    def per_sex(self, value: Any, where: str, convert) -> dict:
        """A number for both sexes, or a table with one per sex."""
        if isinstance(value, dict):
            if set(value) != set(SEXES):
                self.fail(where, f"give a value for each of {', '.join(SEXES)}")
            return {sex: convert(value[sex], f"{where}.{sex}") for sex in SEXES}
        converted = convert(value, where)
        return {sex: converted for sex in SEXES}

    def positive_number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.fail(where, "must be a positive number")
        return float(value)

    def duration(self, table: dict, where: str, required: bool = True) -> Duration | None:
        units = [unit for unit in UNITS if unit in table]
        if not units:
            if required:
                self.fail(where, f"needs one of {', '.join(UNITS)}")
            return None
        if len(units) > 1:
            self.fail(where, f"give only one of {', '.join(units)}")
        return Duration(self.integer(table[units[0]], f"{where}.{units[0]}"), units[0])

    def sourced(self, table: dict, where: str) -> dict:
        sources = table.get("sources")
        if not isinstance(sources, list) or not sources:
            self.fail(where, "needs 'sources', a list of source tags")
        for tag in sources:
            if tag not in self.sources:
                self.fail(where, f"source {tag!r} is not listed under [sources]")
        unconfirmed = table.get("unconfirmed", "")
        if not isinstance(unconfirmed, str):
            self.fail(where, "'unconfirmed' must be text")
        unconfirmed_zh = table.get("unconfirmed_zh", "")
        if not isinstance(unconfirmed_zh, str):
            self.fail(where, "'unconfirmed_zh' must be text")
        if unconfirmed_zh and not unconfirmed:
            self.fail(where, "'unconfirmed_zh' needs 'unconfirmed', the English note it translates")
        return {"sources": tuple(sources), "unconfirmed": unconfirmed,
                "unconfirmed_zh": unconfirmed_zh}
