"""Reading events back: a stream in version order (`read_stream`, `stream_version`), and the whole
log in commit-safe order after a cursor (`read_all` a page at a time, `iter_all` streaming its
pages, `events_after` counting a reader's lag). Every read is upcast. `events.store` is the
interface."""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterator, Sequence
from itertools import islice
from typing import Any, Final, cast

import psycopg
from django.db import connection

from events.encoding import MAX_BIGINT, decode_cursor, encode_cursor, validate_stream_id
from events.horizon import PG_HORIZON
from events.records import Page, RecordedEvent
from events.rows import (
    COLUMNS,
    LEAN_COLUMNS,
    SQLITE_LEAN_COLUMNS,
    event_from_sqlite,
    is_pg,
    pg_cursor,
    pg_events,
)
from events.upcasting import upcast_all


def _query(sql: str, params: Sequence[Any], *, metadata: bool = True) -> list[RecordedEvent]:
    """Events from a SELECT of COLUMNS, or (not `metadata`) of LEAN_COLUMNS on PostgreSQL and
    SQLITE_LEAN_COLUMNS on SQLite."""
    if is_pg():
        cursor = pg_cursor(decoding=True)
        try:
            rows = cursor.execute(sql, params, prepare=True).fetchall()
        finally:
            cursor.close()
        return pg_events(rows, metadata=metadata)
    with connection.cursor() as dj_cursor:
        dj_cursor.execute(sql, params)
        return [event_from_sqlite(row) for row in dj_cursor.fetchall()]


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
    lean = LEAN_COLUMNS if is_pg() else SQLITE_LEAN_COLUMNS
    columns = COLUMNS if metadata else lean
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
    if is_pg():
        cursor = pg_cursor()
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
            sql.append("AND false" if is_pg() else "AND 0")
        elif is_pg():
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
    if is_pg():
        # The horizon comes from the same statement (so the same snapshot) as the rows; the LEFT
        # JOIN yields it even when no event qualifies.
        columns = COLUMNS if metadata else LEAN_COLUMNS
        sql = (
            f"SELECT h.x, {', '.join('e.' + c.strip() for c in columns.split(','))} "
            f"FROM (SELECT {PG_HORIZON} AS x) AS h "
            f"LEFT JOIN LATERAL (SELECT {columns} FROM events_event "
            "WHERE (transaction_id, position) > (%s, %s) AND transaction_id < h.x "
            f"{where} ORDER BY transaction_id, position LIMIT %s) AS e ON true"
        )
        cursor = pg_cursor(decoding=True)
        try:
            if streamed and _CAN_STREAM:
                oldest_running, events = _streamed_page(
                    cursor, sql, [t, p, *filter_params, limit], metadata
                )
            else:
                rows = cursor.execute(sql, [t, p, *filter_params, limit], prepare=True).fetchall()
                oldest_running = rows[0][0]
                events = pg_events([r[1:] for r in rows if r[1] is not None], metadata=metadata)
        finally:
            cursor.close()
        horizon = (oldest_running - 1, MAX_BIGINT)
    else:
        # SQLite serializes writers: everything committed is safe, in position order.
        columns = COLUMNS if metadata else SQLITE_LEAN_COLUMNS
        sql = (
            f"SELECT h.x, {', '.join('e.' + c.strip() for c in COLUMNS.split(','))} "
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
        events = [event_from_sqlite(row[1:]) for row in rows if row[1] is not None]
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
            events += pg_events([r[1:] for r in chunk if r[1] is not None], metadata=metadata)
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
    if is_pg():
        pg = pg_cursor()
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
    if is_pg():
        pg = pg_cursor()
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
