"""Known vulnerabilities in the installed dependencies: pip-audit first, PyPI second.

`make audit` runs this in CI. pip-audit asks PyPI about each installed version
(https://pypi.org/pypi/NAME/VERSION/json). Some networks (this project's CI among them) only
pass PyPI's project pages, so pip-audit reports such packages as "not found" and audits
nothing. For those, this script reads the project page (https://pypi.org/pypi/NAME/json):
its `vulnerabilities` list is PyPI's advisory data for the newest release, so it is
authoritative when the installed version *is* the newest one. A package that neither way can
audit fails the check unless scripts/audit-exceptions.toml gives a reason; so does every
vulnerability not excepted there by its id.

Exit status: 0 clean, 1 a vulnerability or an unaudited package, 2 the check could not run.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

EXCEPTIONS = Path(__file__).with_name("audit-exceptions.toml")
PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"
PROJECT = "donorclub"


def run_pip_audit(python: str) -> list[dict]:
    """pip-audit's JSON report of the environment `python` belongs to."""
    command = [python, "-m", "pip_audit", "--format", "json", "--skip-editable",
               "--progress-spinner", "off"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode not in (0, 1) or not result.stdout.strip():
        sys.stderr.write(result.stderr)
        raise SystemExit(f"pip-audit could not run (exit {result.returncode})")
    dependencies = json.loads(result.stdout)["dependencies"]
    # pip-audit leaves the version out of a package it skipped; pip knows it.
    listed = subprocess.run([python, "-m", "pip", "list", "--format", "json"],  # noqa: S603
                            capture_output=True, text=True, check=True)
    versions = {_canonical(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    for dependency in dependencies:
        dependency.setdefault("version", versions.get(_canonical(dependency["name"])))
    return dependencies


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pypi_project(name: str) -> dict:
    url = PYPI_PROJECT.format(name=name)
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a fixed https URL)
        return json.load(response)


def open_advisories(advisories: list[dict]) -> list[dict]:
    return [a for a in advisories if not a.get("withdrawn")]


def audit(dependencies: list[dict], exceptions: dict) -> tuple[list[str], list[str]]:
    """(problems, notes): every vulnerability or unaudited package, and how each was checked."""
    ignored_ids = exceptions.get("vulnerabilities", {})
    unaudited_ok = exceptions.get("unaudited", {})
    problems, notes = [], []
    by_pip_audit = by_pypi = 0
    for dependency in dependencies:
        name, version = dependency["name"], dependency.get("version")
        if name.lower() == PROJECT:
            continue  # this checkout, not a dependency
        if "skip_reason" not in dependency:
            by_pip_audit += 1
            advisories = [{"id": v["id"], "fixed_in": v.get("fix_versions", [])}
                          for v in dependency.get("vulns", [])]
        else:
            try:
                project = pypi_project(name)
            except (urllib.error.URLError, TimeoutError) as error:
                raise SystemExit(f"PyPI is not reachable for {name}: {error}") from error
            newest = project["info"]["version"]
            if version is None or newest != version:
                reason = unaudited_ok.get(_canonical(name))
                if reason:
                    notes.append(f"{name} {version}: not audited (newest is {newest}): {reason}")
                else:
                    problems.append(f"{name} {version}: cannot be audited here (PyPI's advisory "
                                    f"data covers only the newest release, {newest}); upgrade "
                                    "it or give a reason in audit-exceptions.toml")
                continue
            by_pypi += 1
            advisories = open_advisories(project.get("vulnerabilities") or [])
        for advisory in advisories:
            reason = ignored_ids.get(advisory["id"])
            if reason:
                notes.append(f"{name} {version}: {advisory['id']} accepted: {reason}")
            else:
                fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix yet"
                problems.append(f"{name} {version}: {advisory['id']} (fixed in {fixed})")
    notes.insert(0, f"{len(dependencies)} packages: {by_pip_audit} audited by pip-audit, "
                    f"{by_pypi} by PyPI's project data")
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter of the environment to audit (default: this one)")
    args = parser.parse_args(argv)
    exceptions = tomllib.loads(EXCEPTIONS.read_text()) if EXCEPTIONS.exists() else {}
    problems, notes = audit(run_pip_audit(args.python), exceptions)
    for note in notes:
        print(note)
    for problem in problems:
        print("PROBLEM", problem)
    print("dependency audit:", "FAILED" if problems else "no known vulnerabilities")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
