"""Reads about the projections: where each stands and how far behind the event log it is."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from events import projections, runner
from events.models import ProjectionCheckpoint


@dataclass(frozen=True)
class PartitionStatus:
    name: str
    partition: int
    partitions: int
    status: str  # ok | failed | rebuilding | new (never ran)
    cursor: str
    position: int | None  # last event applied
    lag_events: int
    lag_seconds: float  # age of the oldest event still to apply; 0 when caught up
    last_error: str
    failed_position: int | None
    next_attempt_at: datetime | None
    events_applied: int
    rebuild_progress: float | None
    updated_at: datetime | None


def lag(projection: projections.Projection, partition: int, cursor: str) -> tuple[int, float]:
    """(events behind, seconds behind) of a projection partition at a cursor."""
    events = runner.store.events_after(
        cursor or None,
        types=projection.event_types,
        partition=runner.partition_filter(projection, partition),
    )
    if not events:
        return 0, 0.0
    oldest = runner.read_pending(projection, partition, cursor, 1).events
    if not oldest:
        return events, 0.0
    return events, max(0.0, (timezone.now() - oldest[0].recorded_at).total_seconds())


def partition_statuses(name: str | None = None) -> list[PartitionStatus]:
    found = {
        (checkpoint.name, checkpoint.partition): checkpoint
        for checkpoint in ProjectionCheckpoint.objects.all()
    }
    result = []
    for projection in projections.all_projections():
        if name is not None and projection.name != name:
            continue
        for partition in range(projection.partitions):
            checkpoint = found.get((projection.name, partition))
            result.append(_status(projection, partition, checkpoint))
    return result


def _status(
    projection: projections.Projection, partition: int, checkpoint: ProjectionCheckpoint | None
) -> PartitionStatus:
    cursor = checkpoint.cursor if checkpoint else ""
    lag_events, lag_seconds = lag(projection, partition, cursor)
    return PartitionStatus(
        name=projection.name,
        partition=partition,
        partitions=projection.partitions,
        status=checkpoint.status if checkpoint else "new",
        cursor=cursor,
        position=checkpoint.position if checkpoint else None,
        lag_events=lag_events,
        lag_seconds=round(lag_seconds, 3),
        last_error=checkpoint.last_error if checkpoint else "",
        failed_position=checkpoint.failed_position if checkpoint else None,
        next_attempt_at=checkpoint.next_attempt_at if checkpoint else None,
        events_applied=checkpoint.events_applied if checkpoint else 0,
        rebuild_progress=checkpoint.rebuild_progress if checkpoint else None,
        updated_at=checkpoint.updated_at if checkpoint else None,
    )


def projection_status() -> list[dict[str, Any]]:
    """One dict per projection partition: name, partition, lag_events, lag_seconds, status,
    last_error, failed_position, cursor, updated_at (and a few more). For the health check."""
    return [asdict(status) for status in partition_statuses()]


@dataclass(frozen=True)
class Stall:
    """Projections that stopped on an event (they retry, with a back-off, until it is fixed)."""

    names: list[str]
    since: datetime | None  # the newest event all of them took in; None: not even the first


def stall() -> Stall | None:
    """The registered projections whose checkpoint has failed, or None when none has. One query
    on the small checkpoint table."""
    registered = {projection.name for projection in projections.all_projections()}
    rows = [
        (name, last)
        for name, last in ProjectionCheckpoint.objects.filter(
            status=ProjectionCheckpoint.Status.FAILED
        ).values_list("name", "last_event_at")
        if name in registered
    ]
    if not rows:
        return None
    lasts = [last for _, last in rows]
    since = None if None in lasts else min(last for last in lasts if last is not None)
    return Stall(sorted({name for name, _ in rows}), since)


def rebuild_progress() -> float | None:
    """While any projection is being rebuilt, the share of the replay done (0..1) over all the
    partitions being rebuilt; None when none is. One query on the small checkpoint table."""
    rows = list(
        ProjectionCheckpoint.objects.filter(
            status=ProjectionCheckpoint.Status.REBUILDING
        ).values_list("events_applied", "rebuild_total")
    )
    if not rows:
        return None
    total = sum(planned or 0 for _, planned in rows)
    applied = sum(min(done, planned or 0) for done, planned in rows)
    return applied / total if total else 0.0
