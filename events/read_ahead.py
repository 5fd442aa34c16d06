"""Read the next page of the event log while the current one is applied.

A replay alternates between Python (decoding a page, building rows) and PostgreSQL (inserting them,
committing), so one process keeps about one core busy. `ReadAhead` fetches page N+1 on a second
connection, in a thread, while the batch of page N is applied: the thread's Python runs while the
main thread waits on the server, and the server reads while the main thread computes.

A page read ahead is only used if the checkpoint still stands at the cursor it was read after:
any page `read_all(after=c)` returns is a valid continuation from `c` (it may merely stop earlier,
at the horizon of the moment it was read), so exactly-once holds as before. Only on PostgreSQL and
outside an atomic block: the second connection must see what the caller's connection sees.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from types import TracebackType

from django.db import connection, connections

from events.store import Page

Read = Callable[[str, int], Page]  # (cursor, limit) -> the page after cursor


class ReadAhead(AbstractContextManager["ReadAhead"]):
    def __init__(self, read: Read) -> None:
        self._read = read
        self._enabled = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._pool: ThreadPoolExecutor | None = None
        self._ahead: tuple[str, int, Future[Page]] | None = None

    def page(self, cursor: str, limit: int) -> tuple[Page, int]:
        """The page after `cursor` and the limit it was read with (a page is full when it holds
        that many): the one read ahead if it was read after this cursor."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            after, used, future = ahead
            if after == cursor:
                return future.result(), used
            future.exception()  # read after another cursor (a worker moved the checkpoint)
        return self._read(cursor, limit), limit

    def read_ahead(self, cursor: str, limit: int) -> None:
        """Start reading the page after `cursor` in the background."""
        if not self._enabled:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")
        self._ahead = (cursor, limit, self._pool.submit(self._read, cursor, limit))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if self._ahead is not None:
            self._ahead[2].exception()  # wait for it; an error here is of no further interest
            self._ahead = None
        self._pool.submit(connections.close_all).result()  # the thread's own connection
        self._pool.shutdown()
        self._pool = None
