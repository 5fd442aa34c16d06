"""Catching one projection partition up: batch after batch, each one transaction, until the log
is read or the time budget is spent; a batch that failed goes to events.runner.failures, a
projection whose code is newer than its rows to events.runner.resetting."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import reset_queries, transaction
from django.utils import timezone

from events import projections
from events.models import ProjectionCheckpoint
from events.projections import Projection
from events.runner.batching import (
    batch_seconds_setting,
    batch_size_setting,
    budget_setting,
    next_batch_size,
    paused_gc,
)
from events.runner.checkpoints import (
    Status,
    _advance,
    _ensured,
    _lock,
    _sizes,
    backing_off,
    ensure_checkpoints,
    read_pending,
)
from events.runner.failures import PartitionsChanged, _mark_failed, _record_failure
from events.runner.resetting import _rebuild_for_version

if TYPE_CHECKING:
    from events.store import RecordedEvent

logger = logging.getLogger("events.runner")  # the name operators know the runner by


@dataclass(frozen=True)
class CatchUpResult:
    name: str
    partition: int
    applied: int = 0
    batches: int = 0
    more: bool = False  # stopped at the time budget with work left
    # "locked", "backing_off", "missing" or "newer_version" (this process runs older code than
    # the checkpoint's): nothing was tried
    skipped: str = ""
    failed: bool = False  # a handler raised; the checkpoint records where

    @property
    def done(self) -> bool:
        return not (self.more or self.skipped or self.failed)


def catch_up(
    name: str,
    partition: int = 0,
    *,
    budget_seconds: float | None = None,
    batch_size: int | None = None,
    force: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> CatchUpResult:
    """Apply pending events to one projection partition, batch after batch, until there are none
    left or the time budget is spent (`more` is then set: the caller re-queues).

    `force` ignores the back-off of a failed projection (an operator asked for it).
    """
    projection = projections.get(name)
    if not 0 <= partition < projection.partitions:
        raise ValueError(f"{name} has partitions 0..{projection.partitions - 1}, not {partition}.")
    if projection.name not in _ensured:
        ensure_checkpoints(projection)
        _ensured.add(projection.name)
    budget = budget_setting() if budget_seconds is None else budget_seconds
    ceiling = batch_size or batch_size_setting()
    size = _sizes.get((name, partition), ceiling)
    target = batch_seconds_setting()
    deadline = time.monotonic() + budget if math.isfinite(budget) else math.inf
    applied = batches = 0
    created = upgraded = False
    while True:
        started = time.monotonic()
        outcome = _run_batch(projection, partition, min(size, ceiling), force=force)
        if outcome.skipped == "missing" and not created:
            ensure_checkpoints(projection)  # deleted since this process last looked
            created = True
            continue
        if outcome.skipped == "outdated" and not upgraded:
            _rebuild_for_version(projection)
            upgraded = True
            continue
        if outcome.skipped == "newer_version":
            logger.warning(
                "Projection %s[%d] was built by a newer version than this process runs (%d): "
                "not applying events; restart this worker with the new code.",
                name,
                partition,
                projection.version,
            )
        if outcome.skipped:
            return CatchUpResult(name, partition, applied, batches, skipped=outcome.skipped)
        if outcome.stopped:
            return CatchUpResult(name, partition, applied, batches, failed=True)
        if outcome.error is not None:
            applied += _record_failure(
                projection, partition, outcome.cursor, outcome.events, outcome.error
            )
            return CatchUpResult(name, partition, applied, batches, failed=True)
        applied += outcome.applied
        batches += 1
        force = False
        # Only a batch that ran says how long one takes (a locked or skipped attempt is instant).
        size = next_batch_size(size, time.monotonic() - started, ceiling=ceiling, target=target)
        _sizes[(name, partition)] = size
        if on_batch is not None:
            on_batch(outcome.applied)
        reset_queries()  # DEBUG keeps every query; a long replay must not
        if not outcome.full:
            return CatchUpResult(name, partition, applied, batches)
        if time.monotonic() >= deadline:
            return CatchUpResult(name, partition, applied, batches, more=True)


@dataclass
class _Batch:
    applied: int = 0
    full: bool = False
    skipped: str = ""
    stopped: bool = False  # failed, and recorded already
    cursor: str = ""
    events: Sequence[RecordedEvent] = ()
    error: BaseException | None = None


def _run_batch(projection: Projection, partition: int, size: int, *, force: bool) -> _Batch:
    batch = _Batch()
    try:
        with paused_gc(), transaction.atomic():
            checkpoint = _lock(projection.name, partition)
            if checkpoint is None:
                if not ProjectionCheckpoint.objects.filter(
                    name=projection.name, partition=partition
                ).exists():
                    return _Batch(skipped="missing")
                return _Batch(skipped="locked")
            if checkpoint.version != projection.version:
                # Rows computed by other code: a newer version's are not this process's to touch
                # (it runs old code: an upgrade under way); an older version's are rebuilt.
                newer = checkpoint.version > projection.version
                return _Batch(skipped="newer_version" if newer else "outdated")
            if not force and backing_off(checkpoint, timezone.now()):
                return _Batch(skipped="backing_off")
            if checkpoint.partitions != projection.partitions:
                # Its cursors split the log another way: only a rebuild can go on from here.
                changed = PartitionsChanged(checkpoint.partitions, projection.partitions)
                if not _mark_failed(checkpoint, None, changed):  # said once, not every retry
                    logger.error(
                        "Projection %s[%d] stopped: %s", projection.name, partition, changed
                    )
                checkpoint.save()
                return _Batch(stopped=True)
            batch.cursor = checkpoint.cursor
            page = read_pending(projection, partition, checkpoint.cursor, size)
            batch.events = page.events
            if page.events:
                projection.apply(page.events)
            batch.full = len(page.events) >= size
            idle = not page.events and page.cursor == checkpoint.cursor
            if not (idle and checkpoint.status == Status.OK):  # no write when nothing moved
                _advance(checkpoint, page.cursor, page.events, caught_up=not batch.full)
                checkpoint.save()
            batch.applied = len(page.events)
            return batch
    except Exception as error:
        if not batch.events:
            raise  # not the handler: the database or the store; the task fails, the sweep retries
        batch.error = error
        return batch
