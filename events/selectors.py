"""Reads about the projections: where each stands and how far behind the event log it is."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F
from django.db.models.functions import Now
from django.utils import timezone

from events import projections, runner, store
from events.models import Heartbeat, ProjectionCheckpoint


@dataclass(frozen=True)
class PartitionStatus:
    name: str
    partition: int
    partitions: int
    status: str  # ok | failed | rebuilding | new (never ran) | rebuild_pending (see state())
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
    version: int  # what the code computes (events.projections.Projection.version)
    rows_version: int | None  # what the read model's rows were computed by; None: never ran


# The code computes a projection differently from its rows (a release raised its version): until
# a worker running this code rebuilds it, the reports are of the old version, whatever the
# checkpoint says.
REBUILD_PENDING = "rebuild_pending"


# No checkpoint yet: no worker running a release that has the projection ran it (its rows are
# empty). Readers are told so as of a pending rebuild while it has events to apply.
NEW = "new"


def state(stored: str | None, rows_version: int | None, version: int) -> str:
    """A partition's status, from its checkpoint's (None: there is none yet) and versions."""
    if stored is None or rows_version is None:
        return NEW
    if rows_version < version:
        return REBUILD_PENDING
    return stored


def pending_note(rows_version: int | None, version: int) -> str:
    return f"rebuild pending (version {rows_version} → {version})"


def lag(projection: projections.Projection, partition: int, cursor: str) -> tuple[int, float]:
    """(events behind, seconds behind) of a projection partition at a cursor."""
    events = store.events_after(
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
    rows_version = checkpoint.version if checkpoint else None
    status = state(checkpoint.status if checkpoint else None, rows_version, projection.version)
    cursor = checkpoint.cursor if checkpoint else ""
    # A pending rebuild starts from the beginning: the whole log is still to apply (0 behind
    # would read as up to date).
    applied_up_to = "" if status == REBUILD_PENDING else cursor
    lag_events, lag_seconds = lag(projection, partition, applied_up_to)
    return PartitionStatus(
        name=projection.name,
        partition=partition,
        partitions=projection.partitions,
        status=status,
        cursor=cursor,
        position=checkpoint.position if checkpoint else None,
        lag_events=lag_events,
        lag_seconds=round(lag_seconds, 3),
        last_error=checkpoint.last_error if checkpoint else "",
        failed_position=checkpoint.failed_position if checkpoint else None,
        next_attempt_at=checkpoint.next_attempt_at if checkpoint else None,
        events_applied=checkpoint.events_applied if checkpoint else 0,
        rebuild_progress=(
            checkpoint.rebuild_progress if checkpoint and status != REBUILD_PENDING else None
        ),
        updated_at=checkpoint.updated_at if checkpoint else None,
        version=projection.version,
        rows_version=rows_version,
    )


def projection_status() -> list[dict[str, Any]]:
    """One dict per projection partition: name, partition, lag_events, lag_seconds, status,
    version, rows_version, last_error, failed_position, cursor, updated_at (and a few more). For
    the health check."""
    return [asdict(status) for status in partition_statuses()]


def seconds_since_run(task: str) -> float | None:
    """How long ago `task` last ran to its end (events.tasks.record_run), by the database's clock
    as it was recorded; None: it never did."""
    ago = ExpressionWrapper(Now() - F("ran_at"), output_field=DurationField())
    found = Heartbeat.objects.filter(task=task).annotate(ago=ago).values_list("ago", flat=True)
    since = found.first()
    return None if since is None else max(0.0, since.total_seconds())


@dataclass(frozen=True)
class Stall:
    """Projections that stopped on an event (they retry, with a back-off, until it is fixed)."""

    names: list[str]
    since: datetime | None  # the newest event all of them took in; None: not even the first


@dataclass(frozen=True)
class CheckpointState:
    """What readers of the read models should know: a rebuild under way or still to start, a
    projection stopped."""

    # While any projection is being rebuilt, the share of the replay done (0..1) over all the
    # partitions being rebuilt; None when none is.
    rebuild_progress: float | None
    # The reports are not yet computed the way this release's code computes them, and nothing is
    # at work on it: a release raised a projection's version and no worker running it has started
    # the rebuild (REBUILD_PENDING: its rows are still the old version's, whatever its checkpoint
    # says), or a release added a projection and no worker running it has applied the events it
    # has to (state "new": no checkpoint yet, so its rows are empty).
    rebuild_pending: bool
    # The registered projections whose checkpoint has failed; None when none has.
    stall: Stall | None


# A checkpoint row as checkpoint_state reads it: name, version, status, last_event_at,
# events_applied, rebuild_total.
CheckpointRow = tuple[str, int, str, datetime | None, int, int | None]


def checkpoint_state() -> CheckpointState:
    """One query on the small checkpoint table (every teacher page and grid poll asks), and, only
    for a registered partition that has no checkpoint yet, one look for the first event it would
    apply (read_pending: LIMIT 1). No checkpoint lasts until the first sweep of a worker running
    this release (events.tasks.sweep_projections creates them all), so the look is for the moment
    after an upgrade that added a projection, not for every page."""
    registered = {projection.name: projection for projection in projections.all_projections()}
    versions = {name: projection.version for name, projection in registered.items()}
    rows = list(
        ProjectionCheckpoint.objects.values_list(
            "name",
            "partition",
            "version",
            "status",
            "last_event_at",
            "events_applied",
            "rebuild_total",
        )
    )
    never_ran = without_checkpoint(
        {name: projection.partitions for name, projection in registered.items()},
        {(name, partition) for name, partition, *_ in rows},
    )
    new = sorted(
        {
            name
            for name, partition in never_ran
            if runner.read_pending(registered[name], partition, "", 1).events
        }
    )
    checkpoints: list[CheckpointRow] = [
        (name, version, status, last, done, planned)
        for name, _, version, status, last, done, planned in rows
    ]
    return readers_state(checkpoints, versions, new=new)


def without_checkpoint(
    partitions: Mapping[str, int], present: Collection[tuple[str, int]]
) -> list[tuple[str, int]]:
    """The partitions (name, partition) of the registered projections (their partition counts, by
    name) that have no checkpoint in `present`: state "new", never run by a worker."""
    return [
        (name, partition)
        for name, count in partitions.items()
        for partition in range(count)
        if (name, partition) not in present
    ]


def readers_state(
    rows: Sequence[CheckpointRow], versions: dict[str, int], new: Collection[str] = ()
) -> CheckpointState:
    """What the readers are told, from the checkpoints and the registered projections' versions
    (by name), and the names of the projections with a partition that has no checkpoint and events
    to apply (`new`). Each checkpoint counts by its state(), as the health check and `projections
    status` show it; one of a projection no longer registered says nothing to readers. A new
    partition counts as a rebuild pending: its rows are empty until a worker running this release
    applies the log, as a pending rebuild's are the old version's until then."""
    rebuilding, failed = [], []
    pending = any(name in versions for name in new)
    for name, rows_version, stored, last, done, planned in rows:
        if name not in versions:
            continue
        status = state(stored, rows_version, versions[name])
        if status == REBUILD_PENDING:
            pending = True
        elif status == ProjectionCheckpoint.Status.REBUILDING:
            rebuilding.append((done, planned))
        elif status == ProjectionCheckpoint.Status.FAILED:
            failed.append((name, last))
    return CheckpointState(_progress(rebuilding), pending, _stall(failed))


def _progress(rows: list[tuple[int, int | None]]) -> float | None:
    if not rows:
        return None
    total = sum(planned or 0 for _, planned in rows)
    applied = sum(min(done, planned or 0) for done, planned in rows)
    return applied / total if total else 0.0


def _stall(rows: list[tuple[str, datetime | None]]) -> Stall | None:
    if not rows:
        return None
    lasts = [last for _, last in rows]
    since = None if None in lasts else min(last for last in lasts if last is not None)
    return Stall(sorted({name for name, _ in rows}), since)
