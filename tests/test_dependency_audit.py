"""scripts/audit_dependencies.py: what fails the dependency audit in CI, without the network."""
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit_dependencies = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_dependencies)


@pytest.fixture
def pypi(monkeypatch):
    """PyPI's project pages, as a dict the test fills in."""
    pages = {}
    monkeypatch.setattr(audit_dependencies, "pypi_project", lambda name: pages[name])
    return pages


def test_a_vulnerability_pip_audit_reports_fails_unless_accepted_with_a_reason(pypi):
    found = [{"name": "werkzeug", "version": "3.0.0",
              "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.0.6"]}]}]
    problems, _ = audit_dependencies.audit(found, {})
    assert problems == ["werkzeug 3.0.0: GHSA-xxxx (fixed in 3.0.6)"]
    problems, notes = audit_dependencies.audit(
        found, {"vulnerabilities": {"GHSA-xxxx": "only in the debugger, never enabled"}})
    assert problems == [] and any("only in the debugger" in note for note in notes)


def test_a_package_pip_audit_skipped_is_checked_against_pypi_when_it_is_the_newest(pypi):
    skipped = [{"name": "flask", "version": "3.1.3", "skip_reason": "not found"}]
    pypi["flask"] = {"info": {"version": "3.1.3"}, "vulnerabilities": []}
    assert audit_dependencies.audit(skipped, {})[0] == []
    pypi["flask"]["vulnerabilities"] = [{"id": "PYSEC-1", "fixed_in": ["3.1.4"]},
                                        {"id": "PYSEC-0", "withdrawn": "2026-01-01"}]
    assert audit_dependencies.audit(skipped, {})[0] == ["flask 3.1.3: PYSEC-1 (fixed in 3.1.4)"]


def test_an_older_package_nobody_could_audit_fails_without_a_written_reason(pypi):
    skipped = [{"name": "Redis", "version": "7.4.1", "skip_reason": "not found"}]
    pypi["Redis"] = {"info": {"version": "8.1.0"}, "vulnerabilities": []}
    problems, _ = audit_dependencies.audit(skipped, {})
    assert len(problems) == 1 and "cannot be audited" in problems[0]
    problems, _ = audit_dependencies.audit(skipped, {"unaudited": {"redis": "limits needs <8"}})
    assert problems == []


def test_every_written_exception_has_a_reason():
    import tomllib

    exceptions = tomllib.loads(audit_dependencies.EXCEPTIONS.read_text())
    for section in ("vulnerabilities", "unaudited"):
        for name, reason in exceptions.get(section, {}).items():
            assert len(reason.split()) >= 5, (section, name)
