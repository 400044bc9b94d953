"""Bar charts as inline SVG drawn on the server: numbers and words in, markup out, no script.

Every chart is `role="img"` with an aria-label, a <title> and a <desc>; every bar carries a
<title> with its label and value, so pointing at it shows the number. All text is escaped.
The viewBox scales the chart to its container's width (phones included), and series differ by
pattern as well as colour, with a legend in words: colour is never the only signal. Pages show
the same numbers as a table beside each chart. Values are counts or amounts (never negative).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360  # small, so that text stays readable when a phone shrinks the chart
FONT = 14
TEXT = "#1f2328"  # 15.8:1 on white
MUTED = "#57606a"  # 6.2:1 on white
GRID = "#d8dde3"
# Fills for bars and series; each has at least 3:1 contrast with the white card behind it.
COLOURS = ("#a4161a", "#0b57d0", "#9a6700", "#1a7f37", "#6f42c1")

Number = int | float
Formatter = Callable[[Number], str]


@dataclass(frozen=True)
class Series:
    """One named row of values, drawn as one segment of every column of a stacked chart."""

    name: str
    values: Sequence[Number]


def column_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                 values: Sequence[Number], *, fmt: Formatter = str) -> Markup:
    """Vertical bars, one per label, with the value above each bar."""
    return stacked_column_chart(chart_id, title, description, labels,
                                [Series(title, values)], fmt=fmt, value_labels=True)


def stacked_column_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                         series: Sequence[Series], *, axis_labels: Sequence[str] | None = None,
                         fmt: Formatter = str, value_labels: bool = False) -> Markup:
    """Columns of stacked segments, one segment per series and label.

    `labels` name each column in the bar titles; `axis_labels` (the same length; empty strings
    are skipped, a newline starts a second line) are what is written under the columns, so a
    long run of months can be labelled every few columns. With more than one series a legend
    is drawn above the chart.
    """
    slot = (WIDTH - 40) / max(len(labels), 1)  # about the plot's width; enough to fit labels
    axis_labels = _wrapped(list(labels if axis_labels is None else axis_labels), slot)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0), _all_integers(series))
    legend, legend_height = _legend(chart_id, series) if len(series) > 1 else ([], 0)
    lines = max((label.count("\n") + 1 for label in axis_labels if label), default=1)
    left = max(_text_width(fmt(t), FONT - 1) for t in ticks) + 10
    top = legend_height + (FONT + 8 if value_labels else 10)
    plot_h = 180
    height = top + plot_h + lines * (FONT + 3) + 10
    plot_w = WIDTH - left - 6
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * (0.7 if len(labels) < 12 else 0.8)
    scale = plot_h / ticks[-1]
    base = top + plot_h

    parts = [_open(chart_id, title, description, height), _patterns(chart_id, len(series)),
             *legend, *_grid(ticks, left, base, scale, fmt)]
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = base
        for n, s in enumerate(series):
            value = s.values[i]
            h = value * scale
            y -= h
            name = f"{label}: {fmt(value)}" if len(series) == 1 else (
                f"{label}, {s.name}: {fmt(value)}")
            edge = ' stroke="#fff" stroke-width="1"' if h and n else ""  # between segments
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{_fill(chart_id, n)}"{edge}>'
                         f'<title>{escape(name)}</title></rect>')
        if value_labels:
            parts.append(_text(fmt(totals[i]), x + bar_w / 2, y - 5, anchor="middle"))
        if axis_labels[i]:
            parts.append(_multiline(axis_labels[i], x + bar_w / 2, base + FONT + 4,
                                    _room(axis_labels, i, slot)))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
              values: Sequence[Number], *, fmt: Formatter = str) -> Markup:
    """Horizontal bars, one row per label (label on the left, value after the bar): stages of
    a funnel read top to bottom."""
    row, bar_h = FONT + 15, FONT + 5
    label_w = min(WIDTH * 0.5, max((_text_width(s, FONT) for s in labels), default=0) + 10)
    value_w = max((_text_width(fmt(v), FONT) for v in values), default=0) + 10
    bar_max = WIDTH - label_w - value_w - 4
    top = 6
    height = top + row * len(labels) + 6
    biggest = max(values, default=0) or 1
    parts = [_open(chart_id, title, description, height), _patterns(chart_id, 1)]
    parts.append(f'<line x1="{label_w:.1f}" x2="{label_w:.1f}" y1="{top}" '
                 f'y2="{height - 6}" stroke="{MUTED}" stroke-width="1"/>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row + (row - bar_h) / 2
        w = bar_max * value / biggest
        # A label longer than its column is written smaller rather than cut off.
        size = min(FONT, math.floor(FONT * (label_w - 8) / max(_text_width(label, FONT), 1)))
        parts.append(_text(label, label_w - 6, y + bar_h - 5, size=size, anchor="end"))
        parts.append(f'<rect class="bar" x="{label_w:.1f}" y="{y:.1f}" width="{w:.1f}" '
                     f'height="{bar_h}" fill="{_fill(chart_id, 0)}">'
                     f'<title>{escape(f"{label}: {fmt(value)}")}</title></rect>')
        parts.append(_text(fmt(value), label_w + w + 5, y + bar_h - 5))
    parts.append("</svg>")
    return Markup("".join(parts))


# --- drawing ------------------------------------------------------------------------------

def _open(chart_id: str, title: str, description: str, height: float) -> str:
    cid = escape(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" role="img" '
            f'aria-label="{escape(title)}" aria-describedby="{cid}-desc">'
            f'<title id="{cid}-title">{escape(title)}</title>'
            f'<desc id="{cid}-desc">{escape(description)}</desc>')


def _grid(ticks: Sequence[Number], left: float, base: float, scale: float,
          fmt: Formatter) -> list[str]:
    """Horizontal lines at the ticks, numbered on the left; the zero line is darker."""
    parts = []
    for tick in ticks:
        y = base - tick * scale
        parts.append(f'<line x1="{left:.1f}" x2="{WIDTH - 6}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID if tick else MUTED}" stroke-width="1"/>')
        parts.append(_text(fmt(tick), left - 6, y + 4, size=FONT - 1, anchor="end", fill=MUTED))
    return parts


def _fill(chart_id: str, n: int) -> str:
    return COLOURS[0] if n == 0 else f"url(#{escape(chart_id)}-p{n})"


def _patterns(chart_id: str, count: int) -> str:
    """Series after the first get white stripes, dots or hatching over their colour."""
    marks = (
        '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.6"/>',
        '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
        '<path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1.2"/>',
        '<path d="M0 1.5H6" stroke="#fff" stroke-width="1.4"/>',
    )
    defs = []
    for n in range(1, count):
        colour = COLOURS[n % len(COLOURS)]
        defs.append(f'<pattern id="{escape(chart_id)}-p{n}" width="6" height="6" '
                    f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{colour}"/>'
                    f'{marks[(n - 1) % len(marks)]}</pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _legend(chart_id: str, series: Sequence[Series]) -> tuple[list[str], float]:
    """Swatches with the series names, wrapped onto as many rows as needed."""
    parts, x, y, row = [], 6.0, 6.0, FONT + 10
    for n, s in enumerate(series):
        width = 14 + 6 + _text_width(s.name, FONT) + 16
        if x > 6 and x + width > WIDTH:
            x, y = 6.0, y + row
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" '
                     f'fill="{_fill(chart_id, n)}" stroke="{TEXT}" stroke-width="0.5"/>')
        parts.append(_text(s.name, x + 20, y + 12))
        x += width
    return parts, y + row + 4


def _text(text: str, x: float, y: float, *, size: int = FONT, anchor: str = "start",
          fill: str = TEXT) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(text)}</text>')


def _room(axis_labels: Sequence[str], i: int, slot: float) -> float:
    """The width up to the next label, so labels written every few columns may be longer."""
    return slot * next((n for n in range(1, len(axis_labels) - i) if axis_labels[i + n]),
                       len(axis_labels) - i)


def _wrapped(axis_labels: list[str], slot: float) -> list[str]:
    """Labels too wide for their room go onto one line per word."""
    return [label.replace(" ", "\n") if "\n" not in label
            and _text_width(label, FONT - 1) > _room(axis_labels, i, slot) - 2 else label
            for i, label in enumerate(axis_labels)]


def _multiline(text: str, x: float, y: float, room: float) -> str:
    """Lines centred under a column; a line wider than `room` is written smaller."""
    lines = text.split("\n")
    widest = max(_text_width(line, FONT - 1) for line in lines)
    size = min(FONT - 1, math.floor((FONT - 1) * (room - 2) / max(widest, 1)))
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else FONT + 2}">{escape(line)}</tspan>'
        for n, line in enumerate(lines))
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle" '
            f'fill="{TEXT}">{spans}</text>')


def _text_width(text: str, size: float) -> float:
    """An estimate: wide (CJK) characters take a full em, others a little over half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.62 for c in text)


def _all_integers(series: Sequence[Series]) -> bool:
    return all(float(v).is_integer() for s in series for v in s.values)


def _ticks(maximum: Number, integers: bool = True) -> list[Number]:
    """Round steps from 0 to at least `maximum`: 1, 2 or 5 times a power of ten, 3 to 6 ticks."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, round(step))
    count = math.ceil(maximum / step - 1e-9)
    return [round(step * n, 10) for n in range(count + 1)]
