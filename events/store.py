"""The event store: append events to streams, read them back per stream or in commit-safe order.

PostgreSQL is the production database. Each event row carries the id of the transaction that
wrote it (`pg_current_xact_id()`). `read_all` returns only rows of transactions below the safe
horizon -- the oldest transaction of this database still running at the reading snapshot -- so
only transactions that have certainly finished, ordered by (transaction_id, position). A
transaction that commits later always has an id at or above that horizon, so it sorts after every
cursor handed out so far: a reader following cursors never passes over an event that commits
late, and writers stay fully parallel (no table lock). The price: the append must be the first
write of its transaction (a database trigger checks it), and a long-running writing transaction
in this database holds readers back until it ends (lag, never loss).

SQLite (development) serializes writers (BEGIN IMMEDIATE), so there position order is commit order.

Appends run as one SQL statement on the fast path; only a conflict costs extra queries.

The interface, re-exported from where each part lives: `appending` (append), `reading`
(read_stream, read_all, iter_all, events_after), `horizon` (safe_horizon, settle), `rows` (the
event table's rows as events), with the types and errors in `records`, the pure checking and
encoding in `encoding`, upcasters in `upcasting` and stream partitions in `partitioning`.
"""

from __future__ import annotations

from events.appending import append
from events.encoding import decode_cursor, encode_cursor
from events.horizon import SafeHorizon, safe_horizon, settle
from events.partitioning import stream_hash
from events.reading import (
    events_after,
    events_after_per_partition,
    iter_all,
    read_all,
    read_stream,
    stream_version,
)
from events.records import (
    ANY,
    NO_STREAM,
    Absent,
    AppendOrderError,
    EventIdReused,
    InvalidCursor,
    InvalidEvent,
    NewEvent,
    Page,
    PreconditionFailed,
    RecordedEvent,
    WrongExpectedVersion,
)
from events.upcasting import upcaster

__all__ = [
    "ANY",
    "NO_STREAM",
    "Absent",
    "AppendOrderError",
    "EventIdReused",
    "InvalidCursor",
    "InvalidEvent",
    "NewEvent",
    "Page",
    "PreconditionFailed",
    "RecordedEvent",
    "SafeHorizon",
    "WrongExpectedVersion",
    "append",
    "decode_cursor",
    "encode_cursor",
    "events_after",
    "events_after_per_partition",
    "iter_all",
    "read_all",
    "read_stream",
    "safe_horizon",
    "settle",
    "stream_hash",
    "stream_version",
    "upcaster",
]
