"""Projection benchmark: rebuild throughput and memory, and live lag under a steady answer load.

    DATABASE_URL=postgres://root@127.0.0.1:5432/studyflow_bench_proj \\
        .venv/bin/python -m bench.projections [--events 100000,1000000] [--rate 200 --seconds 60]

1. Generates realistic quiz events (tests/quiz_events.py; one append per quiz, 50 quizzes per
   transaction) until the log holds the next size, then rebuilds `answers` in a fresh process and
   prints events/s and that process's peak RSS. Targets: >= 50,000 events/s; peak RSS < 300 MB and
   the same for 100k and 1M events.
2. Starts one Celery worker (and the beat sweep), appends answers at `--rate` per second for
   `--seconds`, and measures each answer's lag from its commit to its row in `reporting_answer`.
   Target: p99 < 1 s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/studyflow_bench_proj")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure_database() -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        return
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "root",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django() -> None:
    import django

    django.setup()


def event_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        return int(cursor.fetchone()[0])


def generate_until(target: int) -> None:
    """Append generated quizzes until the log holds `target` events."""
    from django.db import transaction

    from events import store
    from events.signals import events_committed
    from tests.quiz_events import Roster, quizzes

    have = event_count()
    if have >= target:
        print(f"log holds {have:,} events (>= {target:,}); no generation needed")
        return
    # Bulk history: no nudges (no worker runs now; the rebuild reads it all anyway).
    receivers = events_committed.receivers
    events_committed.receivers = []
    try:
        roster = Roster(students=5000, classes=200, courses=4)
        start = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
        series = quizzes(have + 17, roster, start, spacing=timedelta(seconds=3))
        started = time.monotonic()
        while have < target:
            with transaction.atomic():
                for history in itertools.islice(series, 50):
                    store.append(
                        history.stream_id,
                        history.events,
                        store.NO_STREAM,
                        recorded_at=history.started_at,
                    )
                    have += len(history.events)
            if have // 50_000 != (have - 800) // 50_000:
                rate = have / max(time.monotonic() - started, 1e-9)
                print(f"\r  generated {have:,} events ({rate:,.0f}/s)", end="", file=sys.stderr)
        print(file=sys.stderr)
    finally:
        events_committed.receivers = receivers
        events_committed.sender_receivers_cache.clear()
    # Fresh statistics, as autovacuum would have them on a live system (a planner without them
    # sorts the whole remaining log for every page).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")


def rebuild_child() -> None:
    setup_django()
    from events import runner

    started = time.monotonic()
    applied = runner.rebuild("answers", batch_size=5000)
    seconds = time.monotonic() - started
    from reporting.models import Answer

    print(
        json.dumps(
            {
                "events_in_log": event_count(),
                "events_applied": applied,
                "answers": Answer.objects.count(),
                "seconds": round(seconds, 2),
                "events_per_second": round(applied / seconds),
                "log_events_per_second": round(event_count() / seconds),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


# --- live lag -------------------------------------------------------------------------------------


def lag_run(rate: float, seconds: float, rebuilding: str | None = None) -> dict[str, Any]:
    from django.db import connection, connections

    from events import projections, runner, store
    from reporting.models import Answer

    # Start from a steady state: every projection caught up (the other reporting read models of a
    # freshly generated log are a million events behind, and replaying them would occupy the
    # worker for minutes: that measures a catch-up, not the live lag).
    for projection in projections.all_projections():
        runner.replay(projection.name)
    for name in (rebuilding or "").split(","):
        # ... except these, which the worker then replays from the start during the run (what the
        # admin's "rebuild" action does): the live lag of `answers` while rebuilds compete.
        if name:
            runner.reset(name)
    env = {**os.environ, "PROJECTION_SWEEP_SECONDS": "2"}
    log = open(ROOT / "var" / "bench-worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "studyflow",
            "worker",
            "--pool=prefork",  # as in studyflow/Procfile: one worker, two processes
            "--concurrency=2",
            "--beat",
            f"--schedule={ROOT / 'var' / 'bench-beat'}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    lock = threading.Lock()
    done = threading.Event()

    def watch() -> None:
        # Poll the read model for the answers appended so far (its own connection).
        while not done.is_set() or len(seen) < len(committed):
            with lock:
                pending = [p for p in committed if p not in seen]
            if pending:
                found = Answer.objects.filter(position__in=pending).values_list(
                    "position", flat=True
                )
                now = time.monotonic()
                for position in found:
                    seen[position] = now
            if done.is_set() and time.monotonic() > stop_waiting:
                break
            time.sleep(0.005)
        connections.close_all()

    try:
        time.sleep(4)  # the worker starts
        rng = random.Random(5)
        quiz_ids = [str(uuid.uuid4()) for _ in range(400)]
        for quiz_id in quiz_ids:  # open quizzes to answer in
            store.append(
                f"quiz-{quiz_id}",
                [
                    store.NewEvent(
                        type="quiz.QuizStarted",
                        data={
                            "quiz_id": quiz_id,
                            "student_id": rng.randrange(1, 5000),
                            "chapter_id": 3,
                            "classroom_id": 7,
                            "course_id": 1,
                            "streak_goal": 3,
                        },
                    )
                ],
                store.NO_STREAM,
            )
        time.sleep(2)
        stop_waiting = float("inf")
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        # Several appenders (threads, each with its own connection), so the rate does not
        # depend on one append's latency.
        appenders = 4
        interval = appenders / rate
        started = time.monotonic()

        def append_answers(offset: int) -> None:
            local = random.Random(offset)
            for n in itertools.count():
                due = started + (n + offset / appenders) * interval
                if due > started + seconds:
                    break
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                quiz_id = local.choice(quiz_ids[offset::appenders])  # its own streams
                data = {
                    "quiz_id": quiz_id,
                    "student_id": 1,
                    "chapter_id": 3,
                    "classroom_id": 7,
                    "question_id": local.randrange(1, 200),
                    "question_revision": 1,
                    "answer": str(local.randrange(20)),
                    "seconds_to_answer": 12.0,
                }
                kind = "quiz.QuestionAnsweredIncorrectly"
                if local.random() < 0.6:
                    kind, data = "quiz.QuestionAnsweredCorrectly", {**data, "streak": 1}
                recorded = store.append(
                    f"quiz-{quiz_id}", [store.NewEvent(type=kind, data=data)], store.ANY
                )
                with lock:
                    committed[recorded[0].position] = time.monotonic()
            connections.close_all()

        threads = [
            threading.Thread(target=append_answers, args=(k,), daemon=True)
            for k in range(appenders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent_for = time.monotonic() - started
        stop_waiting = time.monotonic() + 30
        done.set()
        watcher.join(40)
    finally:
        os.killpg(worker.pid, 9)
        worker.wait()
        connection.close()
    lags = sorted(seen[p] - committed[p] for p in committed if p in seen)
    missing = len(committed) - len(lags)

    def pct(q: float) -> float:
        return lags[min(len(lags) - 1, int(q * len(lags)))] if lags else float("nan")

    return {
        "answers": len(committed),
        "achieved_rate": round(len(committed) / sent_for, 1),
        "missing": missing,
        "p50_ms": round(pct(0.50) * 1000),
        "p99_ms": round(pct(0.99) * 1000),
        "max_ms": round(lags[-1] * 1000) if lags else None,
    }


def database_for(size: int, largest: int) -> str:
    """The log is append-only, so each size has its own database: the largest the given one, a
    smaller one a sibling (`<name>_100k`)."""
    url = os.environ["DATABASE_URL"]
    return url if size == largest else f"{url}_{size // 1000}k"


def in_child(flag: str, database_url: str, size: int) -> str:
    """Run a step in a fresh process (its own database connection; its own peak RSS)."""
    output = subprocess.run(
        # as a module: run as a file, bench/http.py would shadow the http package
        [sys.executable, "-m", "bench.projections", flag, "--events", str(size)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    return output.stdout.strip().splitlines()[-1]


def prepare() -> None:
    ensure_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="100000,1000000")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--skip-lag", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument(
        "--rebuilding",
        metavar="NAME[,NAME...]",
        help="measure the live lag while the worker rebuilds these other projections",
    )
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.events.split(","))
    if args.rebuild_child:
        rebuild_child()
        return
    if args.generate_only:
        prepare()
        generate_until(sizes[-1])
        print("generated")
        return
    print(f"database: {os.environ['DATABASE_URL']}")
    if not args.skip_rebuild:
        for size in sizes:
            url = database_for(size, sizes[-1])
            in_child("--generate-only", url, size)
            result = json.loads(in_child("--rebuild-child", url, size))
            print(
                f"rebuild answers over {result['events_in_log']:>9,} events "
                f"({result['events_applied']:,} of its types, {result['answers']:,} answers) "
                f"in {result['seconds']} s: {result['log_events_per_second']:,} log events/s, "
                f"{result['events_per_second']:,} applied events/s; "
                f"peak RSS {result['peak_rss_mb']} MB"
            )
    if not args.skip_lag:
        prepare()
        result = lag_run(args.rate, args.seconds, args.rebuilding)
        print(
            f"live{f' while {args.rebuilding} rebuilds' if args.rebuilding else ''}: "
            f"{result['answers']:,} answers at {result['achieved_rate']}/s, one worker: "
            f"lag p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
            f"missing {result['missing']}"
        )


if __name__ == "__main__":
    main()
