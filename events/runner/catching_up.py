"""The projection runner: feeds projections the event log, batch by batch, exactly once.

Each batch is one transaction: lock the checkpoint row (SKIP LOCKED, so a second worker on the same
projection partition just moves on), read the events after its cursor, apply them, move the cursor.
A crash anywhere rolls the whole batch back, so the read model and its cursor always agree.

Keep batches short: the store only hands out events of transactions that finished before the oldest
one still running, so a long transaction anywhere (ours included) holds every projection back.
"""

from __future__ import annotations

import gc
import logging
import math
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone

from events import projections, store
from events.models import ProjectionCheckpoint
from events.projections import Projection
from events.read_ahead import ReadAhead

if TYPE_CHECKING:
    from events.store import RecordedEvent

logger = logging.getLogger("events.runner")  # the name operators know the runner by

Status = ProjectionCheckpoint.Status


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


# --- checkpoints ----------------------------------------------------------------------------------


# Projections whose checkpoint rows this process has seen exist (saves a query per catch-up).
_ensured: set[str] = set()
# The batch size that suits each projection partition (adapted to the batch time target).
_sizes: dict[tuple[str, int], int] = {}


def ensure_checkpoints(projection: Projection) -> None:
    """Create the checkpoint rows a projection's partitions need (idempotent, race-safe)."""
    existing = set(
        ProjectionCheckpoint.objects.filter(name=projection.name).values_list(
            "partition", flat=True
        )
    )
    missing = [p for p in range(projection.partitions) if p not in existing]
    if missing:
        ProjectionCheckpoint.objects.bulk_create(
            [
                ProjectionCheckpoint(
                    name=projection.name,
                    partition=p,
                    partitions=projection.partitions,
                    version=projection.version,
                )
                for p in missing
            ],
            ignore_conflicts=True,
        )


def checkpoints_of(projection: Projection) -> list[ProjectionCheckpoint]:
    return list(ProjectionCheckpoint.objects.filter(name=projection.name).order_by("partition"))


def has_pending(projection: Projection, checkpoint: ProjectionCheckpoint) -> bool:
    if checkpoint.partition >= projection.partitions:
        return False
    return bool(read_pending(projection, checkpoint.partition, checkpoint.cursor, 1).events)


def has_unreadable(projection: Projection, partition: int) -> bool:
    """Whether committed events lie beyond the checkpoint that read_all does not hand out yet."""
    checkpoint = ProjectionCheckpoint.objects.filter(
        name=projection.name, partition=partition
    ).first()
    if checkpoint is None:
        return False
    pending = store.events_after(
        checkpoint.cursor or None,
        types=projection.event_types,
        partition=partition_filter(projection, partition),
    )
    return pending > 0


def partition_filter(projection: Projection, partition: int) -> tuple[int, int] | None:
    return None if projection.partitions == 1 else (partition, projection.partitions)


def read_pending(projection: Projection, partition: int, cursor: str, limit: int) -> store.Page:
    return store.read_all(
        after=cursor or None,
        limit=limit,
        types=projection.event_types,
        partition=partition_filter(projection, partition),
        metadata=projection.reads_metadata,
    )


# --- catching up ----------------------------------------------------------------------------------


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
                _mark_failed(
                    checkpoint,
                    None,
                    PartitionsChanged(checkpoint.partitions, projection.partitions),
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


class PartitionsChanged(Exception):
    def __init__(self, stored: int, declared: int) -> None:
        super().__init__(
            f"The projection now has {declared} partitions, its checkpoints {stored}: rebuild it."
        )


def _lock(name: str, partition: int) -> ProjectionCheckpoint | None:
    return (
        ProjectionCheckpoint.objects.select_for_update(skip_locked=True)
        .filter(name=name, partition=partition)
        .first()
    )


def backing_off(checkpoint: ProjectionCheckpoint, now: datetime) -> bool:
    return (
        checkpoint.status == Status.FAILED
        and checkpoint.next_attempt_at is not None
        and checkpoint.next_attempt_at > now
    )


def _advance(
    checkpoint: ProjectionCheckpoint,
    cursor: str,
    events: Sequence[RecordedEvent],
    *,
    caught_up: bool = False,
) -> None:
    checkpoint.cursor = cursor
    if events:
        checkpoint.position = events[-1].position
        checkpoint.last_event_at = events[-1].recorded_at
        checkpoint.events_applied += len(events)
    if checkpoint.status == Status.FAILED or (caught_up and checkpoint.status == Status.REBUILDING):
        checkpoint.status = Status.OK
    checkpoint.failures = 0
    checkpoint.last_error = ""
    checkpoint.failed_position = None
    checkpoint.next_attempt_at = None


def _record_failure(
    projection: Projection,
    partition: int,
    cursor: str,
    events: Sequence[RecordedEvent],
    error: BaseException,
) -> int:
    """After a batch failed and rolled back: apply the events before the failing one (found by
    bisecting the batch), stop the checkpoint at the failing event, record the error and when
    to try again. Returns how many events were applied."""
    logger.error(
        "Projection %s[%s] failed on a batch of %d events: %r",
        projection.name,
        partition,
        len(events),
        error,
    )
    try:
        with transaction.atomic():
            checkpoint = _lock(projection.name, partition)
            if checkpoint is None or checkpoint.cursor != cursor:
                return 0  # another worker got there in between; it will meet the same event
            failing, error = _find_failing_event(projection, events, error)
            if failing is None:
                # Every event applied on its own: the failure was transient (say, a deadlock).
                page = read_pending(projection, partition, cursor, len(events))
                _check_same(page.events, events)
                _advance(checkpoint, page.cursor, page.events)
                checkpoint.save()
                return len(events)
            if failing > 0:
                page = read_pending(projection, partition, cursor, failing)
                _check_same(page.events, events[:failing])
                _advance(checkpoint, page.cursor, page.events)
            _mark_failed(checkpoint, events[failing].position, error)
            checkpoint.save()
            return failing
    except Exception:
        logger.exception(
            "Could not isolate the failing event of %s[%s]", projection.name, partition
        )
        _mark_failed_only(projection.name, partition, events[0].position if events else None, error)
        return 0


def _find_failing_event(
    projection: Projection, events: Sequence[RecordedEvent], error: BaseException
) -> tuple[int | None, BaseException]:
    """Apply the events before the first one that fails, in this transaction; return its index
    (None when all applied: the failure was transient) and its error. Bisects with savepoints, so
    a batch of n events costs about log2(n) savepoints and 2n events applied, not n savepoints."""
    applied = 0  # events[:applied] are applied
    suspect = len(events)  # the failing event is within events[applied:suspect]
    while applied < len(events):
        if applied == suspect:
            suspect = len(events)  # that part went through this time: look further on
        middle = applied + max(1, (suspect - applied) // 2)
        try:
            with transaction.atomic():  # a savepoint: a failing part's writes are undone
                projection.apply(events[applied:middle])
        except Exception as failure:
            if middle - applied == 1:
                return applied, failure
            suspect = middle
            continue
        applied = middle
    return None, error


def _check_same(read: Sequence[RecordedEvent], expected: Sequence[RecordedEvent]) -> None:
    if [e.position for e in read] != [e.position for e in expected]:
        raise RuntimeError("The event log changed under a re-read; refusing to move the cursor.")


def _mark_failed(
    checkpoint: ProjectionCheckpoint, position: int | None, error: BaseException
) -> None:
    checkpoint.status = Status.FAILED
    checkpoint.failed_position = position
    checkpoint.last_error = describe(error)
    checkpoint.failures += 1
    checkpoint.next_attempt_at = timezone.now() + retry_delay(checkpoint.failures)


def _mark_failed_only(
    name: str, partition: int, position: int | None, error: BaseException
) -> None:
    try:
        with transaction.atomic():
            checkpoint = _lock(name, partition)
            if checkpoint is not None:
                _mark_failed(checkpoint, position, error)
                checkpoint.save()
    except Exception:
        logger.exception("Could not record the failure of %s[%s]", name, partition)


def describe(error: BaseException) -> str:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return "".join(lines)[-4000:]


# --- rebuild --------------------------------------------------------------------------------------


def reset(name: str, *, outdated_only: bool = False) -> int:
    """Empty a projection's tables and start its checkpoints from the beginning, in one transaction
    (it waits for a running batch to finish). Returns how many events a replay will apply.
    `outdated_only`: only if a checkpoint is of an older version than the projection's code (the
    other workers that found it so may have rebuilt it meanwhile)."""
    projection = projections.get(name)
    now = timezone.now()
    with transaction.atomic():
        kept = {
            checkpoint.partition: checkpoint
            for checkpoint in ProjectionCheckpoint.objects.select_for_update()
            .filter(name=name)
            .order_by("partition")  # one lock order for every worker: no deadlock
        }
        if outdated_only and all(c.version >= projection.version for c in kept.values()):
            return 0
        projection.reset()
        # One scan of the log for every partition's count, not one per partition.
        counts = store.events_after_per_partition(
            None, partitions=projection.partitions, types=projection.event_types
        )
        new = []
        for partition, pending in enumerate(counts):
            fresh = ProjectionCheckpoint(
                name=name,
                partition=partition,
                partitions=projection.partitions,
                version=projection.version,
                # A partition with nothing to replay is done: "rebuilding" would wait for an event
                # to end it (the sweep wakes a partition only for events to apply).
                status=Status.REBUILDING if pending else Status.OK,
                rebuild_total=pending if pending else None,
                rebuild_started_at=now if pending else None,
            )
            old = kept.pop(partition, None)
            if old is None:
                new.append(fresh)
            else:
                # Every field back to its default, in the same row: an operator's page or link
                # to this checkpoint stays good through the rebuild.
                fresh.pk, fresh.created_at = old.pk, old.created_at
                fresh.save(force_update=True)
        ProjectionCheckpoint.objects.filter(pk__in=[c.pk for c in kept.values()]).delete()
        ProjectionCheckpoint.objects.bulk_create(new)
    return sum(counts)


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


def _rebuild_for_version(projection: Projection) -> None:
    """A worker running a newer version of the projection than its rows were computed by: empty
    them and start over, once (whoever gets the checkpoints' locks first); the catch-up that found
    it goes on replaying from the start, and the sweep wakes the other partitions."""
    total = reset(projection.name, outdated_only=True)
    if total:
        logger.warning(
            "Projection %s changed to version %d: rebuilding it from the log (%d events).",
            projection.name,
            projection.version,
            total,
        )


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
