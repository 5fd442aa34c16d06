"""Tiny server-side SVG bar charts (no JavaScript, no CDN): geometry computed here, drawn by the
template reporting/_bar_chart.html (its bars with the reporting_format filters bar_rects, bar_labels
and bar_rows). Each chart also renders as a table for screen readers.

The SVG stretches to its box, so it draws only bars and the axis: text inside it would stretch and
shrink with it (7 px on a phone). The labels are HTML under it, one grid column per bar."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

# Where every k-th label is counted from: a scale from its start ("first"); days back from the
# last ("last"), today, the bar a teacher looks at most, so that it is always named.
LabelsFrom = Literal["first", "last"]

# The labels are HTML at .8rem: about 7 px a character, and a gap between two. Every k-th label is
# shown, as many as fit a desktop's column (~600 px) and, fewer, a phone's width: 375 px less the
# page's and the card's padding leaves ~280 px, and wider glyphs than 7 px need room: 240.
LABEL_CHAR_PX, LABEL_GAP_PX = 7, 10
WIDE_PX, NARROW_PX = 600, 240


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int | float
    show_label: bool
    show_label_narrow: bool  # on a phone's width, where half as many labels fit


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    max_value: int | float
    unit: str
    columns: tuple[str, str]  # the headings of its table: what a bar is, what its value counts
    caption: str  # what the chart shows that its heading does not say; "" for none


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    *,
    unit: str = "",
    width: int = 600,
    height: int = 180,
    every: int = 1,
    columns: tuple[str, str] = ("Label", "Value"),
    caption: str = "",
    labels_from: LabelsFrom = "first",
) -> BarChart:
    top, bottom = 4, 1
    plot = height - top - bottom
    n = max(1, len(values))
    slot = width / n
    peak = max([*values, 0]) or 1
    bars = []
    label_px = LABEL_CHAR_PX * max(map(len, labels), default=0) + LABEL_GAP_PX
    every = _label_step(n, label_px, WIDE_PX, every)
    narrow_every = _label_step(n, label_px, NARROW_PX, every * 2 if n / every > 6 else every)
    shown = labelled_bars(len(values), every, counted_from=labels_from)
    shown_narrow = labelled_bars(len(values), narrow_every, counted_from=labels_from)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot * value / peak
        bars.append(
            Bar(
                x=round(i * slot + slot * 0.15, 2),
                y=round(top + plot - h, 2),
                width=round(slot * 0.7, 2),
                height=round(h, 2),
                label=label,
                value=value,
                show_label=i in shown,
                show_label_narrow=i in shown_narrow,
            )
        )
    return BarChart(title, bars, width, height, top + plot, peak, unit, columns, caption)


def _label_step(n: int, label_px: int, room: int, at_least: int) -> int:
    """Label every k-th bar so that the labels fit in `room`; k a multiple of `at_least`, so the
    labels shown on a phone are among those shown wider."""
    fits = max(1, math.ceil(n * label_px / room))
    return max(1, math.ceil(fits / at_least)) * at_least


def labelled_bars(count: int, every: int, *, counted_from: LabelsFrom) -> frozenset[int]:
    """The bars (by index) whose labels show: every `every`-th of `count`, counted from the
    first bar or back from the last."""
    if counted_from == "last":
        return frozenset(range(count - 1, -1, -every))
    return frozenset(range(0, count, every))
