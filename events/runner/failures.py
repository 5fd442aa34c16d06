"""A batch that failed: bisect it for the failing event, apply the events before it, and stop the
checkpoint there with the error and when to try again."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from events.models import ProjectionCheckpoint
from events.projections import Projection
from events.runner.batching import retry_delay
from events.runner.checkpoints import Status, _advance, _lock, read_pending

if TYPE_CHECKING:
    from events.store import RecordedEvent

logger = logging.getLogger("events.runner")  # the name operators know the runner by


class PartitionsChanged(Exception):
    def __init__(self, stored: int, declared: int) -> None:
        super().__init__(
            f"The projection now has {declared} partitions, its checkpoints {stored}: rebuild it."
        )


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
