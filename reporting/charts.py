"""Tiny server-side SVG bar charts (no JavaScript, no CDN): geometry computed here, drawn by the
template reporting/_bar_chart.html. Each chart also renders as a table for screen readers.

The SVG stretches to its box, so it draws only bars and the axis: text inside it would stretch and
shrink with it (7 px on a phone). The labels are HTML under it, one grid column per bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    *,
    unit: str = "",
    width: int = 600,
    height: int = 180,
    every: int = 1,
) -> BarChart:
    top, bottom = 4, 1
    plot = height - top - bottom
    n = max(1, len(values))
    slot = width / n
    peak = max([*values, 0]) or 1
    bars = []
    narrow_every = every * 2 if len(values) / every > 6 else every
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
                show_label=i % every == 0,
                show_label_narrow=i % narrow_every == 0,
            )
        )
    return BarChart(title, bars, width, height, top + plot, peak, unit)
