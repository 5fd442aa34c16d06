"""Tiny server-side SVG bar charts (no JavaScript, no CDN): geometry computed here, drawn by the
template reporting/_bar_chart.html. Each chart also renders as a table for screen readers."""

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
    top, bottom = 16, 28
    plot = height - top - bottom
    n = max(1, len(values))
    slot = width / n
    peak = max([*values, 0]) or 1
    bars = []
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
            )
        )
    return BarChart(title, bars, width, height, top + plot, peak, unit)
