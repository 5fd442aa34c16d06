"""Appending to a stream: one SQL statement on the fast path (PostgreSQL), a write-locked read and
insert on SQLite; only a conflict costs extra queries, which tell an idempotent re-append (the same
events again: stored nothing, returns the stored ones) from a concurrent append, a reused event id
or a precondition that failed. `events.store` is the interface (and re-exports `append`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache, partial
from typing import Any, Final

import psycopg
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from events import db
from events.encoding import Batch, Prepared, dump, matches, prepare
from events.partitioning import stream_hash
from events.reading import stream_version
from events.records import (
    ANY,
    NO_STREAM,
    Absent,
    AppendOrderError,
    EventIdReused,
    ExpectedVersion,
    InvalidEvent,
    NewEvent,
    PreconditionFailed,
    RecordedEvent,
    WrongExpectedVersion,
)
from events.rows import COLUMNS, event_from_sqlite, is_pg, pg_cursor, pg_events
from events.signals import events_committed

_ANY_RETRIES: Final = 10

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
    cursor = pg_cursor(conn)
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
    if is_pg():
        cursor = pg_cursor(decoding=True)
        try:
            rows = cursor.execute(
                f"SELECT {COLUMNS} FROM events_event WHERE event_id = ANY(%s)", [event_ids]
            ).fetchall()
        finally:
            cursor.close()
        events = pg_events(rows)
    else:
        marks = ", ".join(["%s"] * len(event_ids))
        with connection.cursor() as dj_cursor:
            dj_cursor.execute(
                f"SELECT {COLUMNS} FROM events_event WHERE event_id IN ({marks})",
                [i.hex for i in event_ids],
            )
            events = [event_from_sqlite(row) for row in dj_cursor.fetchall()]
    return {e.event_id: e for e in events}
