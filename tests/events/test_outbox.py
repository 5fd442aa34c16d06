"""The per-process outbox of on-commit nudges: when it flushes, and that it leaves nothing behind.

Only the scheduling is under test here: `nudge_many` (the Redis round trip) is replaced by a
recorder. The real broker path is covered by the worker tests (tests/events/test_projections_*).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence

import pytest

from events import nudges

Target = tuple[str, int]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[float, list[Target], str]] = []
        self.lock = threading.Lock()

    def __call__(self, targets: Sequence[Target]) -> int:
        with self.lock:
            self.calls.append((time.monotonic(), list(targets), threading.current_thread().name))
        return len(targets)

    def flushed(self) -> list[Target]:
        with self.lock:
            return [target for _, targets, _ in self.calls for target in targets]

    def wait_for(self, targets: set[Target], seconds: float = 2.0) -> None:
        deadline = time.monotonic() + seconds
        while not targets <= set(self.flushed()):
            assert time.monotonic() < deadline, f"never flushed: {targets - set(self.flushed())}"
            time.sleep(0.005)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    record = Recorder()
    monkeypatch.setattr(nudges, "nudge_many", record)
    return record


@pytest.fixture
def wide_interval(monkeypatch: pytest.MonkeyPatch) -> float:
    # Wide enough that a busy test machine cannot stretch one step of a test across an interval.
    monkeypatch.setattr(nudges, "FLUSH_SECONDS", 0.5)
    return 0.5


def test_an_append_after_a_quiet_spell_is_flushed_at_once_off_the_appending_thread(
    recorder: Recorder, wide_interval: float
) -> None:
    outbox = nudges.Outbox()
    started = time.monotonic()

    outbox.add([("answers", 1), ("progress", 0)])

    recorder.wait_for({("answers", 1), ("progress", 0)})
    at, targets, thread = recorder.calls[0]
    assert targets == [("answers", 1), ("progress", 0)]
    assert thread == "projection-nudges"  # the command's thread never waits for the broker
    assert at - started < wide_interval / 2


def test_a_burst_is_flushed_once_per_interval(recorder: Recorder, wide_interval: float) -> None:
    outbox = nudges.Outbox()
    outbox.add([("answers", 1)])
    recorder.wait_for({("answers", 1)})

    outbox.add([("answers", 2)])
    outbox.add([("progress", 0), ("answers", 2)])

    recorder.wait_for({("answers", 2), ("progress", 0)})
    (first_at, _, _), (last_at, tail, _) = recorder.calls
    assert tail == [("answers", 2), ("progress", 0)]  # once each, in one round trip
    assert last_at - first_at >= wide_interval * 0.9


def test_appends_that_keep_coming_lose_nothing(recorder: Recorder) -> None:
    outbox = nudges.Outbox()
    sent: set[Target] = set()
    until = time.monotonic() + 4 * nudges.FLUSH_SECONDS
    n = 0
    while time.monotonic() < until:
        target = ("answers", n)
        outbox.add([target])
        sent.add(target)
        n += 1
        time.sleep(0.002)

    recorder.wait_for(sent)
    assert sorted(recorder.flushed()) == sorted(sent)  # each exactly once
    times = [at for at, _, _ in recorder.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= nudges.FLUSH_SECONDS / 2  # about one flush per interval, not one per add
    assert len(recorder.calls) <= 6


def test_flush_at_exit_takes_whatever_is_pending(recorder: Recorder, wide_interval: float) -> None:
    outbox = nudges.Outbox()
    outbox.add([("answers", 1)])
    recorder.wait_for({("answers", 1)})  # the thread now waits out the interval
    outbox.add([("answers", 2)])
    outbox.add([("answers", 3)])

    assert outbox.flush() == 2

    assert recorder.flushed() == [("answers", 1), ("answers", 2), ("answers", 3)]
