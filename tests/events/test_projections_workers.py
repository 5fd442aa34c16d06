"""The projection engine with real Celery worker processes, a real (private) Redis broker and the
PostgreSQL test database: latency, crashes, broker outages and scale-out."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from events import runner, selectors
from reporting.models import Answer
from tests.projection_support import (
    RedisServer,
    Workers,
    answer_count,
    answers_snapshot,
    append_history,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def make_workers(broker: RedisServer, tmp_path: Path, **env: str) -> Workers:
    return Workers(broker.url, tmp_path, **{"PROJECTION_SWEEP_SECONDS": "1", **env})


@pytest.fixture
def workers(transactional_db: None, broker: RedisServer, tmp_path: Path) -> Iterator[Workers]:
    running = make_workers(broker, tmp_path)
    yield running
    running.stop_all()


def caught_up() -> bool:
    return all(
        row.lag_events == 0 and row.status == "ok"
        for row in selectors.partition_statuses("answers")
    )


def test_answers_appear_within_two_seconds(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> None:
    # No sweep to lean on (beyond the one at start-up): only the nudge on commit gets it there.
    workers = make_workers(broker, tmp_path, PROJECTION_SWEEP_SECONDS="60")
    try:
        workers.start(1, beat=True)
        append_history(1)  # warm up: the worker is up and connected
        assert wait_for(caught_up, 30), workers.logs()

        for _ in range(10):
            history = append_history(1)[0]
            seen = wait_for(
                lambda h=history: Answer.objects.filter(quiz_id=h.quiz_id).count() == h.answers,  # type: ignore[misc]
                timeout=2.0,
                interval=0.01,
            )
            assert seen, f"not projected within 2 s; {workers.logs()}"
    finally:
        workers.stop_all()


def test_kill_9_mid_catch_up_five_times_then_equal_to_a_rebuild(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> None:
    histories = append_history(400)
    # small batches: a long catch-up with many commits to crash in the middle of
    workers = make_workers(broker, tmp_path, PROJECTION_BATCH_SIZE="5")
    rng = random.Random(9)
    try:
        for _ in range(5):
            before = Answer.objects.count()
            workers.start(1, beat=True)
            assert wait_for(lambda b=before: Answer.objects.count() > b, 30), workers.logs()  # type: ignore[misc]
            time.sleep(rng.uniform(0.0, 0.4))
            assert Answer.objects.count() < answer_count(histories), "finished before the crash"
            workers.kill(workers.processes[0])
        workers.start(1, beat=True)
        assert wait_for(caught_up, 60), workers.logs()
    finally:
        workers.stop_all()

    projected = answers_snapshot()
    runner.rebuild("answers")
    assert projected == answers_snapshot()
    assert len(projected) == answer_count(histories)


def test_broker_down_while_answers_are_given_then_nothing_lost(
    workers: Workers, redis_server: RedisServer
) -> None:
    workers.start(1, beat=True)
    append_history(1)
    assert wait_for(caught_up, 30), workers.logs()

    redis_server.stop()
    started = time.monotonic()
    histories = append_history(160)  # ~1,000 answers, every append succeeds
    spent = time.monotonic() - started
    assert answer_count(histories) >= 1000
    assert spent < 30, f"appends were held up by the dead broker: {spent:.1f} s"
    assert not caught_up()

    redis_server.start()  # the beat sweep finds the backlog
    assert wait_for(caught_up, 60), workers.logs()
    expected = {history.quiz_id for history in histories}
    assert Answer.objects.filter(quiz_id__in=expected).count() == answer_count(histories)


@pytest.mark.parametrize("count", [2, 4])
def test_several_workers_with_partitions_equal_a_single_worker_rebuild(
    workers: Workers, count: int
) -> None:
    workers.start(count, beat=True)
    histories = []
    for _ in range(6):  # appends keep coming while the workers project
        histories += append_history(40)
    assert wait_for(caught_up, 60), workers.logs()
    workers.stop_all()
    busy = [
        log for log in workers.log_texts() if "catch_up_projection" in log and "succeeded" in log
    ]
    assert len(busy) == count, "every worker took a share"

    projected = answers_snapshot()
    runner.rebuild("answers")
    assert projected == answers_snapshot()
    assert len(projected) == answer_count(histories)
