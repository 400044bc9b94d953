"""Reading rule-set files: folders of TOML, inheritance (`inherits`), and merging."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .ruleset_validation import build_rule_set
from .rulesets import BUILTIN_DIR, RuleSet, RuleSetError


def load_rule_sets(*folders: Path | str) -> dict[str, RuleSet]:
    """Every *.toml rule set in the folders (built-in first), keyed by code.

    A later folder may not reuse a code. Raises RuleSetError naming the file and the problem.
    """
    folders = folders or (BUILTIN_DIR,)
    raw: dict[str, tuple[Path, dict]] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            data = _read_toml(path)
            code = data.get("code")
            if not isinstance(code, str) or not code:
                raise RuleSetError(f"{path}: 'code' must be a non-empty string")
            if code in raw:
                raise RuleSetError(f"{path}: the code {code!r} is already used by {raw[code][0]}")
            raw[code] = (path, data)
    return {code: build_rule_set(path, _resolve(code, raw, ()), code)
            for code, (path, _) in raw.items()}


def load_rule_set_file(path: Path | str, known: dict[str, RuleSet] | None = None) -> RuleSet:
    """Read and validate one file; `inherits` may name a built-in rule set."""
    path = Path(path)
    data = _read_toml(path)
    raw = {code: (Path(rs.path), _read_toml(Path(rs.path))) for code, rs in (known or {}).items()}
    code = data.get("code")
    if not isinstance(code, str) or not code:
        raise RuleSetError(f"{path}: 'code' must be a non-empty string")
    raw[code] = (path, data)
    return build_rule_set(path, _resolve(code, raw, ()), code)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"{path}: not valid TOML: {error}") from error
    except OSError as error:
        raise RuleSetError(f"{path}: cannot be read: {error}") from error


_KEYED_LISTS = {
    "intervals": lambda e: (e.get("from"), e.get("to")),
    "caps": lambda e: e.get("code"),
    "deferral_reasons": lambda e: e.get("code"),
}


def _resolve(code: str, raw: dict[str, tuple[Path, dict]], seen: tuple[str, ...]) -> dict:
    """The file's data with its `inherits` parent merged underneath it."""
    path, data = raw[code]
    parent = data.get("inherits")
    if parent is None:
        return data
    if parent in seen or parent == code:
        raise RuleSetError(f"{path}: 'inherits' forms a cycle through {parent!r}")
    if parent not in raw:
        raise RuleSetError(f"{path}: 'inherits' names {parent!r}, which is not a known rule set")
    return _merge(_resolve(parent, raw, (*seen, code)), data)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if key == "inherits":
            continue
        if key in _KEYED_LISTS and isinstance(value, list) and isinstance(base.get(key), list):
            key_of = _KEYED_LISTS[key]
            replaced = {key_of(entry) for entry in value}
            merged[key] = [e for e in base[key] if key_of(e) not in replaced] + value
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
        # A file that changes an English text (name, summary, unconfirmed) without giving its
        # Chinese twin must not keep the parent's translation of the old text.
        twin = f"{key}_zh"
        if twin in base and twin not in override and value != base.get(key):
            del merged[twin]
    return merged
