"""Replaying history into a projection in this process (the projections command, tests): every
partition up to the end of the log, and a partitioned projection read once for all its partitions
right after a reset."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from django.db import reset_queries, transaction

from events import projections, store
from events.models import ProjectionCheckpoint
from events.projections import Projection
from events.read_ahead import ReadAhead
from events.runner.batching import (
    batch_seconds_setting,
    batch_size_setting,
    next_batch_size,
    paused_gc,
)
from events.runner.catching_up import catch_up
from events.runner.checkpoints import Status, _advance
from events.runner.resetting import reset

logger = logging.getLogger("events.runner")  # the name operators know the runner by


def replay(
    name: str,
    *,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Catch every partition of a projection up to the end of the log, in this process."""
    projection = projections.get(name)
    applied = 0
    if projection.partitions > 1:
        applied += _replay_together(projection, batch_size or batch_size_setting(), on_batch)
    for partition in range(projection.partitions):
        while True:
            result = catch_up(
                name,
                partition,
                budget_seconds=math.inf,
                batch_size=batch_size,
                force=True,
                on_batch=on_batch,
            )
            applied += result.applied
            if result.skipped == "locked":
                time.sleep(0.05)  # a worker runs a batch of it: wait and go on from its cursor
                continue
            break
    return applied


def rebuild(
    name: str,
    *,
    batch_size: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Reset a projection and replay all of history into it, one committed batch at a time."""
    total = reset(name)
    if on_start is not None:
        on_start(total)
    return replay(name, batch_size=batch_size, on_batch=on_batch)


def _replay_together(
    projection: Projection, size: int, on_batch: Callable[[int], None] | None
) -> int:
    """The replay fast path for a partitioned projection whose checkpoints all stand at the same
    cursor (right after a reset): read the log once, unpartitioned, apply each batch and move
    every partition's cursor in one transaction. Stops (and leaves the rest to the partition by
    partition catch-up) when a worker holds a partition, the cursors differ, or a handler raises:
    that path finds and records the failing event. The next page is read ahead (see
    events.read_ahead) while a batch is applied."""
    applied = 0
    ceiling, target = size, batch_seconds_setting()

    def read(cursor: str, limit: int) -> store.Page:
        return store.read_all(
            after=cursor or None,
            limit=limit,
            types=projection.event_types,
            metadata=projection.reads_metadata,
        )

    with ReadAhead(read) as pages:
        while True:
            started = time.monotonic()
            try:
                with paused_gc(), transaction.atomic():
                    rows = list(
                        ProjectionCheckpoint.objects.select_for_update(skip_locked=True)
                        .filter(name=projection.name)
                        .order_by("partition")
                    )
                    cursors = {row.cursor for row in rows}
                    if (
                        [row.partition for row in rows] != list(range(projection.partitions))
                        or len(cursors) != 1
                        or any(row.partitions != projection.partitions for row in rows)
                        or any(row.status == Status.FAILED for row in rows)
                    ):
                        return applied
                    page, limit = pages.page(cursors.pop(), size)
                    full = len(page.events) >= limit
                    if full:
                        pages.read_ahead(page.cursor, size)
                    if page.events:
                        projection.apply(page.events)
                    split = projection.split(page.events)
                    for row in rows:
                        _advance(row, page.cursor, split[row.partition], caught_up=not full)
                        row.save()
            except Exception:
                logger.warning(
                    "Replaying %s together stopped; going partition by partition",
                    projection.name,
                    exc_info=True,
                )
                return applied
            applied += len(page.events)
            if on_batch is not None:
                on_batch(len(page.events))
            reset_queries()
            if not full:
                return applied
            size = next_batch_size(size, time.monotonic() - started, ceiling=ceiling, target=target)
