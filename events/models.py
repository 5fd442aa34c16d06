"""The event table: append-only, written by `events.store` only.

The database enforces immutability too (triggers, see migration 0001); the model refuses the ORM
paths so a mistake fails at the call site with a clear message.
"""

from typing import Any, NoReturn

from django.db import models


class EventIsImmutable(Exception):
    """An attempt to change or delete a stored event."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise EventIsImmutable("events are immutable: QuerySet.update() is not allowed")

    def delete(self) -> NoReturn:
        raise EventIsImmutable("events are immutable: QuerySet.delete() is not allowed")


class Event(models.Model):
    position = models.BigAutoField(primary_key=True)
    # PostgreSQL: the top-level transaction id (pg_current_xact_id), set by a column default that
    # migration 0001 installs; read_all orders by (transaction_id, position). SQLite: always 0
    # (writers are serialized there, so position order is commit order).
    transaction_id = models.BigIntegerField(db_default=0, editable=False)
    stream_id = models.CharField(max_length=200)
    # events.partitioning.stream_hash(stream_id): lets projections split the log by stream.
    stream_hash = models.BigIntegerField()
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=200)
    schema_version = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField()
    metadata = models.JSONField(default=dict)
    event_id = models.UUIDField(unique=True)
    recorded_at = models.DateTimeField()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["stream_id", "version"], name="events_stream_version"),
        ]
        indexes = [
            models.Index(fields=["transaction_id", "position"], name="events_commit_order"),
            # The admin's event list by date (its filter and its date drill-down): without it
            # each of those read the whole log, a second a page at a million events. With the
            # position, a period's newest event is found from the index alone (events.admin).
            models.Index(fields=["recorded_at", "position"], name="events_recorded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.stream_id}@{self.version} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise EventIsImmutable(f"events are immutable: event {self.position} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EventIsImmutable(f"events are immutable: event {self.position} cannot be deleted")


# --- Projection checkpoints (the projection engine: events/runner/) -------------------------------


class ProjectionCheckpoint(models.Model):
    """How far one projection (partition) has read the event log.

    Updated in the same transaction as the projection's writes, so its read model and its cursor
    always agree. A worker locks the row (FOR UPDATE SKIP LOCKED) for the length of one batch.
    """

    class Status(models.TextChoices):
        OK = "ok", "OK"
        FAILED = "failed", "Failed"
        REBUILDING = "rebuilding", "Rebuilding"

    name = models.CharField(max_length=100)
    partition = models.PositiveSmallIntegerField(default=0)
    partitions = models.PositiveSmallIntegerField(default=1)
    # The projection's `version` its rows were computed by (events.projections.Projection).
    version = models.PositiveIntegerField(default=1, db_default=1)  # an old worker inserts none
    cursor = models.TextField(blank=True, default="")  # the store's opaque cursor; "" = the start
    position = models.BigIntegerField(null=True, blank=True)  # last event applied
    last_event_at = models.DateTimeField(null=True, blank=True)  # its recorded_at
    events_applied = models.BigIntegerField(default=0)  # since the last rebuild
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OK)
    last_error = models.TextField(blank=True, default="")
    failed_position = models.BigIntegerField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row, for the back-off
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    rebuild_total = models.BigIntegerField(null=True, blank=True)  # events to replay
    rebuild_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "partition"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "partition"], name="checkpoint_unique_partition"
            )
        ]
        # Seeing where the projections stand is Django's own "view" permission; acting on them
        # (a rebuild empties the teachers' reports until it is done) takes this one.
        permissions = [("operate_projections", "Can catch up and rebuild projections")]

    def __str__(self) -> str:
        if self.partitions == 1:
            return self.name
        return f"{self.name} [{self.partition}/{self.partitions}]"

    @property
    def rebuild_progress(self) -> float | None:
        """Share of the rebuild done (0..1), while one runs."""
        if self.status != self.Status.REBUILDING or not self.rebuild_total:
            return None
        return min(1.0, self.events_applied / self.rebuild_total)


# --- When the periodic tasks last ran (beat, through a worker) ----------------------------------


class Heartbeat(models.Model):
    """When a periodic task last ran to its end: one row a task, written by the task on every run
    (the projections' sweep, every PROJECTION_SWEEP_SECONDS). On a quiet night nothing else tells
    that the workers or beat stopped: no event comes in, so no projection lags. In the database,
    not the cache: it outlives a cache outage and needs no CACHE_URL, and its moments are the
    database's clock, so the workers' and the web's clocks need not agree."""

    task = models.CharField(max_length=200, primary_key=True)  # the Celery task's name
    ran_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task} at {self.ran_at}"
