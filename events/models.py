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
    # crc32 of stream_id: lets projections split the event stream into partitions by stream.
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
        ]

    def __str__(self) -> str:
        return f"{self.stream_id}@{self.version} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise EventIsImmutable(f"events are immutable: event {self.position} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EventIsImmutable(f"events are immutable: event {self.position} cannot be deleted")
