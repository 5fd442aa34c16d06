"""The event table's rows as RecordedEvents: the columns a read selects, a psycopg cursor that hands
over jsonb as text and timestamptz through the C loader, and the decoding of its rows on PostgreSQL
and SQLite. Shared by the reads (`events.reading`) and the append's conflict checks
(`events.appending`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from events import db
from events.encoding import loads, loads_all
from events.records import RecordedEvent

COLUMNS = (
    "position, stream_id, version, type, schema_version, data, metadata, event_id, recorded_at, "
    "transaction_id"
)
# Without metadata (read_all(metadata=False)): the same order, one column fewer.
LEAN_COLUMNS = COLUMNS.replace(" metadata,", "")
# On SQLite the rows keep the metadata column's place (one row reader for both).
SQLITE_LEAN_COLUMNS = COLUMNS.replace("metadata", "'{}' AS metadata")
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


def is_pg() -> bool:
    return db.default().vendor == "postgresql"


def pg_cursor(
    conn: BaseDatabaseWrapper | None = None, *, decoding: bool = False
) -> psycopg.Cursor[Any]:
    """db.server_cursor; a `decoding` one loads jsonb as text (for pg_events) and timestamptz in
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


def pg_events(rows: Sequence[Sequence[Any]], *, metadata: bool = True) -> list[RecordedEvent]:
    """Rows of COLUMNS (or LEAN_COLUMNS, without metadata) from a decoding cursor as events, their
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


def event_from_sqlite(row: Sequence[Any]) -> RecordedEvent:
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
