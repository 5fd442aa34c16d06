"""The safe horizon: a transaction id below which every transaction of this database has finished,
so every event still to commit sorts after the events below it in commit-safe order
(transaction_id, position). `read_all` works it out in the statement that reads its page;
`safe_horizon`, `SafeHorizon` and `settle` give it to readers that order events themselves and to
tests and scripts that wait for their writes to show. `events.store` is the interface."""

from __future__ import annotations

import time
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from events.encoding import MAX_BIGINT
from events.rows import is_pg, pg_cursor

# The safe horizon: the oldest transaction id still running at this statement's snapshot, leaving
# out transactions of *other databases* on the server (they cannot write our events, and one idle
# session elsewhere would otherwise stall every reader here). A running xid is only left out when
# pg_stat_activity positively places it in another database; anything unknown (a transaction that
# finished meanwhile, prepared transactions, rows hidden from this role) counts, which is safe.
# backend_xid is 32 bits, snapshot ids are 64 (with epoch): compare the low 32 bits.
PG_HORIZON = """coalesce(
    (SELECT min(xip::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS xip
     WHERE xip::text::bigint %% 4294967296 NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"""


def safe_horizon() -> int:
    """A transaction id below which every transaction has finished: the events of transactions
    below it are all there will ever be, and any event still to commit sorts after them in
    commit-safe order (transaction_id, position). For readers that order a selection of events
    themselves (newest first, say) the way read_all does. On SQLite (serialized writers, every
    transaction_id 0) everything committed is below it. SafeHorizon() is the same in a query."""
    if not is_pg():
        return MAX_BIGINT
    cursor = pg_cursor()
    try:
        row = cursor.execute(f"SELECT {PG_HORIZON}", [], prepare=True).fetchone()
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
        return f"(SELECT {PG_HORIZON})", []


def settle(timeout: float = 30.0) -> None:
    """Wait until read_all shows every transaction that committed before this call.

    read_all holds back events while any older transaction of this database still runs; tests
    and scripts that append and then read call this in between. No-op on SQLite. Call it outside a
    transaction that has written (that transaction itself would hold the horizon back).
    """
    if not is_pg():
        return
    cursor = pg_cursor()
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
            row = cursor.execute(f"SELECT {PG_HORIZON}", []).fetchone()
            assert row is not None
            if row[0] >= target:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"a transaction older than {target} is still running")
            time.sleep(0.005)
    finally:
        cursor.close()
