"""How much a catch-up takes on at once: the settings, read when used (tests and operators change
them), the batch size adapted to the time a batch transaction should take, the back-off after
failures, and the garbage collector paused around a batch."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings


def batch_size_setting() -> int:
    return int(getattr(settings, "PROJECTION_BATCH_SIZE", 1000))


def batch_seconds_setting() -> float:
    return float(getattr(settings, "PROJECTION_BATCH_SECONDS", 0.5))


MIN_BATCH = 20


def next_batch_size(size: int, seconds: float, *, ceiling: int, target: float) -> int:
    """Adapt the batch size so one batch transaction takes about `target` seconds: a writing
    transaction holds back what read_all hands out to every reader on the server until it ends,
    so a slow projection must not hold it for long."""
    if seconds > target:
        return max(MIN_BATCH, min(size - 1, int(size * target / seconds)))
    if seconds < target / 4:
        return min(ceiling, size * 2)
    return size


def budget_setting() -> float:
    return float(getattr(settings, "PROJECTION_TIME_BUDGET_SECONDS", 10.0))


def retry_delay(failures: int) -> timedelta:
    """Back-off after the nth failure in a row: base, 2x base, 4x base ... up to the maximum."""
    base = float(getattr(settings, "PROJECTION_RETRY_BASE_SECONDS", 2.0))
    ceiling = float(getattr(settings, "PROJECTION_RETRY_MAX_SECONDS", 300.0))
    return timedelta(seconds=min(ceiling, base * 2 ** min(max(failures - 1, 0), 30)))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch.

    A batch allocates thousands of small containers that all stay alive until it ends (the page of
    events, their data dicts, the rows built from them), so the collector's passes find nothing to
    free, yet each one walks them, and every few batches the whole heap: measured at 2-3 us per
    event of a 5,000-event read, a third of its client CPU. Reference counting still frees
    everything as usual; cycles made in the batch wait for the collector's next pass after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
