"""Small charts as SVG, drawn on the server (the staff overview, ``portal.admin_overview``).

No script, no inline ``style``: the markup carries class names only (``chart-bar``,
``series-1`` ...) and the colours, fonts and sizes come from the static stylesheet
(``static/css/admin_overview.css``). The ``viewBox`` is narrow (about a phone's width in CSS
pixels) so the text stays readable at 375 px and the drawing scales up on a wide screen.

A chart is decoration for sighted readers: the SVG is ``aria-hidden`` and the page puts a
real table with the same numbers beside it, which is what a screen reader reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
HEIGHT = 200
LEFT = 52  # room for the value labels of the y axis
RIGHT = 8
TOP = 10
BOTTOM = 28  # room for the labels of the x axis
CHAR_WIDTH = 6.5  # about the width of one character of an axis label (11 px in the stylesheet)

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One row of values, drawn in the colour of ``css`` (``series-1`` ... in the stylesheet)."""

    label: str
    values: Sequence[Number]
    css: str = "series-1"


def _nice_max(value: float) -> float:
    """The top of the y axis: ``value`` rounded up to 1, 2, 4, 6, 8 or 10 times a power of ten
    (at least 2), so that the grid line half-way is a round number too."""
    if value <= 2:
        return 2.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (the loop ends at 10)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(*, top: float, labels: Sequence[str], value_label: Callable[[Number], str], slot: float) -> list[str]:
    """The grid (0, half and top of the y axis) and the x labels, thinned out to fit."""
    plot_height = HEIGHT - TOP - BOTTOM
    parts = []
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y)}" y2="{_fmt(y)}"/>')
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 4}" y="{_fmt(y + 4)}" text-anchor="end">'
            f"{escape(value_label(top * fraction))}</text>"
        )
    label_width = CHAR_WIDTH * max((len(label) for label in labels), default=1) + 8
    every = max(1, math.ceil(label_width / slot)) if slot else 1
    last = len(labels) - 1
    for index, label in enumerate(labels):
        if index != last and (index % every or last - index < every):
            continue  # room for the last label, which is always drawn
        x, anchor = LEFT + slot * (index + 0.5), "middle"
        if index == last and x + label_width / 2 > WIDTH:
            x, anchor = WIDTH - 1, "end"  # the last one ends at the right edge instead of beyond it
        parts.append(
            f'<text class="chart-axis" x="{_fmt(x)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    return parts


def _svg(parts: list[str], css: str) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # noqa: S308 (every text in it went through escape())
        f'<svg class="chart {escape(css)}" viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" focusable="false" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def bar_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[Number], str] = lambda value: _fmt(float(value)),
    stacked: bool = False,
) -> SafeString:
    """Bars per label: side by side per series, or ``stacked`` on each other."""
    count = len(labels)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / count if count else plot_width
    if stacked:
        highest = max((sum(float(s.values[i]) for s in series) for i in range(count)), default=0)
    else:
        highest = max((float(v) for s in series for v in s.values), default=0)
    top = _nice_max(highest)
    parts = _frame(top=top, labels=labels, value_label=value_label, slot=slot)
    gap = slot * 0.15
    for index in range(count):
        x = LEFT + slot * index + gap / 2
        if stacked:
            base = 0.0
            for one in series:
                value = float(one.values[index])
                if value <= 0:
                    continue
                height = plot_height * value / top
                y = TOP + plot_height * (1 - (base + value) / top)
                parts.append(
                    f'<rect class="chart-bar {escape(one.css)}" x="{_fmt(x)}" y="{_fmt(y)}" '
                    f'width="{_fmt(slot - gap)}" height="{_fmt(height)}"/>'
                )
                base += value
        else:
            width = (slot - gap) / max(len(series), 1)
            for number, one in enumerate(series):
                value = float(one.values[index])
                if value <= 0:
                    continue
                height = plot_height * value / top
                parts.append(
                    f'<rect class="chart-bar {escape(one.css)}" x="{_fmt(x + width * number)}" '
                    f'y="{_fmt(TOP + plot_height - height)}" width="{_fmt(width)}" height="{_fmt(height)}"/>'
                )
    return _svg(parts, "chart-bars")


def line_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    value_label: Callable[[Number], str] = lambda value: _fmt(float(value)),
) -> SafeString:
    """A line per series through its values, with a dot on each."""
    count = len(labels)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / count if count else plot_width
    top = _nice_max(max((float(v) for s in series for v in s.values), default=0))
    parts = _frame(top=top, labels=labels, value_label=value_label, slot=slot)
    for one in series:
        points = [
            (LEFT + slot * (index + 0.5), TOP + plot_height * (1 - float(value) / top))
            for index, value in enumerate(one.values)
        ]
        if points:
            path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
            parts.append(f'<polyline class="chart-line {escape(one.css)}" points="{path}"/>')
            parts.extend(
                f'<circle class="chart-dot {escape(one.css)}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="2.5"/>'
                for x, y in points
            )
    return _svg(parts, "chart-lines")


ROW = 34  # height of one row of a horizontal bar chart: its label above, its bar below


def horizontal_bars(
    *,
    rows: Sequence[tuple[str, Number]],
    value_label: Callable[[Number], str] = lambda value: _fmt(float(value)),
    css: str = "series-1",
) -> SafeString:
    """One bar per row, its label written above it and its value after it: for long labels
    (reasons, categories) that would not fit under a vertical bar on a phone."""
    height = TOP + ROW * len(rows) + 4
    top = _nice_max(max((float(value) for _label, value in rows), default=0))
    room = WIDTH - 8 - 48  # the value is written after the bar
    parts = []
    for index, (label, value) in enumerate(rows):
        y = TOP + ROW * index
        width = room * float(value) / top
        parts.append(f'<text class="chart-axis chart-row-label" x="8" y="{_fmt(y + 10)}">{escape(label)}</text>')
        if width > 0:
            parts.append(
                f'<rect class="chart-bar {escape(css)}" x="8" y="{_fmt(y + 14)}" width="{_fmt(width)}" height="14"/>'
            )
        parts.append(
            f'<text class="chart-axis" x="{_fmt(8 + width + 4)}" y="{_fmt(y + 25)}">{escape(value_label(value))}</text>'
        )
    return mark_safe(  # noqa: S308 (every text in it went through escape())
        f'<svg class="chart chart-rows" viewBox="0 0 {WIDTH} {height}" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
