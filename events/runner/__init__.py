"""The projection runner: feeds projections the event log, batch by batch, exactly once.

Each batch is one transaction: lock the checkpoint row (SKIP LOCKED, so a second worker on the same
projection partition just moves on), read the events after its cursor, apply them, move the cursor.
A crash anywhere rolls the whole batch back, so the read model and its cursor always agree.

Keep batches short: the store only hands out events of transactions that finished before the oldest
one still running, so a long transaction anywhere (ours included) holds every projection back.

Callers (the Celery tasks, the projections command, replay, tests) import from here; the runner
lives in one module per part: batching (settings, batch size, back-off, the paused collector),
checkpoints (the rows and the cursor), catching_up (one partition, batch after batch), failures
(finding and recording the failing event), resetting (starting a projection over) and replaying
(all of history in this process). All of them log as events.runner.
"""

from events.runner.batching import (
    MIN_BATCH,
    batch_seconds_setting,
    batch_size_setting,
    budget_setting,
    next_batch_size,
    paused_gc,
    retry_delay,
)
from events.runner.catching_up import CatchUpResult, catch_up
from events.runner.checkpoints import (
    Status,
    backing_off,
    checkpoints_of,
    ensure_checkpoints,
    has_pending,
    has_unreadable,
    partition_filter,
    read_pending,
)

# Not public, but used by name outside the package: the fast replay of several projections
# moves cursors as the runner does, and a test forgets which checkpoints were seen to exist.
from events.runner.checkpoints import _advance as _advance
from events.runner.checkpoints import _ensured as _ensured
from events.runner.failures import PartitionsChanged, describe, same_failure
from events.runner.replaying import rebuild, replay
from events.runner.resetting import reset

__all__ = [
    "MIN_BATCH",
    "CatchUpResult",
    "PartitionsChanged",
    "Status",
    "backing_off",
    "batch_seconds_setting",
    "batch_size_setting",
    "budget_setting",
    "catch_up",
    "checkpoints_of",
    "describe",
    "ensure_checkpoints",
    "has_pending",
    "has_unreadable",
    "next_batch_size",
    "partition_filter",
    "paused_gc",
    "read_pending",
    "rebuild",
    "replay",
    "reset",
    "retry_delay",
    "same_failure",
]
