"""The SVG chart module: well-formed, accessible markup with one titled bar per data point."""
import xml.etree.ElementTree as ET

import pytest

from donorclub.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def titles(elements) -> list[str]:
    return [e.find(f"{SVG}title").text for e in elements]


def test_column_chart_has_one_bar_per_value_with_its_label_and_number():
    root = parse(charts.column_chart("groups", "Blood groups", "Two groups", ["A+", "O+"],
                                     [4, 13]))
    assert titles(bars(root)) == ["A+: 4", "O+: 13"]
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights[1] == pytest.approx(heights[0] * 13 / 4)


def test_chart_is_an_image_with_a_name_a_description_and_a_scalable_viewbox():
    root = parse(charts.column_chart("groups", "Blood groups", "13 of them are O+", ["O+"], [13]))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Blood groups"
    assert root.find(f"{SVG}title").text == "Blood groups"
    assert root.find(f"{SVG}desc").text == "13 of them are O+"
    assert root.get("aria-describedby") == root.find(f"{SVG}desc").get("id")
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.get("height") is None


def test_stacked_chart_has_a_segment_per_month_and_kind_and_a_legend_in_words():
    series = [charts.Series("Whole blood", [1, 2, 0]), charts.Series("Platelets", [3, 0, 1])]
    root = parse(charts.stacked_column_chart("monthly", "Per month", "Three months",
                                             ["Jan", "Feb", "Mar"], series))
    assert titles(bars(root)) == [
        "Jan, Whole blood: 1", "Jan, Platelets: 3", "Feb, Whole blood: 2", "Feb, Platelets: 0",
        "Mar, Whole blood: 0", "Mar, Platelets: 1"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Whole blood" in texts and "Platelets" in texts
    fills = {b.get("fill") for b in bars(root)}
    assert fills == {charts.COLOURS[0], "url(#monthly-p1)"}  # the second kind is patterned
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "monthly-p1"


def test_stacked_segments_sit_on_top_of_each_other():
    series = [charts.Series("a", [2]), charts.Series("b", [3])]
    first, second = bars(parse(charts.stacked_column_chart("s", "t", "d", ["x"], series)))
    assert float(second.get("y")) + float(second.get("height")) == pytest.approx(
        float(first.get("y")))


def test_axis_labels_can_skip_columns_and_break_lines():
    series = [charts.Series("a", [1, 1, 1])]
    root = parse(charts.stacked_column_chart("s", "t", "d", ["Jan 2026", "Feb 2026", "Mar 2026"],
                                             series, axis_labels=["Jan\n2026", "", ""]))
    spans = [s.text for s in root.iter(f"{SVG}tspan")]
    assert spans == ["Jan", "2026"]
    assert titles(bars(root))[1] == "Feb 2026: 1"  # bar titles keep the full label


def test_horizontal_bars_are_proportional_and_in_order():
    root = parse(charts.bar_chart("funnel", "Funnel", "d", ["Referred", "Consented", "Listed"],
                                  [8, 4, 0]))
    found = bars(root)
    assert titles(found) == ["Referred: 8", "Consented: 4", "Listed: 0"]
    widths = [float(b.get("width")) for b in found]
    assert widths[1] == pytest.approx(widths[0] / 2) and widths[2] == 0
    ys = [float(b.get("y")) for b in found]
    assert ys == sorted(ys)


def test_every_text_is_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = str(charts.column_chart("c", hostile, hostile, [hostile], [1]))
    assert "<script>" not in markup
    root = parse(markup)  # still well-formed XML
    assert root.get("aria-label") == hostile
    assert titles(bars(root)) == [f"{hostile}: 1"]


def test_all_zero_data_draws_flat_bars_without_dividing_by_zero():
    root = parse(charts.column_chart("z", "Empty", "Nothing yet", ["A", "B"], [0, 0]))
    assert [float(b.get("height")) for b in bars(root)] == [0, 0]
    root = parse(charts.bar_chart("z", "Empty", "Nothing yet", ["A"], [0]))
    assert float(bars(root)[0].get("width")) == 0


def test_numbers_are_written_with_the_given_formatter():
    root = parse(charts.column_chart("f", "t", "d", ["A"], [12000],
                                     fmt=lambda n: f"{n:,}"))
    assert titles(bars(root)) == ["A: 12,000"]


@pytest.mark.parametrize("maximum", [1, 3, 7, 18, 47, 120, 999])
def test_the_axis_reaches_the_tallest_bar_in_round_steps(maximum):
    ticks = charts._ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and 2 <= len(ticks) <= 7
