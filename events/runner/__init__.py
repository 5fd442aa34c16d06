"""The projection runner (see events.runner.catching_up).

Callers import from here; the package is being split into modules along its seams."""

from events.runner.catching_up import (
    MIN_BATCH,
    CatchUpResult,
    PartitionsChanged,
    Status,
    backing_off,
    batch_seconds_setting,
    batch_size_setting,
    budget_setting,
    catch_up,
    checkpoints_of,
    describe,
    ensure_checkpoints,
    has_pending,
    has_unreadable,
    next_batch_size,
    partition_filter,
    paused_gc,
    read_pending,
    rebuild,
    replay,
    reset,
    retry_delay,
)

# Not public, but used by name outside the package: the fast replay of several projections
# moves cursors as the runner does, and a test forgets which checkpoints were seen to exist.
from events.runner.catching_up import _advance as _advance
from events.runner.catching_up import _ensured as _ensured

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
]
