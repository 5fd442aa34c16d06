"""Rebuild several projections with ONE read of the event log.

The engine's `runner.rebuild(name)` replays the log once per projection; decoding a million events
costs more than applying them, so rebuilding the five reporting projections one by one reads the
log five times (`manage.py projections rebuild` with several names or --all uses this module).
Here every batch is read once and applied to each projection (partition) whose checkpoint stands at
that cursor, and all those checkpoints move on in the same transaction as the writes: the engine's
exactly-once rule holds, and a worker that runs in the meantime (its SKIP LOCKED finds the rows
locked, or it moved a checkpoint between our batches) is simply followed: units are grouped by
cursor in every batch.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from events import projections, runner, store
from events.models import ProjectionCheckpoint
from events.projections import Projection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unit:
    projection: Projection
    partition: int


def split(
    projection: Projection, events: Sequence[store.RecordedEvent]
) -> dict[int, list[store.RecordedEvent]]:
    """The events a projection handles, by partition (one pass over the batch)."""
    types = projection.event_types
    return projection.split(event for event in events if event.type in types)


def rebuild(
    names: Sequence[str],
    *,
    batch_size: int = 5000,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Reset the projections, then replay all history into them together. Returns how many log
    events were read (one projection alone: runner.rebuild, and the events it applied)."""
    if len(names) == 1:
        return runner.rebuild(names[0], batch_size=batch_size, on_start=on_start, on_batch=on_batch)
    for name in names:
        runner.reset(name)
    if on_start is not None:
        types = frozenset().union(*(projections.get(name).event_types for name in names))
        on_start(store.events_after(None, types=types))
    return replay(names, batch_size=batch_size, on_batch=on_batch)


def replay(
    names: Sequence[str],
    *,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Catch the projections up to the end of the log, reading each batch once.

    If a handler raises, its batch rolls back and each projection goes on alone through the
    engine's replay, which finds the failing event and records it on that projection's checkpoint
    (the others carry on). The result then also counts the events those replays applied."""
    units = [
        Unit(projection, partition)
        for projection in (projections.get(name) for name in names)
        for partition in range(projection.partitions)
    ]
    read = 0
    while True:
        try:
            events, more = _batch(units, batch_size)
        except Exception:
            logger.warning("Replaying %s together stopped; one by one", names, exc_info=True)
            return read + sum(
                runner.replay(name, batch_size=batch_size, on_batch=on_batch) for name in names
            )
        read += events
        if on_batch is not None:
            on_batch(events)
        if not more:
            return read


def _batch(units: Sequence[Unit], size: int) -> tuple[int, bool]:
    """One transaction: lock the checkpoints, read once per distinct cursor, apply, advance."""
    with runner.paused_gc(), transaction.atomic():
        names = sorted({unit.projection.name for unit in units})
        checkpoints = {
            (c.name, c.partition): c
            for c in ProjectionCheckpoint.objects.select_for_update()
            .filter(name__in=names)
            .order_by("name", "partition")
        }
        groups: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            checkpoint = checkpoints[(unit.projection.name, unit.partition)]
            groups[checkpoint.cursor].append(unit)
        read = 0
        more = False
        for cursor, members in groups.items():
            types = frozenset().union(*(unit.projection.event_types for unit in members))
            metadata = any(unit.projection.reads_metadata for unit in members)
            page = store.read_all(after=cursor or None, limit=size, types=types, metadata=metadata)
            full = len(page.events) >= size
            partitions: dict[str, set[int]] = defaultdict(set)
            for unit in members:
                partitions[unit.projection.name].add(unit.partition)
            for name, wanted in partitions.items():
                projection = projections.get(name)
                parts = split(projection, page.events)  # once per projection, not per partition
                mine = [event for k in sorted(wanted) for event in parts[k]]
                if len(wanted) == projection.partitions:
                    mine.sort(key=lambda event: (event.transaction_id, event.position))
                if mine:
                    projection.apply(mine)  # one call for all its partitions at this cursor
                for k in wanted:
                    checkpoint = checkpoints[(name, k)]
                    runner._advance(checkpoint, page.cursor, parts[k], caught_up=not full)
                    checkpoint.save()
            read += len(page.events)
            more = more or full
        return read, more
