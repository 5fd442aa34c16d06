"""Projections: named functions from batches of events to writes on their own read-model tables.

An app declares its projections in `<app>/projections.py` (or a `projections/` package) and calls
`register(...)`; `EventsConfig.ready()` imports those modules. The runner (`events.runner`) feeds
each projection the events it asked for, in commit-safe order, one batch per transaction together
with its checkpoint, so a projection never sees an event twice and never misses one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from events.partitioning import stream_partition

if TYPE_CHECKING:
    from events.store import RecordedEvent


@dataclass(frozen=True)
class Projection:
    """A read model fed from the event log.

    `apply` runs inside the batch transaction and must only write the projection's own tables;
    it must give the same result however the events are split into batches. `reset` empties those
    tables (rebuild). With `partitions` > 1 the events are split by a hash of their stream id and
    each partition has its own checkpoint, so several workers can feed one projection in parallel:
    the events of one stream always land in the same partition, in order.
    """

    name: str
    event_types: frozenset[str]
    apply: Callable[[Sequence[RecordedEvent]], None]
    reset: Callable[[], None]
    partitions: int = 1
    # Raise it when a release changes what `apply` computes from the events: a worker running
    # this code finds the checkpoints of an older version and rebuilds the projection on its own,
    # and a worker still running older code stands down before a newer version's rows.
    version: int = 1
    description: str = field(default="", compare=False)
    # False: the runner reads the log without the events' metadata (they arrive with metadata={}),
    # which saves its transfer and decoding on every event replayed.
    reads_metadata: bool = True

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 100:
            raise ValueError("A projection needs a name of 1 to 100 characters.")
        if not self.event_types:
            raise ValueError(f"Projection {self.name!r} handles no event types.")
        if not 1 <= self.partitions <= 256:
            raise ValueError(f"Projection {self.name!r}: partitions must be within 1..256.")
        if self.version < 1:
            raise ValueError(f"Projection {self.name!r}: version must be 1 or more.")

    def partition_of(self, stream_id: str) -> int:
        return stream_partition(stream_id, self.partitions)

    def split(self, events: Iterable[RecordedEvent]) -> dict[int, list[RecordedEvent]]:
        """Events by partition, in order; every partition has a (possibly empty) list."""
        parts: dict[int, list[RecordedEvent]] = {k: [] for k in range(self.partitions)}
        if self.partitions == 1:
            parts[0].extend(events)
            return parts
        # A stream's events come in runs (an append is contiguous): hash each run once.
        stream, part = None, parts[0]
        for event in events:
            if event.stream_id != stream:
                stream = event.stream_id
                part = parts[stream_partition(stream, self.partitions)]
            part.append(event)
        return parts


class ProjectionNotFound(KeyError):
    pass


_registry: dict[str, Projection] = {}
# The projections handling each event type, by name: asked after every append (the nudge), so
# kept until the registry changes.
_handling: dict[str, tuple[Projection, ...]] = {}


def register(projection: Projection) -> Projection:
    """Add a projection to the registry. Registering the same name twice is a programming error,
    unless it is the very same declaration (a module imported twice)."""
    existing = _registry.get(projection.name)
    if existing is not None and existing != projection:
        raise ValueError(f"Another projection is already registered as {projection.name!r}.")
    _registry[projection.name] = projection
    _handling.clear()
    return projection


def unregister(name: str) -> None:
    """Remove a projection (tests that add a projection for a while)."""
    _registry.pop(name, None)
    _handling.clear()


def get(name: str) -> Projection:
    try:
        return _registry[name]
    except KeyError:
        raise ProjectionNotFound(name) from None


def all_projections() -> list[Projection]:
    return sorted(_registry.values(), key=lambda projection: projection.name)


def handling(event_type: str) -> tuple[Projection, ...]:
    """The projections handling this event type, by name."""
    found = _handling.get(event_type)
    if found is None:
        found = tuple(p for p in all_projections() if event_type in p.event_types)
        _handling[event_type] = found
    return found


def autodiscover() -> None:
    """Import `<app>.projections` of every installed app (a module or a package), then the
    modules named in settings.PROJECTION_MODULES (projections outside the apps)."""
    from importlib import import_module

    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("projections")
    for module in getattr(settings, "PROJECTION_MODULES", []):
        import_module(module)
