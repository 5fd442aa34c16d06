"""Server time of the student dashboard and quiz page with a million events in the database.

    .venv/bin/python -m bench.pages   # DATABASE_URL defaults to .../studyflow_bench_pages

Builds (once; later runs reuse it) a database of ~1M quiz events: many students practising for a
year, one of them (`bench-pupil`) with a year of daily history and an open quiz deep into its
questions. The events go in with batch appends (many quiz streams per transaction, through the real
event store), then the `progress` projection catches up (the read model the dashboard reads).
It then times GET /dashboard/ and GET /quizzes/<open quiz>/ for that student in-process with
Django's test client (server time: URL routing, middleware, views, queries, templates; no network)
and checks p50 < 30 ms and p99 < 100 ms.

Options: --events N (default 1_000_000), --requests N per page (default 500), --rebuild,
--projections NAME... (default: progress, the read model the dashboard reads).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.django_env import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/studyflow_bench_pages")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")
os.environ.setdefault("FAST_PASSWORD_HASHING", "1")

BENCH_STUDENT = "bench-pupil"
COURSES = 2
CHAPTERS_PER_COURSE = 8
QUESTIONS_PER_CHAPTER = 12
STUDENTS = 1500
QUIZZES_PER_APPEND_BATCH = 200  # quiz streams appended per transaction
P50_LIMIT_MS, P99_LIMIT_MS = 30.0, 100.0


def ensure_database() -> None:
    """Create the benchmark database if it is missing (PostgreSQL only)."""
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    server = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- content and roster -----------------------------------------------------------------------


def build_content() -> list[Any]:
    from quiz.content import create_question
    from quiz.models import Chapter, Course

    chapters = []
    for c in range(1, COURSES + 1):
        course, _ = Course.objects.get_or_create(title=f"Bench course {c}", defaults={"order": c})
        for n in range(1, CHAPTERS_PER_COURSE + 1):
            chapter, created = Chapter.objects.get_or_create(
                course=course, title=f"Chapter {c}.{n}", defaults={"order": n, "streak_goal": 3}
            )
            if created:
                for q in range(1, QUESTIONS_PER_CHAPTER + 1):
                    create_question(
                        chapter=chapter,
                        kind="open" if q % 3 else "choice",
                        text=f"Question {q} of chapter {c}.{n}: what is {q} + {n}?",
                        choices=None
                        if q % 3
                        else [{"key": "A", "text": str(q + n)}, {"key": "B", "text": str(q)}],
                        accepted_answers=[str(q + n)] if q % 3 else ["A"],
                        worked_answer=f"{q} + {n} = {q + n}",
                    )
            chapters.append(chapter)
    return chapters


def build_students() -> list[Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from studyflow.models import Classroom, School

    users = get_user_model()
    group, _ = Group.objects.get_or_create(name="students")
    school, _ = School.objects.get_or_create(name="Bench School")
    existing = set(
        users.objects.filter(username__startswith="bench-").values_list("username", flat=True)
    )
    names = [BENCH_STUDENT] + [f"bench-{i:05d}" for i in range(1, STUDENTS)]
    new = [users(username=n) for n in names if n not in existing]
    for user in new:
        user.set_password("student")
    users.objects.bulk_create(new, batch_size=1000)
    students = list(users.objects.filter(username__in=names).order_by("pk"))
    group.user_set.add(*students)
    for k in range(0, len(students), 30):
        classroom, _ = Classroom.objects.get_or_create(school=school, name=f"B{k // 30:03d}")
        classroom.students.add(*students[k : k + 30])
    return students


# --- event history ---------------------------------------------------------------------------


def quiz_history(
    rng: random.Random,
    *,
    student_id: int,
    classroom_id: int | None,
    chapter: Any,
    question_ids: list[int],
    finish: bool,
    max_questions: int = 40,
) -> list[tuple[str, dict[str, Any]]]:
    """One quiz as (type, data) pairs: wrong, right and revealed answers until it passes."""
    quiz_id = str(uuid.uuid4())
    common = {
        "quiz_id": quiz_id,
        "student_id": student_id,
        "chapter_id": chapter.pk,
        "classroom_id": classroom_id,
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("quiz.QuizStarted", {**common, "course_id": chapter.course_id, "streak_goal": 3})
    ]
    streak = misses = mistakes = answered = seconds = 0
    stuck = False
    skill = rng.uniform(0.45, 0.9)
    previous = -1
    for number in range(1, max_questions + 1):
        question = rng.choice([q for q in question_ids if q != previous])
        previous = question
        ref = {"question_id": question, "question_revision": 1}
        events.append(("quiz.QuestionAssigned", {**common, **ref, "number": number}))
        took = rng.randint(5, 90)
        seconds += took
        if not finish and number == max_questions:
            break  # leave the last question open
        roll = rng.random()
        if roll < skill:
            streak += 1
            answered += 1
            events.append(
                (
                    "quiz.QuestionAnsweredCorrectly",
                    {**common, **ref, "answer": "ok", "streak": streak, "seconds_to_answer": took},
                )
            )
            misses = 0
            if stuck:
                stuck = False
                events.append(("quiz.StudentGotUnstuck", dict(common)))
            if streak == 3:
                events.append(
                    (
                        "quiz.QuizPassed",
                        {
                            **common,
                            "questions_answered": answered,
                            "mistakes": mistakes,
                            "seconds": seconds,
                        },
                    )
                )
                return events
        else:
            streak = 0
            mistakes += 1
            misses += 1
            if roll < skill + (1 - skill) * 0.8:
                answered += 1
                wrong = {"answer": str(rng.randint(0, 30)), "seconds_to_answer": took}
                events.append(("quiz.QuestionAnsweredIncorrectly", {**common, **ref, **wrong}))
            else:
                events.append(("quiz.AnswerRevealed", {**common, **ref, "seconds_to_answer": took}))
            if misses >= 3 and not stuck:
                stuck = True
                events.append(("quiz.StudentGotStuck", dict(common)))
    return events


def generate(total_events: int) -> None:
    from django.db import transaction

    from events.models import Event
    from events.signals import events_committed
    from events.store import NO_STREAM, NewEvent, append
    from quiz.models import Question
    from studyflow.roles import classroom_of

    chapters = build_content()
    students = build_students()
    pool = {
        ch.pk: list(Question.objects.filter(chapter=ch).values_list("pk", flat=True))
        for ch in chapters
    }
    classrooms = {s.pk: getattr(classroom_of(s), "pk", None) for s in students}
    rng = random.Random(7)
    now = datetime.now(UTC)
    year_ago = now - timedelta(days=365)
    # The generator runs the projections itself afterwards: no per-commit nudges to the broker.
    events_committed.receivers = []

    def quizzes() -> Iterator[tuple[datetime, Any, list[tuple[str, dict[str, Any]]]]]:
        # The benchmarked student: a quiz a day for a year, then an open quiz deep into questions.
        bench = students[0]
        for day in range(365):
            chapter = chapters[day % len(chapters)]
            at = year_ago + timedelta(days=day, hours=rng.randint(8, 16))
            yield at, bench, quiz_history(
                rng, student_id=bench.pk, classroom_id=classrooms[bench.pk], chapter=chapter,
                question_ids=pool[chapter.pk], finish=True,
            )  # fmt: skip
        open_chapter = chapters[1]
        yield now - timedelta(minutes=5), bench, quiz_history(
            rng, student_id=bench.pk, classroom_id=classrooms[bench.pk], chapter=open_chapter,
            question_ids=pool[open_chapter.pk], finish=False, max_questions=30,
        )  # fmt: skip
        while True:
            student = rng.choice(students[1:])
            chapter = rng.choice(chapters)
            at = year_ago + timedelta(seconds=rng.randint(0, 365 * 86400))
            yield at, student, quiz_history(
                rng, student_id=student.pk, classroom_id=classrooms[student.pk], chapter=chapter,
                question_ids=pool[chapter.pk], finish=rng.random() < 0.9,
            )  # fmt: skip

    written = Event.objects.count()
    started = time.perf_counter()
    source = quizzes()
    while written < total_events:
        with transaction.atomic():
            for _ in range(QUIZZES_PER_APPEND_BATCH):
                at, student, history = next(source)
                meta = {
                    "command_id": str(uuid.uuid4()),
                    "correlation_id": str(uuid.uuid4()),
                    "causation_id": None,
                    "actor_id": student.pk,
                }
                stream = f"quiz-{history[0][1]['quiz_id']}"
                append(
                    stream,
                    [NewEvent(t, d, metadata=meta) for t, d in history],
                    NO_STREAM,
                    recorded_at=at,
                )
                written += len(history)
        rate = written / (time.perf_counter() - started)
        print(f"\r  {written:,} events ({rate:,.0f}/s)", end="", flush=True)
    print()


# --- measurement -----------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_page(client: Any, url: str, requests: int) -> dict[str, float]:
    for _ in range(20):  # warm up: connections, template cache
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "p50": statistics.median(samples),
        "p90": percentile(samples, 90),
        "p99": percentile(samples, 99),
        "max": max(samples),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--projections", nargs="*", default=["progress"], help="to catch up")
    args = parser.parse_args()

    if args.rebuild:
        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "root", "--if-exists", name], check=True)
    ensure_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from events.models import Event
    from quiz import selectors

    if Event.objects.count() < args.events:
        print(f"Generating {args.events:,} events with batch appends...")
        generate(args.events)
    # Only the read model these pages use: the reporting projections have their own benchmarks.
    print(f"Catching up the projections: {', '.join(args.projections)}...")
    started = time.perf_counter()
    call_command("projections", "catch-up", *args.projections)
    print(f"  done in {time.perf_counter() - started:.1f} s")

    total = Event.objects.count()
    student = get_user_model().objects.get(username=BENCH_STUDENT)
    history = Event.objects.filter(metadata__actor_id=student.pk).count()
    quizzes = selectors.quiz_page(student, limit=10_000).quizzes
    open_quiz = next(q for q in quizzes if q.status != "passed")
    quiz_events = len(selectors.quiz_events(student, open_quiz.id))
    client = Client()
    client.force_login(student)
    # The dashboard reads the student's last few quizzes as they are now (kept in the session when
    # a quiz page opens): open three, the open quiz last, so every dashboard below reads three.
    for quiz in [*selectors.quiz_page(student, limit=2).quizzes, open_quiz]:
        client.get(f"/quizzes/{quiz.id}/")
    results = {
        "dashboard": time_page(client, "/dashboard/", args.requests),
        "quiz page": time_page(client, f"/quizzes/{open_quiz.id}/", args.requests),
    }
    print(
        f"\n{total:,} events in the database; the student has {history:,} events over a year; "
        f"the open quiz has {quiz_events} events. {args.requests} requests per page.\n"
    )
    print(f"{'page':<10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    ok = True
    for page, r in results.items():
        print(f"{page:<10} {r['p50']:8.1f} {r['p90']:8.1f} {r['p99']:8.1f} {r['max']:8.1f}")
        ok = ok and r["p50"] < P50_LIMIT_MS and r["p99"] < P99_LIMIT_MS
    verdict = "PASS" if ok else "FAIL"
    print(f"\ntarget p50 < {P50_LIMIT_MS:.0f} ms, p99 < {P99_LIMIT_MS:.0f} ms: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
