"""A transaction held open on another connection: a writer that commits late (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


@contextmanager
def held_open(work: Callable[[], T]) -> Iterator[T]:
    """Do `work` in a transaction of another thread's connection, and keep that transaction open
    (uncommitted) for the block, which gets work's result; it commits when the block ends."""
    done, release = threading.Event(), threading.Event()
    result: list[T] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                result.append(work())
                done.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert done.wait(timeout=30), "the held-open work did not finish"
        yield result[0]
    finally:
        release.set()
        thread.join(timeout=30)


def waited_for_a_lock(work: Future[Any]) -> None:
    """Until `work`, on a connection of its own, waits for a lock in PostgreSQL: a row another
    transaction locked, or a key (unique or exclusion) its uncommitted row holds."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert not work.done(), "the second did not wait for the first"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the second never waited for the first")
