"""Emptying a projection and starting its checkpoints over, on an operator's rebuild or when a
worker runs a newer version of the projection than its rows were computed by."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from events import projections, store
from events.models import ProjectionCheckpoint
from events.projections import Projection
from events.runner.checkpoints import Status

logger = logging.getLogger("events.runner")  # the name operators know the runner by


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
