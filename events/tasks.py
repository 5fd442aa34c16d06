"""Thin Celery tasks around the projection runner, and the nudge on commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from celery import shared_task
from celery.signals import worker_ready
from django.db.models.functions import Now
from django.utils import timezone

from events import nudges, projections, runner
from events.models import Heartbeat

if TYPE_CHECKING:
    from events.store import RecordedEvent

logger = logging.getLogger(__name__)


# Events committed but not yet readable (an older transaction still runs somewhere), or the
# partition busy with another task: look again shortly, this many times, then leave it to the sweep.
RETRIES = 30


# The sweep's task name, also its Heartbeat row's: the health check reads when it last ran.
SWEEP = "events.sweep_projections"


def retry_delay(waits: int) -> float:
    return 0.05 if waits < 10 else 0.25


@shared_task(name="events.catch_up_projection", ignore_result=True)
def catch_up_projection(
    name: str, partition: int = 0, force: bool = False, waits: int = 0
) -> dict[str, Any]:
    """Catch one projection partition up within the time budget; re-queue when work is left."""
    nudges.clear(name, partition)
    try:
        projection = projections.get(name)
    except projections.ProjectionNotFound:
        logger.warning("No projection named %r (a message from another version?)", name)
        return {"name": name, "partition": partition, "unknown": True}
    result = runner.catch_up(name, partition, force=force)
    if result.more:
        nudges.nudge(name, partition)
    elif waits < RETRIES and (
        result.skipped == "locked" or (result.done and runner.has_unreadable(projection, partition))
    ):
        # Another task holds the partition (it may have read before our nudge's events were
        # there), or the append that nudged us committed but read_all only hands out events below
        # the oldest transaction still running: come back shortly rather than at the next sweep.
        nudges.nudge(name, partition, waits=waits + 1, countdown=retry_delay(waits))
    return {
        "name": name,
        "partition": partition,
        "applied": result.applied,
        "more": result.more,
        "skipped": result.skipped,
        "failed": result.failed,
    }


@shared_task(name=SWEEP, ignore_result=True)
def sweep_projections() -> int:
    """Nudge every projection partition that has events to apply (and is not backing off), or
    that an older version of its projection built (the catch-up rebuilds it). Beat runs it every
    few seconds, so a lost nudge or a broker outage only delays. Each run is recorded (Heartbeat):
    the health check tells by its age that no worker or no beat runs."""
    nudges.resume_broker()  # we run on a worker: the broker answers again
    now = timezone.now()
    queued = 0
    for projection in projections.all_projections():
        runner.ensure_checkpoints(projection)
        for checkpoint in runner.checkpoints_of(projection):
            if checkpoint.version > projection.version:
                continue  # built by newer code than this worker's: not for it (an upgrade)
            outdated = checkpoint.version < projection.version  # a catch-up will rebuild it
            if not outdated and runner.backing_off(checkpoint, now):
                continue
            if outdated or runner.has_pending(projection, checkpoint):
                queued += nudges.nudge(projection.name, checkpoint.partition)
    record_run(SWEEP)  # once it went through: a sweep that fails every time counts as none
    return queued


def record_run(task: str) -> None:
    """`task` ran now (the database's clock): one UPDATE of one row, a plain insert the first
    time."""
    if not Heartbeat.objects.filter(task=task).update(ran_at=Now()):
        Heartbeat.objects.get_or_create(task=task, defaults={"ran_at": Now()})


@shared_task(name="events.rebuild_projection", ignore_result=True)
def rebuild_projection(name: str) -> int:
    """Reset a projection, then let catch-up tasks replay it partition by partition (each within its
    time budget, re-queueing itself), so a long replay survives a worker restart. Progress is on
    the checkpoints (events_applied of rebuild_total)."""
    total = runner.reset(name)
    for partition in range(projections.get(name).partitions):
        nudges.clear(name, partition)
        nudges.nudge(name, partition, force=True)
    return total


def on_events_committed(sender: object, events: Sequence[RecordedEvent], **kwargs: Any) -> None:
    """After an append commits: nudge the projections (partitions) that handle its events."""
    nudges.nudge_after_commit(partitions_to_nudge(events))


def partitions_to_nudge(events: Sequence[RecordedEvent]) -> list[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    # An append is one stream: look at each (type, stream) pair once, not every event.
    for event_type, stream_id in {(event.type, event.stream_id) for event in events}:
        for projection in projections.handling(event_type):
            found.add((projection.name, projection.partition_of(stream_id)))
    return sorted(found)


def on_worker_ready(**kwargs: Any) -> None:
    try:
        sweep_projections.apply_async(retry=False)
    except Exception:
        logger.exception("Could not queue the start-up sweep; beat will sweep")


def connect_signals() -> None:
    from events.signals import events_committed

    events_committed.connect(on_events_committed, dispatch_uid="projections-nudge")
    worker_ready.connect(on_worker_ready, dispatch_uid="projections-sweep-on-start", weak=False)
