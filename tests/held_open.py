"""A transaction held open on another connection: a writer that commits late (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

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
