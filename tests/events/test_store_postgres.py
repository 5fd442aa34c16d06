"""The event store under concurrency, and the guarantees PostgreSQL itself enforces.

Real threads, each with its own database connection, writing real committed transactions.
"""

import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from events.models import Event
from events.store import (
    NO_STREAM,
    AppendOrderError,
    NewEvent,
    RecordedEvent,
    SafeHorizon,
    WrongExpectedVersion,
    append,
    read_all,
    read_stream,
    safe_horizon,
    settle,
    stream_version,
)
from tests.held_open import held_open

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="PostgreSQL only",
    ),
    pytest.mark.django_db(transaction=True),
]


def new_stream() -> str:
    return f"test-{uuid.uuid4()}"


def event(n: int = 0) -> NewEvent:
    return NewEvent("quiz.QuestionAssigned", {"n": n})


def in_threads(count: int, work: Callable[[int], None]) -> None:
    """Run work(i) in `count` threads; re-raise the first failure. Each closes its connection."""
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]


def test_sixteen_writers_on_one_stream_get_versions_one_to_n_exactly_once() -> None:
    stream = new_stream()
    per_thread = 10
    landed: list[tuple[int, int]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        for k in range(per_thread):
            while True:
                version = stream_version(stream)
                try:
                    [recorded] = append(stream, [event(i * 1000 + k)], version)
                except WrongExpectedVersion:
                    time.sleep(random.random() / 1000)
                    continue
                with lock:
                    landed.append((recorded.version, i * 1000 + k))
                break

    in_threads(16, work)

    stored = read_stream(stream)
    total = 16 * per_thread
    assert [e.version for e in stored] == list(range(1, total + 1))
    assert sorted(e.data["n"] for e in stored) == sorted(n for _, n in landed)
    assert len({e.data["n"] for e in stored}) == total
    assert sorted(v for v, _ in landed) == list(range(1, total + 1))


def follow(stop: threading.Event, seen: list[RecordedEvent], after: str | None) -> None:
    """A reader following read_all cursors until told to stop and caught up."""
    cursor = after
    try:
        while True:
            stopping = stop.is_set()
            page = read_all(cursor, limit=97)
            seen.extend(page.events)
            cursor = page.cursor
            if not page.events:
                if stopping:
                    return
                time.sleep(0.002)
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_a_reader_following_cursors_sees_every_event_once_in_stream_order(round_: int) -> None:
    settle()
    start = read_all(None, limit=100_000).cursor  # events of earlier rounds are not ours
    streams = [new_stream() for _ in range(100)]
    total, writers = 5000, 8
    written: list[RecordedEvent] = []
    lock = threading.Lock()
    rng = random.Random(round_)
    delays = [rng.random() * 0.02 for _ in range(total)]
    counter = iter(range(total))

    def work(i: int) -> None:
        local = random.Random(i * 7919 + round_)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            stream = streams[local.randrange(len(streams))]
            while True:
                try:
                    with transaction.atomic():
                        recorded = append(stream, [event(n)], stream_version(stream))
                        time.sleep(delays[n])  # hold the transaction open: commit late
                except WrongExpectedVersion:
                    continue
                with lock:
                    written.extend(recorded)
                break

    stop = threading.Event()
    seen: list[RecordedEvent] = []
    reader = threading.Thread(target=follow, args=(stop, seen, start))
    reader.start()
    try:
        in_threads(writers, work)
        settle()
    finally:
        stop.set()
        reader.join(timeout=120)

    ours = [e for e in seen if e.stream_id in set(streams)]
    assert len(written) == total
    assert len(ours) == total, "every event seen exactly once"
    assert len({e.event_id for e in ours}) == total
    assert {e.event_id for e in ours} == {e.event_id for e in written}
    versions: dict[str, list[int]] = defaultdict(list)
    for e in ours:
        versions[e.stream_id].append(e.version)
    for stream, seen_versions in versions.items():
        assert seen_versions == list(range(1, len(seen_versions) + 1)), stream


def test_a_cursor_never_passes_an_event_that_commits_late() -> None:
    settle()
    start = read_all(None, limit=100_000).cursor
    slow, fast = new_stream(), new_stream()
    with held_open(lambda: append(slow, [event(1)], NO_STREAM)):
        append(fast, [event(2)], NO_STREAM)  # commits first, with a later transaction id
        page = read_all(start)
        assert [e.stream_id for e in page.events] == []  # held back behind the open transaction
    settle()

    page = read_all(page.cursor)
    assert [e.stream_id for e in page.events] == [slow, fast]


def test_the_safe_horizon_in_a_query_holds_back_a_late_commit_like_safe_horizon() -> None:
    slow, fast = new_stream(), new_stream()

    def below(horizon: int | SafeHorizon) -> list[str]:
        """The two streams' events below `horizon`, newest first (as the quiz list reads)."""
        rows = Event.objects.filter(stream_id__in=[slow, fast], transaction_id__lt=horizon)
        newest_first = rows.order_by("-transaction_id", "-position")
        return list(newest_first.values_list("stream_id", flat=True))

    with held_open(lambda: append(slow, [event(1)], NO_STREAM)):
        append(fast, [event(2)], NO_STREAM)  # commits first, with a later transaction id
        # while the slow one is open, neither is below the horizon: not the fast one either
        assert below(SafeHorizon()) == [] == below(safe_horizon())
    settle()

    assert below(SafeHorizon()) == [fast, slow] == below(safe_horizon())


def test_raw_sql_cannot_truncate_the_events() -> None:
    stream = new_stream()
    append(stream, [event()], NO_STREAM)
    with (
        pytest.raises(DatabaseError, match="events are immutable: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL studyflow.allow_event_truncate = 'off'")
        cursor.execute("TRUNCATE events_event")
    assert stream_version(stream) == 1


@pytest.mark.parametrize(
    "sql",
    ["UPDATE events_event SET version = version WHERE false", "DELETE FROM events_event"],
)
def test_raw_sql_is_rejected_even_when_it_matches_nothing(sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="events are immutable"),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def test_an_append_after_another_write_in_the_transaction_is_rejected() -> None:
    stream = new_stream()
    with pytest.raises(AppendOrderError, match="first write"), transaction.atomic():
        Group.objects.create(name=f"g-{uuid.uuid4()}")
        append(stream, [event()], NO_STREAM)
    assert stream_version(stream) == 0


def test_two_appends_in_one_transaction_then_other_writes_are_fine() -> None:
    first, second = new_stream(), new_stream()
    with transaction.atomic():
        a = append(first, [event(1)], NO_STREAM)
        b = append(second, [event(2), event(3)], NO_STREAM)
        Group.objects.create(name=f"g-{uuid.uuid4()}")
        c = append(first, [event(4)], 1)
    assert a[0].transaction_id == b[0].transaction_id == c[0].transaction_id
    settle()
    ours = {e.event_id for e in a + b + c}
    in_order = [e for e in read_all(None, limit=100_000).events if e.event_id in ours]
    assert in_order == a + b + c


def test_appending_to_a_stream_a_later_transaction_extended_is_rejected() -> None:
    # Our transaction got its id with its first append; another transaction (a later id) then
    # extends `shared` and commits. Appending to `shared` now would sort our event before theirs.
    ours, shared = new_stream(), new_stream()
    done: dict[str, Any] = {}
    with pytest.raises(AppendOrderError), transaction.atomic():
        append(ours, [event()], NO_STREAM)

        def other(_: int) -> None:
            done["events"] = append(shared, [event()], NO_STREAM)

        in_threads(1, other)
        append(shared, [event()], 1)
    assert stream_version(shared) == 1
    assert stream_version(ours) == 0
