"""The projection engine with real Celery worker processes, a real (private) Redis broker and the
PostgreSQL test database: latency, crashes, broker outages and scale-out."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from events import projections, runner, selectors
from events.models import Heartbeat, ProjectionCheckpoint
from events.store import iter_all
from events.tasks import SWEEP
from reporting.models import Answer
from reporting.projections.answers import OUTCOMES
from tests.events import faulty_projection
from tests.projection_support import (
    Practice,
    RedisServer,
    Workers,
    answer_count,
    answers_snapshot,
    append_history,
    postgres_only,
    settle,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), postgres_only]


def make_workers(broker: RedisServer, tmp_path: Path, **env: str) -> Workers:
    # A short time budget per catch-up task: with the reporting projections registered too, a
    # solo worker takes them in turns, and `answers` must not wait 10 s behind each of them.
    defaults = {"PROJECTION_SWEEP_SECONDS": "1", "PROJECTION_TIME_BUDGET_SECONDS": "1"}
    return Workers(broker.url, tmp_path, **{**defaults, **env})


@pytest.fixture
def workers(transactional_db: None, broker: RedisServer, tmp_path: Path) -> Iterator[Workers]:
    running = make_workers(broker, tmp_path)
    yield running
    running.stop_all()


def caught_up() -> bool:
    # Every registered projection (the reporting ones too), so that no worker is still busy with
    # one when a test stops the workers and reads their logs.
    return all(
        row.lag_events == 0 and row.status == "ok"
        for row in selectors.partition_statuses()
        if row.name != "test_faulty"  # the failing one, of the test that makes it fail
    )


def answer_positions(result: Any) -> list[int]:
    return [event.position for event in result.events if event.type in OUTCOMES]


def test_answers_given_through_the_services_appear_within_two_seconds(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> None:
    practice = Practice(students=3)
    # No sweep to lean on (beyond the one at start-up): only the nudge on commit gets it there.
    workers = make_workers(broker, tmp_path, PROJECTION_SWEEP_SECONDS="60")
    try:
        workers.start(1, beat=True)
        practice.answer()  # warm up: the worker is up and connected
        assert wait_for(caught_up, 90), workers.logs()

        for _ in range(15):
            [position] = answer_positions(practice.answer())
            seen = wait_for(
                lambda p=position: Answer.objects.filter(position=p).exists(),  # type: ignore[misc]
                timeout=2.0,
                interval=0.01,
            )
            # (read_all only hands out events below the oldest transaction still running on the
            # whole server: a long transaction in another database delays every projection)
            readable = any(e.position == position for e in iter_all(types=OUTCOMES))
            assert seen, f"not projected within 2 s (readable: {readable}); {workers.logs()}"
    finally:
        workers.stop_all()

    row = Answer.objects.order_by("-position").first()
    assert row is not None
    assert row.classroom_id == practice.classroom.pk
    assert row.course_id == practice.chapter.course_id
    assert row.chapter_id == practice.chapter.pk


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
            assert wait_for(lambda b=before: Answer.objects.count() > b, 90), workers.logs()  # type: ignore[misc]
            time.sleep(rng.uniform(0.0, 0.4))
            assert Answer.objects.count() < answer_count(histories), "finished before the crash"
            workers.kill(workers.processes[0])
        workers.start(1, beat=True)
        # Five events a batch, for every reporting projection: some 4,000 commits. That took 87 s
        # on a loaded two-core machine; this is about correctness after crashes, not speed.
        assert wait_for(caught_up, 300), workers.logs()
    finally:
        workers.stop_all()

    projected = answers_snapshot()
    runner.rebuild("answers")
    assert projected == answers_snapshot()
    assert len(projected) == answer_count(histories)


def test_the_health_check_sees_beats_sweep_run_by_a_worker_and_stop_with_it(
    workers: Workers,
) -> None:
    def sweep() -> dict[str, Any]:
        return dict(APIClient().get("/api/health/").json()["sweep"])

    # given no worker nor beat ever ran: late
    assert sweep() == {"status": "late", "last_ran_seconds_ago": None}
    # when one worker runs with beat (sweeping every second), then it is ok
    workers.start(1, beat=True)
    assert wait_for(lambda: sweep()["status"] == "ok", 90), workers.logs()
    # and each sweep records its run anew, with no event coming in (a quiet night)
    first = Heartbeat.objects.get(task=SWEEP).ran_at
    assert wait_for(lambda: Heartbeat.objects.get(task=SWEEP).ran_at > first, 10), workers.logs()
    # when the worker stops, then the sweep's age grows (late once it passes 30 s)
    workers.stop_all()
    stopped = sweep()["last_ran_seconds_ago"]
    assert wait_for(lambda: sweep()["last_ran_seconds_ago"] > stopped, 5)


def test_broker_down_while_answers_are_given_then_nothing_lost(
    workers: Workers, redis_server: RedisServer
) -> None:
    practice = Practice(students=8)
    workers.start(1, beat=True)
    practice.answer()
    assert wait_for(caught_up, 90), workers.logs()

    redis_server.stop()
    given: list[int] = []
    slowest = 0.0
    while len(given) < 1000:  # every command succeeds, none waits for the broker
        started = time.monotonic()
        given += answer_positions(practice.answer())
        slowest = max(slowest, time.monotonic() - started)
    assert slowest < 2.0, f"a command waited {slowest:.1f} s for the dead broker"
    assert not caught_up()

    redis_server.start()  # the beat sweep finds the backlog
    assert wait_for(caught_up, 120), workers.logs()
    projected = set(Answer.objects.values_list("position", flat=True))
    assert set(given) <= projected
    assert len(projected) == len(given) + 1


@pytest.mark.parametrize("count", [2, 4])
def test_several_workers_with_partitions_equal_a_single_worker_rebuild(
    workers: Workers, count: int
) -> None:
    workers.start(count, beat=True)
    histories = []
    for _ in range(6):  # appends keep coming while the workers project
        histories += append_history(40)
    assert wait_for(caught_up, 120), workers.logs()
    workers.stop_all()
    busy = [
        log for log in workers.log_texts() if "catch_up_projection" in log and "succeeded" in log
    ]
    # Which worker wins each partition's lock is up to the scheduler: on two cores one worker can
    # take every task. What must hold is the result, whoever did the work.
    assert busy, "the workers did the catching up"

    projected = answers_snapshot()
    runner.rebuild("answers")
    assert projected == answers_snapshot()
    assert len(projected) == answer_count(histories)


def test_a_failing_handler_stops_only_its_projection_then_resumes_once_fixed(
    transactional_db: None, broker: RedisServer, tmp_path: Path
) -> None:
    faulty_projection.create_tables()
    projections.register(faulty_projection.faulty)  # this process sees its status too
    workers = make_workers(
        broker,
        tmp_path,
        PROJECTION_MODULES="tests.events.faulty_projection_plugin",
        PROJECTION_RETRY_BASE_SECONDS="0.3",
        PROJECTION_RETRY_MAX_SECONDS="1",
    )
    try:
        histories = append_history(20)
        settle()
        positions = [event.position for event in iter_all(types=OUTCOMES)]
        faulty_projection.set_fault(positions[30])
        workers.start(1, beat=True)

        def stopped() -> bool:
            status = {row["name"]: row for row in selectors.projection_status()}
            return status["test_faulty"]["status"] == "failed"

        assert wait_for(caught_up, 90), workers.logs()  # the others go on
        assert wait_for(stopped, 90), workers.logs()
        status = {row["name"]: row for row in selectors.projection_status()}["test_faulty"]
        assert status["failed_position"] == positions[30]
        assert "cannot project event" in status["last_error"]
        assert status["lag_events"] == len(positions) - 30
        assert faulty_projection.seen_positions() == positions[:30]
        assert Answer.objects.count() == answer_count(histories)
        # the worker's log has the failure once, with its traceback, however often it is retried
        # (backing off from 0.3 s to 1 s here)
        checkpoint = ProjectionCheckpoint.objects.filter(name="test_faulty")
        assert wait_for(lambda: checkpoint.get().failures >= 4, 30), workers.logs()
        log = "".join(workers.log_texts())
        stopped_at = f"Projection test_faulty[0] stopped at event {positions[30]} ("
        assert log.count(stopped_at) == 1, log
        assert log.count("Traceback (most recent call last)") == 1, log
        assert log.count(f"test_faulty[0] failed again on event {positions[30]}, as before") >= 3

        faulty_projection.set_fault(None)  # the fix is deployed; the back-off retry picks it up
        assert wait_for(lambda: faulty_projection.seen_positions() == positions, 90), workers.logs()
        assert wait_for(lambda: not stopped(), 30)
    finally:
        workers.stop_all()
        projections.unregister(faulty_projection.NAME)
        faulty_projection.drop_tables()
