"""The overview's charts as SVG (core.svg_charts): scaled by a viewBox, text escaped, no inline
style or script, a y axis whose grid lines carry round numbers, x labels that do not overlap."""

from __future__ import annotations

import re
from decimal import Decimal

from core import svg_charts


def _x_labels(svg: str) -> list[tuple[float, str, str]]:
    return [
        (float(x), anchor, text)
        for x, y, anchor, text in re.findall(
            r'<text class="chart-axis" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)">([^<]*)</text>', svg
        )
        if float(y) > svg_charts.HEIGHT - svg_charts.BOTTOM
    ]


def test_a_bar_chart_scales_and_escapes_and_carries_no_style():
    svg = str(
        svg_charts.bar_chart(
            labels=["<b>jan</b>", "feb"], series=[svg_charts.Series("x", [Decimal("3"), 7], "series-1")]
        )
    )
    assert svg.startswith('<svg class="chart chart-bars" viewBox="0 0 360 200" aria-hidden="true"')
    assert "&lt;b&gt;jan&lt;/b&gt;" in svg and "<b>" not in svg
    assert "style" not in svg and "<script" not in svg
    assert svg.count('<rect class="chart-bar series-1"') == 2


def test_the_y_axis_ends_on_a_round_number_and_its_middle_line_too():
    for highest, top, middle in (
        (1, "2", "1"),
        (5, "6", "3"),
        (7, "8", "4"),
        (1260, "2000", "1000"),
        (100, "100", "50"),
    ):
        svg = str(svg_charts.bar_chart(labels=["a"], series=[svg_charts.Series("x", [highest])]))
        values = re.findall(r'text-anchor="end">([^<]*)</text>', svg)
        assert values == ["0", middle, top], highest


def test_x_labels_are_thinned_out_so_they_do_not_overlap_and_the_last_stays_inside():
    labels = [f"{month} 2026" for month in ["jan", "feb", "mrt", "apr", "mei", "jun"] * 4]
    svg = str(svg_charts.line_chart(labels=labels, series=[svg_charts.Series("x", list(range(24)))]))
    drawn = _x_labels(svg)
    assert drawn[-1][2] == labels[-1] and drawn[-1][1] == "end" and drawn[-1][0] <= svg_charts.WIDTH
    width = svg_charts.CHAR_WIDTH * len(labels[0])
    centres = [x for x, anchor, _text in drawn if anchor == "middle"]
    assert all(b - a >= width for a, b in zip(centres, centres[1:], strict=False))
    assert (drawn[-1][0] - width) - (centres[-1] + width / 2) >= 0  # the last (right-aligned) one keeps clear too
    assert 4 <= len(drawn) < 24


def test_stacked_bars_reach_the_sum_of_their_series():
    svg = str(
        svg_charts.bar_chart(
            labels=["a"],
            series=[svg_charts.Series("x", [3], "series-1"), svg_charts.Series("y", [3], "series-3")],
            stacked=True,
        )
    )
    heights = [float(h) for h in re.findall(r'<rect[^>]*height="([\d.]+)"', svg)]
    assert sum(heights) == svg_charts.HEIGHT - svg_charts.TOP - svg_charts.BOTTOM  # 3 + 3 of an axis ending at 6


def test_horizontal_bars_write_each_label_and_value():
    svg = str(svg_charts.horizontal_bars(rows=[("Te duur", 4), ("Anders", 0)], value_label=lambda v: f"{v} x"))
    assert ">Te duur</text>" in svg and ">4 x</text>" in svg and ">0 x</text>" in svg
    assert svg.count("<rect") == 1  # no bar for nothing
