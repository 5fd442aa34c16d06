"""The statements a piece of code sends PostgreSQL, from libpq's trace of Django's connection.

Django's query capture (django_assert_num_queries, CaptureQueriesContext) sees only Django's own
cursors; the event store talks to psycopg on the same connection with cursors of its own
(events.db.server_cursor), which that capture never sees. libpq's trace sees every message on the
wire, whichever cursor sent it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import pq


@contextmanager
def statements_sent(connection: BaseDatabaseWrapper) -> Iterator[list[str]]:
    """The statements sent on `connection` inside the block (PostgreSQL only), each as its SQL,
    filled in when the block ends. A statement is a simple Query or an extended Execute: one
    round trip each (a prepared statement's one-off Parse is not a statement, so whether psycopg
    had prepared one before the block does not change the count)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    sent: list[str] = []
    with tempfile.TemporaryFile("w+") as trace:
        # libpq keeps its own stream on the descriptor it is given (and never closes it): a copy.
        fileno = os.dup(trace.fileno())
        pgconn.trace(fileno)
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield sent
        finally:
            pgconn.untrace()  # flushes the trace
            os.close(fileno)
        trace.seek(0)
        sent.extend(_statements(trace))


def _statements(trace: Iterator[str]) -> Iterator[str]:
    """The statements of a libpq trace: lines `F <length> <message> <fields...>` from the client."""
    parsed: dict[str, str] = {}  # statement name -> SQL, for the prepared ones Bind names
    bound = ""
    for line in trace:
        parts = line.rstrip("\n").split("\t", 3)
        if len(parts) < 3 or parts[0] != "F":
            continue
        message, fields = parts[2], parts[3].strip() if len(parts) > 3 else ""
        if message == "Query":
            yield fields
        elif message == "Parse":
            name, _, sql = fields.partition(" ")
            parsed[name] = sql
        elif message == "Bind":
            name = fields.split(" ")[1]
            bound = parsed.get(name, f"(prepared earlier: {name})")
        elif message == "Execute":
            yield bound
