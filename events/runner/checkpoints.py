"""The checkpoint rows: one per projection partition, its cursor in the event log and its health.
Creating them, locking one for a batch, moving its cursor, and reading what lies after it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from events import store
from events.models import ProjectionCheckpoint
from events.projections import Projection

if TYPE_CHECKING:
    from events.store import RecordedEvent


Status = ProjectionCheckpoint.Status


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
