"""bench/city.py end to end on two tiny cities: every scenario timed at both sizes, its growth
worked out, the JSON written and the tables put between the markers of a Markdown page."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import city

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {"member search", "member page", "eligibility API", "verification page",
             "record a donation", "club dashboard", "who can donate", "donation import"}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    page = folder / "performance.md"
    page.write_text(f"# Before\n\n{city.DOCS_START}\nold figures\n{city.DOCS_END}\n\nAfter.\n")
    done = subprocess.run(
        [sys.executable, "bench/city.py", "--scale", "0.003", "--small", "0.001",
         "--requests", "3", "--heavy-requests", "2", "--json", str(folder / "city.json"),
         "--docs", str(page)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((folder / "city.json").read_text()), page.read_text()


def test_every_scenario_is_timed_at_both_sizes_with_its_growth(report):
    figures, _ = report
    for size in ("big", "small"):
        scenarios = figures["scales"][size]["scenarios"]
        assert set(scenarios) >= SCENARIOS
        for found in scenarios.values():
            assert found["n"] >= 1 and 0 < found["p50"] <= found["p95"] <= found["max"]
    assert figures["scales"]["big"]["counts"]["members"] == 300
    assert figures["scales"]["small"]["counts"]["members"] == 100
    big, small = (figures["scales"][k]["scenarios"] for k in ("big", "small"))
    for name, ratio in figures["growth"].items():
        assert ratio == pytest.approx(big[name]["p50"] / small[name]["p50"])


def test_the_tables_replace_only_what_is_between_the_markers(report):
    figures, page = report
    assert page.startswith("# Before\n") and page.endswith(f"{city.DOCS_END}\n\nAfter.\n")
    assert "old figures" not in page
    for name in SCENARIOS:
        assert f"| {name} |" in page
    assert f"commit {figures['machine']['commit']}" in page
