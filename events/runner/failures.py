"""A batch that failed: bisect it for the failing event, apply the events before it, and stop the
checkpoint there with the error and when to try again.

A failure is logged once, as an ERROR with its traceback; its retries (backing off up to
PROJECTION_RETRY_MAX_SECONDS apart) that fail the same way, on the same event with the same error,
are an INFO line each: a handler failing for a night must not bury the log in tracebacks, nor
must the first one be a bare repr.
"""

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
                applied = len(events)
            else:
                if failing > 0:
                    page = read_pending(projection, partition, cursor, failing)
                    _check_same(page.events, events[:failing])
                    _advance(checkpoint, page.cursor, page.events)
                repeated = _mark_failed(checkpoint, events[failing].position, error)
                checkpoint.save()
                applied = failing
    except Exception:
        logger.error(
            "Projection %s[%s] failed on a batch of %d events",
            projection.name,
            partition,
            len(events),
            exc_info=error,
        )
        logger.exception(
            "Could not isolate the failing event of %s[%s]", projection.name, partition
        )
        _mark_failed_only(projection.name, partition, events[0].position if events else None, error)
        return 0
    if failing is None:
        logger.warning(
            "Projection %s[%s]: a batch of %d events failed, then went through event by event "
            "(a passing fault, such as a deadlock)",
            projection.name,
            partition,
            len(events),
            exc_info=error,
        )
    else:
        log_failure(checkpoint, events[failing].type, error, repeated=repeated)
    return applied


def log_failure(
    checkpoint: ProjectionCheckpoint, event_type: str, error: BaseException, *, repeated: bool
) -> None:
    """The failure just recorded on `checkpoint`: with its traceback the first time, on one
    line while it repeats itself (same_failure)."""
    if repeated:
        logger.info(
            "Projection %s[%s] failed again on event %s, as before (%d failures in a row)",
            checkpoint.name,
            checkpoint.partition,
            checkpoint.failed_position,
            checkpoint.failures,
        )
        return
    logger.error(
        "Projection %s[%s] stopped at event %s (%s): %s. Retried on its own, less and less "
        "often; once the cause is fixed, `manage.py projections catch-up %s` retries at once",
        checkpoint.name,
        checkpoint.partition,
        checkpoint.failed_position,
        event_type,
        _last_line(error),
        checkpoint.name,
        exc_info=error,
    )


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
) -> bool:
    """Record the failure on the checkpoint (not saved); whether it repeats the one recorded."""
    described = describe(error)
    repeated = same_failure(checkpoint, position, described)
    checkpoint.status = Status.FAILED
    checkpoint.failed_position = position
    checkpoint.last_error = described
    checkpoint.failures += 1
    checkpoint.next_attempt_at = timezone.now() + retry_delay(checkpoint.failures)
    return repeated


def same_failure(checkpoint: ProjectionCheckpoint, position: int | None, error: str) -> bool:
    """Whether a failure at `position` with `error` (as described) is the one the checkpoint has
    recorded already: a retry that met it again. A failure at another event, or another error
    there (a fix that changed it, say), is a new one."""
    return (
        checkpoint.status == Status.FAILED
        and checkpoint.failed_position == position
        and checkpoint.last_error == error
    )


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


def _last_line(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()[-1]


def describe(error: BaseException) -> str:
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return "".join(lines)[-4000:]
