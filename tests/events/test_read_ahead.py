"""events.read_ahead: a page read ahead is used only after the cursor it was read after."""

from __future__ import annotations

import threading

import pytest

from events.read_ahead import ReadAhead
from events.store import Page
from tests.projection_support import postgres_only

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


class Reads:
    """A stand-in for read_all: records (cursor, limit, thread) per call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []

    def __call__(self, cursor: str, limit: int) -> Page:
        self.calls.append((cursor, limit, threading.current_thread().name))
        return Page(events=[], cursor=f"after-{cursor}")


def test_a_page_read_ahead_after_the_same_cursor_is_used() -> None:
    reads = Reads()
    with ReadAhead(reads) as pages:
        pages.read_ahead("c1", 10)
        page, limit = pages.page("c1", 20)

    assert page.cursor == "after-c1"
    assert limit == 10  # the page was read with 10: "full" is judged against that
    assert len(reads.calls) == 1
    assert reads.calls[0][2].startswith("read-ahead")


def test_a_page_read_ahead_after_another_cursor_is_dropped() -> None:
    reads = Reads()
    with ReadAhead(reads) as pages:
        pages.read_ahead("c1", 10)
        page, limit = pages.page("c2", 20)  # a worker moved the checkpoint meanwhile

    assert (page.cursor, limit) == ("after-c2", 20)
    assert [call[0] for call in reads.calls] == ["c1", "c2"]
    assert reads.calls[1][2] == threading.current_thread().name


def test_inside_an_atomic_block_nothing_is_read_ahead() -> None:
    from django.db import transaction

    reads = Reads()
    with transaction.atomic(), ReadAhead(reads) as pages:
        pages.read_ahead("c1", 10)  # a second connection would not see this transaction's rows
        pages.page("c1", 10)

    assert [(cursor, thread) for cursor, _, thread in reads.calls] == [
        ("c1", threading.current_thread().name)
    ]
