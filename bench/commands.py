"""Quiz commands through the real services vs the talk's CRUD strawman, in one run.

8 students (processes) practise at once. Each command of the event-sourced path is a real service
call (read the stream, fold, decide, append with the expected version, build the student's view).
The strawman is the talk's quiz row {user, question, answer-state, question-number}: every command
is ONE UPDATE of that row (answers are checked in memory, so it does strictly less work).

Both run the same loop: answer (70% right), then the next question, or a new quiz after passing.
Prints commands/s, p50/p99 latency, the ratio (target >= 0.5), the CPU per command of each side
(the worker process and its database backend, read from /proc when the database runs on this
machine) and the time to load a 200-event quiz as the services do (read_stream without metadata
+ fold; target < 5 ms).

    DATABASE_URL=postgres://root@127.0.0.1:5432/studyflow_bench_commands \
        .venv/bin/python -m bench.commands [--seconds 5] [--rounds 3] [--one-process N]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.cpu import CpuClock, django_backend_pid
from bench.django_env import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/studyflow_bench_commands")
# Production-like: a Redis broker (its nudges go through the per-process outbox), not the
# embedded filesystem broker, whose on-commit publishing writes files.
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")
os.environ.setdefault("FAST_PASSWORD_HASHING", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

STUDENTS = 8
QUESTIONS = 20
RIGHT = 0.7
CRUD_TABLE = "bench_crud_quiz"


def ensure_database() -> None:
    """Create the bench database when missing, then migrate it."""
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    params = {
        k: v
        for k, v in {
            "host": settings.DATABASES["default"].get("HOST"),
            "port": settings.DATABASES["default"].get("PORT"),
            "user": settings.DATABASES["default"].get("USER"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_content() -> tuple[int, list[int], dict[int, str]]:
    """A fresh chapter of open questions and a class of students: (chapter, users, answers)."""
    from django.contrib.auth.models import Group, User

    from quiz import content
    from quiz.models import Chapter, Course
    from studyflow.models import Classroom, School

    tag = uuid.uuid4().hex[:8]
    course = Course.objects.create(title=f"Bench {tag}")
    chapter = Chapter.objects.create(course=course, title="Sums", streak_goal=3)
    answers = {}
    for n in range(1, QUESTIONS + 1):
        question = content.create_question(
            chapter=chapter,
            kind="open",
            text=f"What is {n} + {n}?",
            choices=None,
            accepted_answers=[str(2 * n)],
            worked_answer=f"{n} + {n} = {2 * n}",
        )
        answers[question.pk] = str(2 * n)
    students, _ = Group.objects.get_or_create(name="students")
    classroom = Classroom.objects.create(
        school=School.objects.create(name=f"Bench school {tag}"), name="B1"
    )
    users = []
    for i in range(STUDENTS):
        user = User.objects.create_user(username=f"bench-{tag}-{i}", password="x")
        user.groups.add(students)
        classroom.students.add(user)
        users.append(user.pk)
    return chapter.pk, users, answers


def student_dice(index: int) -> random.Random:
    """The n-th student's right-or-wrong answers and question picks: the same in every run (the
    users and questions are new each run; their order is not), so runs and instruction counts
    compare like with like."""
    return random.Random(f"student-{index}")


# --- the two workers ------------------------------------------------------------------------------


def es_worker(
    user_id: int,
    index: int,
    chapter_id: int,
    answers: dict[int, str],
    seconds: float,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    setup_django()
    from django.contrib.auth.models import User

    from quiz import services

    rng = student_dice(index)
    actor = User.objects.get(pk=user_id)
    latencies: list[float] = []

    def timed(call: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        result = call(actor=actor, command_id=uuid.uuid4(), **kwargs)
        latencies.append(time.perf_counter() - began)
        return result

    view = timed(services.start_quiz, chapter_id=chapter_id, pick=rng.choice).quiz
    latencies.clear()
    ready.put(user_id)
    go.wait()
    clock = CpuClock(django_backend_pid())
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        view = practise(view, chapter_id, answers, rng, timed)
    results.put((latencies, clock.elapsed()))


def practise(
    view: Any, chapter_id: int, answers: dict[int, str], rng: random.Random, run: Any
) -> Any:
    """Two commands of the loop: answer (right RIGHT of the time), then the next question, or a
    new quiz after passing. `run(service, **kwargs)` calls a service as the student."""
    from quiz import services

    text = answers[view.question.id] if rng.random() < RIGHT else "wrong"
    view = run(services.answer_question, quiz_id=view.id, answer=text).quiz
    if view.status == "passed":
        return run(services.start_quiz, chapter_id=chapter_id, pick=rng.choice).quiz
    return run(services.next_question, quiz_id=view.id, pick=rng.choice).quiz


def crud_worker(
    user_id: int,
    index: int,
    chapter_id: int,
    answers: dict[int, str],
    seconds: float,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    setup_django()
    from django.db import connection

    rng = student_dice(index)
    ids = sorted(answers)
    latencies: list[float] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CRUD_TABLE} (student_id, chapter_id, question_id, question_number,"
            " answer_state, streak) VALUES (%s, %s, %s, 1, NULL, 0) RETURNING id",
            [user_id, chapter_id, ids[0]],
        )
        (row_id,) = cursor.fetchone()
    state = {"question": ids[0], "number": 1, "streak": 0}

    def update(sql: str, params: list[Any]) -> None:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        latencies.append(time.perf_counter() - began)

    ready.put(user_id)
    go.wait()
    clock = CpuClock(django_backend_pid())
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        text = answers[state["question"]] if rng.random() < RIGHT else "wrong"
        correct = text == answers[state["question"]]
        state["streak"] = state["streak"] + 1 if correct else 0
        update(
            f"UPDATE {CRUD_TABLE} SET answer_state = %s, streak = %s, updated_at = now()"
            " WHERE id = %s",
            ["correct" if correct else "incorrect", state["streak"], row_id],
        )
        state["question"] = rng.choice([i for i in ids if i != state["question"]])
        if state["streak"] >= 3:  # passed: a new quiz is the same row started over
            state.update(number=1, streak=0)
        else:
            state["number"] += 1
        update(
            f"UPDATE {CRUD_TABLE} SET question_id = %s, question_number = %s,"
            " answer_state = NULL, streak = %s, updated_at = now() WHERE id = %s",
            [state["question"], state["number"], state["streak"], row_id],
        )
    results.put((latencies, clock.elapsed()))


def run_phase(
    worker: Any, chapter_id: int, users: list[int], answers: dict[int, str], seconds: float
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")  # fresh interpreters: no shared database connections
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    processes = [
        ctx.Process(target=worker, args=(u, i, chapter_id, answers, seconds, ready, go, results))
        for i, u in enumerate(users)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    began = time.perf_counter()
    go.set()
    reports = [results.get(timeout=seconds + 120) for _ in processes]
    wall = time.perf_counter() - began
    for process in processes:
        process.join()
    servers = [server for _, (_, server) in reports]
    return {
        "wall": wall,
        "latencies": [lat for latencies, _ in reports for lat in latencies],
        "client_cpu": sum(client for _, (client, _) in reports),
        "server_cpu": None if None in servers else sum(s for s in servers if s is not None),
    }


def combine(phases: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = sorted(lat for phase in phases for lat in phase["latencies"])
    wall = sum(phase["wall"] for phase in phases)
    servers = [phase["server_cpu"] for phase in phases]
    return {
        "client_us": 1e6 * sum(phase["client_cpu"] for phase in phases) / len(latencies),
        "server_us": None if None in servers else 1e6 * sum(servers) / len(latencies),
        "commands": len(latencies),
        "per_second": len(latencies) / wall,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def one_process(chapter_id: int, user_id: int, answers: dict[int, str], commands: int) -> None:
    """The event-sourced loop in this process alone: its CPU per command, without the noise of
    8 processes on 2 cores. Under valgrind the difference between two counts is deterministic
    (see bench/README.md, "Instructions per command")."""
    from django.contrib.auth.models import User

    from quiz import services

    rng = student_dice(0)
    actor = User.objects.get(pk=user_id)

    def run(call: Any, **kwargs: Any) -> Any:
        return call(actor=actor, command_id=uuid.uuid4(), **kwargs)

    view = run(services.start_quiz, chapter_id=chapter_id, pick=rng.choice).quiz
    done = 0
    began, cpu = time.perf_counter(), time.process_time()
    while done < commands:
        view = practise(view, chapter_id, answers, rng, run)
        done += 2
    cpu, wall = time.process_time() - cpu, time.perf_counter() - began
    print(
        f"{done} commands in one process: {1e6 * cpu / done:.0f} us CPU and"
        f" {1e6 * wall / done:.0f} us wall per command"
    )


def load_time(chapter_id: int, user_id: int) -> tuple[int, float, float]:
    """Build a quiz of >= 200 events through the services; time read_stream + fold."""
    from django.contrib.auth.models import User

    from events import store
    from quiz import services
    from quiz.domain import fold

    actor = User.objects.get(pk=user_id)
    view = services.start_quiz(actor=actor, chapter_id=chapter_id, command_id=uuid.uuid4()).quiz
    while view.version < 200:
        if view.status == "question_open":
            view = services.answer_question(
                actor=actor, quiz_id=view.id, answer="wrong", command_id=uuid.uuid4()
            ).quiz
        else:
            view = services.next_question(
                actor=actor, quiz_id=view.id, command_id=uuid.uuid4()
            ).quiz
    stream = services.stream_id(view.id)
    timings = []
    for _ in range(200):
        began = time.perf_counter()
        state = fold(store.read_stream(stream, metadata=False))  # as the services load a quiz
        timings.append(time.perf_counter() - began)
    assert state.version == view.version
    timings.sort()
    return (
        state.version,
        1000 * statistics.median(timings),
        1000 * timings[int(len(timings) * 0.99)],
    )


def cpu_line(side: dict[str, Any]) -> str:
    if side["server_us"] is None:
        return f"{side['client_us']:.0f} us client (the database's CPU is not readable here)"
    return (
        f"{side['client_us']:.0f} us client + {side['server_us']:.0f} us database"
        f" = {side['client_us'] + side['server_us']:.0f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side, alternating")
    parser.add_argument(
        "--one-process",
        type=int,
        metavar="N",
        help="only run N event-sourced commands in this process and print their CPU per command",
    )
    args = parser.parse_args()
    setup_django()
    ensure_database()
    from django.db import connection

    if args.one_process is not None:
        chapter_id, users, answers = make_content()
        one_process(chapter_id, users[0], answers, args.one_process)
        return

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {CRUD_TABLE} (id serial PRIMARY KEY, student_id int,"
            " chapter_id int, question_id int, question_number int, answer_state text,"
            " streak int, updated_at timestamptz DEFAULT now())"
        )
    chapter_id, users, answers = make_content()
    connection.close()
    print(
        f"{STUDENTS} concurrent students, {args.rounds} alternating rounds of {args.seconds:g} s"
        f" per side, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before"
    )
    # Alternate short rounds so both sides meet the same background load on a shared machine.
    rounds: dict[str, list[dict[str, float]]] = {"es": [], "crud": []}
    for _ in range(args.rounds):
        rounds["es"].append(run_phase(es_worker, chapter_id, users, answers, args.seconds))
        rounds["crud"].append(run_phase(crud_worker, chapter_id, users, answers, args.seconds))
    es, crud = combine(rounds["es"]), combine(rounds["crud"])
    print(f"{'':<22}{'commands':>10}{'commands/s':>12}{'p50 ms':>9}{'p99 ms':>9}")
    for name, r in (("event-sourced service", es), ("CRUD strawman UPDATE", crud)):
        print(
            f"{name:<22}{r['commands']:>10}{r['per_second']:>12.0f}"
            f"{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
        )
    ratio = es["per_second"] / crud["per_second"]
    verdict = "OK" if ratio >= 0.5 else "MISS"
    print(f"ratio event-sourced / CRUD: {ratio:.2f} (target >= 0.5) {verdict}")
    print("CPU per command under this load (worker process + its database backend):")
    for name, side in (("event-sourced", es), ("CRUD", crud)):
        print(f"  {name:<22}{cpu_line(side)}")
    fresh_chapter, fresh_users, _ = make_content()  # a fresh student and quiz
    with connection.cursor() as cursor:
        # As autovacuum would after the rounds' inserts (it is off on some machines). Without any
        # statistics the planner guessed thousands of rows per stream and read a 200-event quiz
        # with two parallel workers: 7 ms instead of 1.6.
        cursor.execute("ANALYZE events_event")
    events, median, p99 = load_time(fresh_chapter, fresh_users[0])
    print(
        f"load a {events}-event quiz (read_stream + fold): median {median:.2f} ms, "
        f"p99 {p99:.2f} ms (target < 5 ms) {'OK' if median < 5 else 'MISS'}"
    )


if __name__ == "__main__":
    main()
