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
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Generator, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache, partial
from itertools import islice
from typing import Any, Final, cast

import psycopg
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from events import db
from events.encoding import (
    MAX_BIGINT,
    Batch,
    Prepared,
    decode_cursor,
    dump,
    encode_cursor,
    loads,
    loads_all,
    matches,
    prepare,
    validate_stream_id,
)
from events.partitioning import stream_hash
from events.records import (
    ANY,
    NO_STREAM,
    Absent,
    AppendOrderError,
    EventIdReused,
    ExpectedVersion,
    InvalidCursor,
    InvalidEvent,
    NewEvent,
    Page,
    PreconditionFailed,
    RecordedEvent,
    WrongExpectedVersion,
)
from events.signals import events_committed
from events.upcasting import upcast_all, upcaster

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

_ANY_RETRIES: Final = 10

# --- database access ------------------------------------------------------------------------------

_COLUMNS = (
    "position, stream_id, version, type, schema_version, data, metadata, event_id, recorded_at, "
    "transaction_id"
)
# Without metadata (read_all(metadata=False)): the same order, one column fewer.
_LEAN_COLUMNS = _COLUMNS.replace(" metadata,", "")
# On SQLite the rows keep the metadata column's place (one row reader for both).
_SQLITE_LEAN_COLUMNS = _COLUMNS.replace("metadata", "'{}' AS metadata")
# psycopg's C text loader: a result's jsonb documents arrive as str, for loads_all.
_TEXT_LOADER: Final = (
    psycopg.adapters.get_loader(psycopg.postgres.types["text"].oid, psycopg.pq.Format.TEXT)
    or psycopg.types.string.TextLoader
)


_TIMESTAMPTZ_OID: Final = psycopg.postgres.types["timestamptz"].oid
# psycopg's C loader. Django registers a pure-Python subclass (to force its tzinfo), several
# microseconds per row; the C loader gives the same aware datetime in the session's time zone,
# so it is only used when that zone and Django's are both UTC (as Django sets it with USE_TZ).
_FAST_TIMESTAMPTZ: Final = psycopg.adapters.get_loader(_TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)


def _is_pg() -> bool:
    return db.default().vendor == "postgresql"


def _pg_cursor(
    conn: BaseDatabaseWrapper | None = None, *, decoding: bool = False
) -> psycopg.Cursor[Any]:
    """db.server_cursor; a `decoding` one loads jsonb as text (for _pg_events) and timestamptz in
    C (Django's cursors keep their own loaders: JSONField parses the text itself)."""
    conn = conn if conn is not None else db.default()
    cursor = db.server_cursor(conn)
    if decoding:
        cursor.adapters.register_loader("jsonb", _TEXT_LOADER)
        if (
            _FAST_TIMESTAMPTZ is not None
            and conn.timezone is UTC
            and conn.connection.info.timezone is UTC
        ):
            cursor.adapters.register_loader(_TIMESTAMPTZ_OID, _FAST_TIMESTAMPTZ)
    return cursor


def _pg_events(rows: Sequence[Sequence[Any]], *, metadata: bool = True) -> list[RecordedEvent]:
    """Rows of _COLUMNS (or _LEAN_COLUMNS, without metadata) from a decoding cursor as events, their
    JSON documents parsed together (loads_all)."""
    if metadata:
        docs = loads_all([text for row in rows for text in (row[5], row[6])])
        return [
            RecordedEvent(r[0], r[1], r[2], r[3], r[4], data, meta, r[7], r[8], r[9])
            for r, data, meta in zip(rows, docs[0::2], docs[1::2], strict=True)
        ]
    docs = loads_all([row[5] for row in rows])
    return [
        RecordedEvent(r[0], r[1], r[2], r[3], r[4], data, {}, r[6], r[7], r[8])
        for r, data in zip(rows, docs, strict=True)
    ]


def _event_from_sqlite(row: Sequence[Any]) -> RecordedEvent:
    recorded_at = row[8]
    if isinstance(recorded_at, str):
        recorded_at = datetime.fromisoformat(recorded_at)
    if timezone.is_naive(recorded_at):
        recorded_at = recorded_at.replace(tzinfo=UTC)  # Django stores UTC on SQLite
    data, metadata = row[5], row[6]
    return RecordedEvent(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        loads(data) if isinstance(data, str | bytes) else data,
        loads(metadata) if isinstance(metadata, str | bytes) else metadata,
        row[7] if isinstance(row[7], uuid.UUID) else uuid.UUID(row[7]),
        recorded_at,
        row[9],
    )


# --- append ---------------------------------------------------------------------------------------

# One statement: reads the stream's last event, checks the expected version (and that the stream's
# last event does not belong to a later transaction than ours), numbers the new events after it.
_PG_APPEND = """
INSERT INTO events_event
    (stream_id, stream_hash, version, type, schema_version, data, metadata, event_id, recorded_at)
SELECT %s, %s, cur.v + e.n, e.doc->>'t', (e.doc->>'v')::int, e.doc->'d', e.doc->'m',
       (e.doc->>'i')::uuid, %s
FROM (
    SELECT coalesce(l.version, 0) AS v, coalesce(l.transaction_id, 0) AS t
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT version, transaction_id FROM events_event WHERE stream_id = %s
        ORDER BY version DESC LIMIT 1
    ) AS l ON true
) AS cur,
jsonb_array_elements(%s::text::jsonb) WITH ORDINALITY AS e(doc, n)
WHERE {version_check}
  AND (pg_current_xact_id_if_assigned() IS NULL
       OR cur.t <= pg_current_xact_id_if_assigned()::text::bigint){precondition}
ORDER BY e.n
RETURNING position, version, transaction_id
"""
_PG_APPEND_EXPECTING = _PG_APPEND.format(version_check="cur.v = %s", precondition="")
_PG_APPEND_ANY = _PG_APPEND.format(version_check="true", precondition="")
_PG_ABSENT = "\n  AND NOT EXISTS (SELECT 1 FROM {table} WHERE {column} = %s)"
_FIRST_WRITE_SQLSTATE: Final = "SF001"

# The safe horizon: the oldest transaction id still running at this statement's snapshot, leaving
# out transactions of *other databases* on the server (they cannot write our events, and one idle
# session elsewhere would otherwise stall every reader here). A running xid is only left out when
# pg_stat_activity positively places it in another database; anything unknown (a transaction that
# finished meanwhile, prepared transactions, rows hidden from this role) counts, which is safe.
# backend_xid is 32 bits, snapshot ids are 64 (with epoch): compare the low 32 bits.
_PG_HORIZON = """coalesce(
    (SELECT min(xip::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS xip
     WHERE xip::text::bigint %% 4294967296 NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"""


class _Conflict(Exception):
    """Internal: the fast path stored nothing; `unique` tells whether a unique index fired."""

    def __init__(self, unique: bool) -> None:
        self.unique = unique


def append(
    stream_id: str,
    events: Sequence[NewEvent],
    expected_version: ExpectedVersion,
    *,
    recorded_at: datetime | None = None,
    precondition: Absent | None = None,
) -> list[RecordedEvent]:
    """Append events to a stream; all or nothing. Returns the recorded events.

    Inside a caller's transaction the append runs in a savepoint and commits with the caller;
    on its own it is one atomic statement. Raises WrongExpectedVersion, EventIdReused, InvalidEvent,
    AppendOrderError, and PreconditionFailed when `precondition` does not hold (checked first: it
    wins over a version conflict). Appending events whose ids are already stored in this stream, in
    the same order and with the same content, stores nothing and returns the stored events.
    """
    batch = prepare(stream_id, events, expected_version)
    if precondition is not None and not isinstance(precondition, Absent):
        raise InvalidEvent(f"precondition must be an Absent, not {precondition!r}")
    at = timezone.now() if recorded_at is None else recorded_at
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise InvalidEvent(f"recorded_at must be a timezone-aware datetime, not {at!r}")
    conn = db.default()
    own_transaction = conn.get_autocommit() and not conn.in_atomic_block
    attempts = _ANY_RETRIES if expected_version is ANY and own_transaction else 1
    attempt = 0
    rechecked = False
    while True:
        try:
            if conn.vendor == "postgresql":
                recorded = _append_pg(conn, stream_id, batch, expected_version, at, precondition)
            else:  # SQLite checks the precondition under its write lock, raising at once
                recorded = _append_sqlite(
                    stream_id, batch.events, expected_version, at, precondition
                )
        except _Conflict as conflict:
            # The statement stored nothing: its precondition may be why (it is checked first).
            if precondition is not None and conn.vendor == "postgresql" and _exists(precondition):
                raise PreconditionFailed(stream_id, precondition) from None
            try:
                resolved = _resolve_conflict(
                    stream_id, batch.events, expected_version, conflict.unique
                )
            except AppendOrderError:
                if precondition is None or rechecked:
                    raise
                # Nothing else explains an empty insert: the precondition's row was there for the
                # statement and gone for the check. It holds now, so append again, once.
                rechecked = True
                continue
            attempt += 1
            if resolved is None and attempt < attempts:
                continue  # ANY lost a race to a concurrent append: number after it
            if resolved is None:
                raise WrongExpectedVersion(
                    stream_id, expected_version, stream_version(stream_id)
                ) from None
            return resolved
        if own_transaction:  # committed already: what on_commit would do, without its lookups
            _send_committed(recorded)
        else:
            transaction.on_commit(partial(_send_committed, recorded), using=conn.alias, robust=True)
        return recorded


def _send_committed(events: list[RecordedEvent]) -> None:
    events_committed.send_robust(sender=RecordedEvent, events=events)


def _append_pg(
    conn: BaseDatabaseWrapper,
    stream_id: str,
    batch: Batch,
    expected: ExpectedVersion,
    at: datetime,
    precondition: Absent | None,
) -> list[RecordedEvent]:
    prepared = batch.events
    params: list[Any] = [stream_id, stream_hash(stream_id), at, stream_id, batch.payload]
    if expected is ANY:
        sql = _PG_APPEND_ANY
    else:
        sql = _PG_APPEND_EXPECTING
        params.append(0 if expected is NO_STREAM else expected)
    if precondition is not None:
        table, column, value = _absent_query(conn, precondition)
        sql = _pg_append_statement(expected is ANY, table, column)
        params.append(value)
    cursor = _pg_cursor(conn)
    try:
        if conn.in_atomic_block or not conn.get_autocommit():
            with transaction.atomic(using=conn.alias):  # a savepoint: the caller's work stays
                rows = cursor.execute(sql, params, prepare=True).fetchall()
        else:
            rows = cursor.execute(sql, params, prepare=True).fetchall()  # atomic on its own
    except psycopg.errors.UniqueViolation:
        raise _Conflict(unique=True) from None
    except psycopg.Error as error:
        if error.sqlstate == _FIRST_WRITE_SQLSTATE:
            raise AppendOrderError(str(error.diag.message_primary or error)) from None
        raise
    finally:
        cursor.close()
    if len(rows) != len(prepared):
        raise _Conflict(unique=False)
    rows.sort(key=lambda row: row[1])
    return [
        RecordedEvent(
            position,
            stream_id,
            version,
            p.type,
            p.schema_version,
            p.data,
            p.metadata,
            p.event_id,
            at,
            transaction_id,
        )
        for p, (position, version, transaction_id) in zip(prepared, rows, strict=True)
    ]


@cache
def _pg_append_statement(any_version: bool, table: str, column: str) -> str:
    return _PG_APPEND.format(
        version_check="true" if any_version else "cur.v = %s",
        precondition=_PG_ABSENT.format(table=table, column=column),
    )


@cache
def _absent_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The column a precondition names: a concrete field of the model's own table."""
    meta = model._meta
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field not in meta.local_concrete_fields:  # a relation, or a parent model's column
        raise InvalidEvent(f"precondition: {meta.label}.{name} is not a column")
    assert isinstance(field, models.Field)
    return field


def _absent_query(conn: BaseDatabaseWrapper, precondition: Absent) -> tuple[str, str, Any]:
    """(quoted table, quoted column, the value as the database stores it) of a precondition."""
    field = _absent_field(precondition.model, precondition.field)
    if precondition.value is None:
        label = f"{precondition.model._meta.label}.{field.name}"
        raise InvalidEvent(f"precondition: {label} = None never matches")
    try:
        value = field.get_db_prep_value(precondition.value, conn, prepared=False)
    except (ValidationError, ValueError, TypeError) as error:
        label = f"{precondition.model._meta.label}.{field.name}"
        message = f"precondition: {precondition.value!r} is no value of {label}"
        raise InvalidEvent(message) from error
    table = conn.ops.quote_name(precondition.model._meta.db_table)
    return table, conn.ops.quote_name(field.column), value


def _exists(precondition: Absent) -> bool:
    conn = db.default()
    table, column, value = _absent_query(conn, precondition)
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = %s", [value])
        return cursor.fetchone() is not None


def _append_sqlite(
    stream_id: str,
    prepared: list[Prepared],
    expected: ExpectedVersion,
    at: datetime,
    precondition: Absent | None,
) -> list[RecordedEvent]:
    recorded: list[RecordedEvent] = []
    try:
        # BEGIN IMMEDIATE (settings) takes the write lock first, so read-then-insert is race-free.
        with transaction.atomic(), connection.cursor() as cursor:
            if precondition is not None and _exists(precondition):
                raise PreconditionFailed(stream_id, precondition)
            cursor.execute(
                "SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s",
                [stream_id],
            )
            current = cursor.fetchone()[0]
            if not matches(expected, current):
                raise _Conflict(unique=False)
            at_db = connection.ops.adapt_datetimefield_value(at)
            for offset, p in enumerate(prepared, start=1):
                cursor.execute(
                    "INSERT INTO events_event (transaction_id, stream_id, stream_hash, version, "
                    "type, schema_version, data, metadata, event_id, recorded_at) "
                    "VALUES (0, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING position",
                    [
                        stream_id,
                        stream_hash(stream_id),
                        current + offset,
                        p.type,
                        p.schema_version,
                        dump(p.data, "data"),
                        dump(p.metadata, "metadata"),
                        p.event_id.hex,
                        at_db,
                    ],
                )
                position = cursor.fetchone()[0]
                recorded.append(
                    RecordedEvent(
                        position,
                        stream_id,
                        current + offset,
                        p.type,
                        p.schema_version,
                        p.data,
                        p.metadata,
                        p.event_id,
                        at,
                        0,
                    )
                )
    except IntegrityError:
        raise _Conflict(unique=True) from None
    return recorded


def _resolve_conflict(
    stream_id: str, prepared: list[Prepared], expected: ExpectedVersion, unique: bool
) -> list[RecordedEvent] | None:
    """Work out why the fast path stored nothing.

    Returns the stored events for an idempotent re-append; None when a concurrent append got in the
    way (the caller raises WrongExpectedVersion or, for ANY, retries); raises otherwise.
    """
    stored = _events_by_id([p.event_id for p in prepared])
    if stored:
        first = stored.get(prepared[0].event_id)
        same = first is not None and all(
            (e := stored.get(p.event_id)) is not None
            and e.stream_id == stream_id
            and e.version == first.version + i
            and e.type == p.type
            and e.schema_version == p.schema_version
            and e.data == p.data
            and e.metadata == p.metadata
            for i, p in enumerate(prepared)
        )
        if same:
            return [stored[p.event_id] for p in prepared]
        ids = ", ".join(str(i) for i in stored)
        raise EventIdReused(
            f"stream {stream_id!r}: event id(s) {ids} are already stored for other content, "
            "another stream or in another order"
        )
    actual = stream_version(stream_id)
    if not matches(expected, actual):
        raise WrongExpectedVersion(stream_id, expected, actual)
    if not unique:
        raise AppendOrderError(
            f"stream {stream_id!r} was appended to by a transaction that started writing after "
            "this one: appending here would break its order in read_all; retry in a new transaction"
        )
    return None


def _events_by_id(event_ids: list[uuid.UUID]) -> dict[uuid.UUID, RecordedEvent]:
    if _is_pg():
        cursor = _pg_cursor(decoding=True)
        try:
            rows = cursor.execute(
                f"SELECT {_COLUMNS} FROM events_event WHERE event_id = ANY(%s)", [event_ids]
            ).fetchall()
        finally:
            cursor.close()
        events = _pg_events(rows)
    else:
        marks = ", ".join(["%s"] * len(event_ids))
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(
                f"SELECT {_COLUMNS} FROM events_event WHERE event_id IN ({marks})",
                [i.hex for i in event_ids],
            )
            events = [_event_from_sqlite(row) for row in dj_cursor.fetchall()]
    return {e.event_id: e for e in events}


# --- reading --------------------------------------------------------------------------------------


def _query(sql: str, params: Sequence[Any], *, metadata: bool = True) -> list[RecordedEvent]:
    """Events from a SELECT of _COLUMNS, or (not `metadata`) of _LEAN_COLUMNS on PostgreSQL and
    _SQLITE_LEAN_COLUMNS on SQLite."""
    if _is_pg():
        cursor = _pg_cursor(decoding=True)
        try:
            rows = cursor.execute(sql, params, prepare=True).fetchall()
        finally:
            cursor.close()
        return _pg_events(rows, metadata=metadata)
    with connection.cursor() as dj_cursor:
        dj_cursor.execute(sql, params)
        return [_event_from_sqlite(row) for row in dj_cursor.fetchall()]


def read_stream(
    stream_id: str, from_version: int = 1, *, metadata: bool = True, limit: int | None = None
) -> list[RecordedEvent]:
    """The stream's events from `from_version` on, in version order, upcast; at most `limit` of
    them when given. Without `metadata` the events arrive with metadata={}: a reader that does not
    look at it (folding a quiz) saves reading and parsing a document per event, about a third of
    the read."""
    validate_stream_id(stream_id)
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    lean = _LEAN_COLUMNS if _is_pg() else _SQLITE_LEAN_COLUMNS
    columns = _COLUMNS if metadata else lean
    sql = (
        f"SELECT {columns} FROM events_event WHERE stream_id = %s AND version >= %s "
        "ORDER BY version"
    )
    params: list[Any] = [stream_id, from_version]
    if limit is not None:
        sql, params = f"{sql} LIMIT %s", [*params, limit]
    return upcast_all(_query(sql, params, metadata=metadata))


def stream_version(stream_id: str) -> int:
    """The stream's current version: 0 when it has no events."""
    if _is_pg():
        cursor = _pg_cursor()
        try:
            row = cursor.execute(
                "SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s",
                [stream_id],
                prepare=True,
            ).fetchone()
        finally:
            cursor.close()
    else:
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(
                "SELECT coalesce(max(version), 0) FROM events_event WHERE stream_id = %s",
                [stream_id],
            )
            row = dj_cursor.fetchone()
    assert row is not None
    return int(row[0])


def _filters(
    types: Collection[str] | None,
    stream_id: str | None,
    partition: tuple[int, int] | None,
) -> tuple[str, list[Any]]:
    sql: list[str] = []
    params: list[Any] = []
    if types is not None:
        if isinstance(types, str):
            raise ValueError("types must be a collection of event types, not a string")
        type_list = sorted(set(types))
        if not type_list:
            sql.append("AND false" if _is_pg() else "AND 0")
        elif _is_pg():
            sql.append("AND type = ANY(%s)")
            params.append(type_list)
        else:
            sql.append(f"AND type IN ({', '.join(['%s'] * len(type_list))})")
            params.extend(type_list)
    if stream_id is not None:
        sql.append("AND stream_id = %s")
        params.append(stream_id)
    if partition is not None:
        k, n = partition
        if not (isinstance(k, int) and isinstance(n, int) and n >= 1 and 0 <= k < n):
            raise ValueError(f"partition must be (k, n) with 0 <= k < n, not {partition!r}")
        if n > 1:
            sql.append("AND stream_hash %% %s = %s")
            params.extend([n, k])
    return " ".join(sql), params


def read_all(
    after: str | None = None,
    limit: int = 1000,
    *,
    types: Collection[str] | None = None,
    stream_id: str | None = None,
    partition: tuple[int, int] | None = None,
    metadata: bool = True,
) -> Page:
    """One page of committed events after the cursor, in commit-safe order, upcast.

    Follow Page.cursor to get every committed event exactly once, each stream in version order.
    `partition=(k, n)` keeps the events of streams whose stream_hash % n == k. When the page is not
    full the cursor moves to the safe horizon, so a filtered reader does not rescan the events it
    skipped. On PostgreSQL, events of transactions still running (or younger than the oldest
    transaction still running) are not returned yet.
    """
    return _read_all(after, limit, types, stream_id, partition, metadata, streamed=False)


# Rows a streamed read (iter_all) takes from the server at a time, decoding them while the server
# writes the next ones. Chunks need libpq 17 (psycopg's binary package bundles a newer one).
_STREAM_CHUNK: Final = 250
_CAN_STREAM: Final = psycopg.pq.version() >= 170000


def _read_all(
    after: str | None,
    limit: int,
    types: Collection[str] | None,
    stream_id: str | None,
    partition: tuple[int, int] | None,
    metadata: bool,
    *,
    streamed: bool,
) -> Page:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100_000:
        raise ValueError(f"limit must be an int from 1 to 100000, not {limit!r}")
    t, p = decode_cursor(after)
    where, filter_params = _filters(types, stream_id, partition)
    if _is_pg():
        # The horizon comes from the same statement (so the same snapshot) as the rows; the LEFT
        # JOIN yields it even when no event qualifies.
        columns = _COLUMNS if metadata else _LEAN_COLUMNS
        sql = (
            f"SELECT h.x, {', '.join('e.' + c.strip() for c in columns.split(','))} "
            f"FROM (SELECT {_PG_HORIZON} AS x) AS h "
            f"LEFT JOIN LATERAL (SELECT {columns} FROM events_event "
            "WHERE (transaction_id, position) > (%s, %s) AND transaction_id < h.x "
            f"{where} ORDER BY transaction_id, position LIMIT %s) AS e ON true"
        )
        cursor = _pg_cursor(decoding=True)
        try:
            if streamed and _CAN_STREAM:
                oldest_running, events = _streamed_page(
                    cursor, sql, [t, p, *filter_params, limit], metadata
                )
            else:
                rows = cursor.execute(sql, [t, p, *filter_params, limit], prepare=True).fetchall()
                oldest_running = rows[0][0]
                events = _pg_events([r[1:] for r in rows if r[1] is not None], metadata=metadata)
        finally:
            cursor.close()
        horizon = (oldest_running - 1, MAX_BIGINT)
    else:
        # SQLite serializes writers: everything committed is safe, in position order.
        columns = _COLUMNS if metadata else _SQLITE_LEAN_COLUMNS
        sql = (
            f"SELECT h.x, {', '.join('e.' + c.strip() for c in _COLUMNS.split(','))} "
            "FROM (SELECT coalesce(max(position), 0) AS x FROM events_event) AS h "
            f"LEFT JOIN (SELECT {columns} FROM events_event "
            "WHERE (transaction_id, position) > (%s, %s) "
            f"{where} ORDER BY transaction_id, position LIMIT %s) AS e ON 1 "
            "ORDER BY e.transaction_id, e.position"
        )
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(sql, [t, p, *filter_params, limit])
            rows = dj_cursor.fetchall()
        horizon = (0, rows[0][0])
        events = [_event_from_sqlite(row[1:]) for row in rows if row[1] is not None]
    if len(events) == limit:
        last = events[-1]
        cursor_at = (last.transaction_id, last.position)
    else:
        cursor_at = max((t, p), horizon)
    return Page(events=upcast_all(events), cursor=encode_cursor(*cursor_at))


def _streamed_page(
    cursor: psycopg.Cursor[Any], sql: str, params: list[Any], metadata: bool
) -> tuple[int, list[RecordedEvent]]:
    """read_all's (horizon, events), decoded a chunk at a time as the rows arrive: the server
    writes the next rows meanwhile, where a fetchall leaves it idle while the page is decoded.
    (Not prepared: psycopg streams unnamed statements only, so this is for big reads.)"""
    horizon, events = 0, []
    # A generator (psycopg types it as an Iterator). A suspended stream holds the connection's
    # lock: left mid-page (an error, an interrupt) it must be closed at once, which cancels the
    # rest, or the connection's next statement waits for the lock forever.
    rows = cast(Generator[Any, None, None], cursor.stream(sql, params, size=_STREAM_CHUNK))
    try:
        while chunk := list(islice(rows, _STREAM_CHUNK)):  # no Python loop per row
            horizon = chunk[0][0]
            events += _pg_events([r[1:] for r in chunk if r[1] is not None], metadata=metadata)
    finally:
        rows.close()
    return horizon, events


def iter_all(
    after: str | None = None,
    batch: int = 1000,
    *,
    types: Collection[str] | None = None,
    stream_id: str | None = None,
    partition: tuple[int, int] | None = None,
    metadata: bool = True,
) -> Iterator[RecordedEvent]:
    """Every committed event after the cursor, page by page (memory stays flat). Each page is
    streamed: decoded as it arrives."""
    cursor = after
    while True:
        page = _read_all(cursor, batch, types, stream_id, partition, metadata, streamed=True)
        yield from page.events
        if len(page.events) < batch:
            return
        cursor = page.cursor


def events_after(
    cursor: str | None,
    *,
    types: Collection[str] | None = None,
    partition: tuple[int, int] | None = None,
) -> int:
    """How many committed events lie after the cursor (a reader's lag)."""
    t, p = decode_cursor(cursor)
    where, filter_params = _filters(types, None, partition)
    sql = "SELECT count(*) FROM events_event WHERE (transaction_id, position) > (%s, %s) " + where
    if _is_pg():
        pg = _pg_cursor()
        try:
            row = pg.execute(sql, [t, p, *filter_params]).fetchone()
        finally:
            pg.close()
    else:
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(sql, [t, p, *filter_params])
            row = dj_cursor.fetchone()
    assert row is not None
    return int(row[0])


def events_after_per_partition(
    cursor: str | None, *, partitions: int, types: Collection[str] | None = None
) -> list[int]:
    """events_after(cursor, types=types, partition=(k, partitions)) for every k, in one scan of
    the log instead of one per partition (a rebuild counts what it will replay)."""
    if not isinstance(partitions, int) or not 1 <= partitions <= 256:
        raise ValueError(f"partitions must be an int from 1 to 256, not {partitions!r}")
    t, p = decode_cursor(cursor)
    where, filter_params = _filters(types, None, None)
    sql = (
        "SELECT stream_hash %% %s, count(*) FROM events_event "
        f"WHERE (transaction_id, position) > (%s, %s) {where} GROUP BY 1"
    )
    params = [partitions, t, p, *filter_params]
    if _is_pg():
        pg = _pg_cursor()
        try:
            rows = pg.execute(sql, params).fetchall()
        finally:
            pg.close()
    else:
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(sql, params)
            rows = dj_cursor.fetchall()
    counts = [0] * partitions
    for k, n in rows:
        counts[int(k)] = int(n)
    return counts


def safe_horizon() -> int:
    """A transaction id below which every transaction has finished: the events of transactions
    below it are all there will ever be, and any event still to commit sorts after them in
    commit-safe order (transaction_id, position). For readers that order a selection of events
    themselves (newest first, say) the way read_all does. On SQLite (serialized writers, every
    transaction_id 0) everything committed is below it. SafeHorizon() is the same in a query."""
    if not _is_pg():
        return MAX_BIGINT
    cursor = _pg_cursor()
    try:
        row = cursor.execute(f"SELECT {_PG_HORIZON}", [], prepare=True).fetchone()
    finally:
        cursor.close()
    assert row is not None
    return int(row[0])


class SafeHorizon(models.Expression):
    """safe_horizon() inside a query, as in `.filter(transaction_id__lt=SafeHorizon())`: worked
    out by the statement that uses it (from that statement's snapshot, as read_all does), so
    without a round trip of its own."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        # SQLite, as safe_horizon() there: everything committed is below it.
        return "%s", [MAX_BIGINT]

    def as_postgresql(
        self, compiler: Any, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        # A scalar subquery: worked out once per statement, not per row.
        return f"(SELECT {_PG_HORIZON})", []


def settle(timeout: float = 30.0) -> None:
    """Wait until read_all shows every transaction that committed before this call.

    read_all holds back events while any older transaction of this database still runs; tests
    and scripts that append and then read call this in between. No-op on SQLite. Call it outside a
    transaction that has written (that transaction itself would hold the horizon back).
    """
    if not _is_pg():
        return
    cursor = _pg_cursor()
    try:
        row = cursor.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
            "pg_current_xact_id_if_assigned() IS NOT NULL"
        ).fetchone()
        assert row is not None
        target, writing = row
        if writing:
            raise RuntimeError("settle() inside a transaction that has written would never end")
        deadline = time.monotonic() + timeout
        while True:
            row = cursor.execute(f"SELECT {_PG_HORIZON}", []).fetchone()
            assert row is not None
            if row[0] >= target:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"a transaction older than {target} is still running")
            time.sleep(0.005)
    finally:
        cursor.close()
