"""Reporting benchmark: rebuild of every reporting projection over a million events, and server
time of the teacher pages with that history in the database.

    .venv/bin/python -m bench.reporting [--events 1000000] [--requests 200] [--skip-rebuild]
        [--processes 1|2] [--batch 20000]

DATABASE_URL defaults to postgres://root@127.0.0.1:5432/studyflow_bench_rep. Builds once (later
runs reuse it): a school of 3,000 students in 100 classes of 30, one course of 10 chapters with 12
questions each, and a year of quiz history (realistic quizzes: assignments, right and wrong answers,
reveals, stuck/unstuck, passes) appended through the real event store, many quiz streams per
transaction. Then:

1. Rebuilds all reporting projections (answers, progress, question_stats, wrong_answers,
   class_activity) with the operator's command, `manage.py projections rebuild
   answers,class_activity progress,question_stats,wrong_answers` (two groups side by side, each
   reading the log once; `--processes 1`: one group of all five), and reports log events per
   second of wall time and the largest process's peak RSS. Targets: >= 25,000 events/s, < 300 MB.
2. Times, in-process with Django's test client (server time: routing, middleware, view, queries,
   template; no network), the class progress grid of a 30-student class (30 x 10), a student's
   page and the question table of a chapter. Target: p50 < 50 ms each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.django_env import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/studyflow_bench_rep")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")
os.environ.setdefault("FAST_PASSWORD_HASHING", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PROJECTIONS = ("answers", "progress", "question_stats", "wrong_answers", "class_activity")
STUDENTS, CLASS_SIZE, CHAPTERS, QUESTIONS = 3000, 30, 10, 12
QUIZZES_PER_TRANSACTION = 200
REBUILD_BATCH = 20_000
# Projection groups per rebuild process, by process count (each process reads the log once).
SPLITS = {
    1: [list(PROJECTIONS)],
    2: [["answers", "class_activity"], ["progress", "question_stats", "wrong_answers"]],
}
EVENTS_PER_SECOND_TARGET, RSS_LIMIT_MB, P50_LIMIT_MS = 25_000, 300, 50.0


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def event_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        return int(cursor.fetchone()[0])


# --- the school ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class School:
    students: list[int]
    class_of: dict[int, int]
    chapters: list[int]
    questions: dict[int, list[int]]  # chapter -> question ids
    course: int
    teacher: Any
    classroom: int


def build_school() -> School:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from quiz.content import create_question
    from quiz.models import Chapter, Course, Question
    from studyflow.models import Classroom
    from studyflow.models import School as SchoolModel

    users = get_user_model()
    students_group, _ = Group.objects.get_or_create(name="students")
    teachers_group, _ = Group.objects.get_or_create(name="teachers")
    school, _ = SchoolModel.objects.get_or_create(name="Bench School")
    course, _ = Course.objects.get_or_create(title="Bench maths", defaults={"order": 1})
    chapters = []
    for n in range(1, CHAPTERS + 1):
        chapter, created = Chapter.objects.get_or_create(
            course=course, title=f"Chapter {n}", defaults={"order": n}
        )
        if created:
            for q in range(1, QUESTIONS + 1):
                create_question(
                    chapter=chapter,
                    kind="open",
                    text=f"Chapter {n}, question {q}: what is {q} + {n}?",
                    choices=None,
                    accepted_answers=[str(q + n)],
                    worked_answer=f"{q} + {n} = {q + n}",
                    order=q,
                )
        chapters.append(chapter)
    names = [f"rep-{i:05d}" for i in range(STUDENTS)]
    existing = set(users.objects.filter(username__in=names).values_list("username", flat=True))
    users.objects.bulk_create(
        [
            users(username=n, first_name=n.replace("rep-", "Pupil "))
            for n in names
            if n not in existing
        ],
        batch_size=1000,
    )
    students = list(users.objects.filter(username__in=names).order_by("pk"))
    students_group.user_set.add(*students)
    teacher, created = users.objects.get_or_create(username="rep-teacher")
    if created:
        teacher.set_password("teacher")
        teacher.save()
        teacher.groups.add(teachers_group)
    class_of: dict[int, int] = {}
    first_class = None
    for k in range(0, len(students), CLASS_SIZE):
        classroom, made = Classroom.objects.get_or_create(
            school=school, name=f"R{k // CLASS_SIZE:03d}"
        )
        if made:
            classroom.students.add(*students[k : k + CLASS_SIZE])
        if first_class is None:
            first_class = classroom
            classroom.teachers.add(teacher)
        for student in students[k : k + CLASS_SIZE]:
            class_of[student.pk] = classroom.pk
    assert first_class is not None
    questions = {
        c.pk: list(
            Question.objects.filter(chapter=c).order_by("order").values_list("pk", flat=True)
        )
        for c in chapters
    }
    return School(
        [s.pk for s in students],
        class_of,
        [c.pk for c in chapters],
        questions,
        course.pk,
        teacher,
        first_class.pk,
    )


# --- history ------------------------------------------------------------------------------------


WRONG = ["1/2", " 0,5", "X", "12", "twelve", "7", "-3", "0"]


def quiz_events(rng: random.Random, school: School, student: int, at: datetime) -> Iterator[Any]:
    """One quiz of a student: (NewEvent, recorded_at) pairs, a few seconds to minutes apart."""
    from events.store import NewEvent

    chapter = rng.choice(school.chapters)
    quiz_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    common = {
        "quiz_id": quiz_id,
        "student_id": student,
        "chapter_id": chapter,
        "classroom_id": school.class_of.get(student),
    }
    skill = rng.uniform(0.3, 0.9)

    def event(kind: str, **data: Any) -> Any:
        return NewEvent(type=kind, data={**common, **data})

    yield event("quiz.QuizStarted", course_id=school.course, streak_goal=3), at
    streak = misses = 0
    stuck = False
    for number in range(1, 25):
        question = rng.choice(school.questions[chapter])
        at += timedelta(seconds=rng.randint(1, 5))
        yield (
            event(
                "quiz.QuestionAssigned", question_id=question, question_revision=1, number=number
            ),
            at,
        )
        seconds = round(rng.uniform(3, 140), 1)
        at += timedelta(seconds=seconds)
        common_answer = {"question_id": question, "question_revision": 1}
        if rng.random() < skill:
            streak += 1
            misses = 0
            yield (
                event(
                    "quiz.QuestionAnsweredCorrectly",
                    **common_answer,
                    answer=str(question % 17),
                    streak=streak,
                    seconds_to_answer=seconds,
                ),
                at,
            )
            if stuck:
                stuck = False
                yield event("quiz.StudentGotUnstuck"), at
            if streak >= 3:
                yield (
                    event(
                        "quiz.QuizPassed", questions_answered=number, mistakes=number - 3, seconds=0
                    ),
                    at,
                )
                return
        else:
            streak = 0
            misses += 1
            if rng.random() < 0.8:
                yield (
                    event(
                        "quiz.QuestionAnsweredIncorrectly",
                        **common_answer,
                        answer=rng.choice(WRONG),
                        seconds_to_answer=seconds,
                    ),
                    at,
                )
            else:
                yield event("quiz.AnswerRevealed", **common_answer, seconds_to_answer=seconds), at
            if misses >= 3 and not stuck:
                stuck = True
                yield event("quiz.StudentGotStuck"), at


def generate_until(school: School, target: int) -> None:
    """Append quizzes (one stream each, many per transaction) until the log holds `target`."""
    from django.db import transaction

    from events import store
    from events.signals import events_committed

    have = event_count()
    if have >= target:
        print(f"log holds {have:,} events; no generation needed")
        return
    receivers = events_committed.receivers
    events_committed.receivers = []  # no nudges: no worker runs, the rebuild reads it all
    rng = random.Random(have + 5)
    start = datetime(2025, 9, 1, 7, 0, tzinfo=UTC) + timedelta(seconds=have)
    spacing = timedelta(days=365) * 16 / max(target, 1)  # spread the log over about a year
    started = time.monotonic()
    at = start
    try:
        while have < target:
            with transaction.atomic():
                for _ in range(QUIZZES_PER_TRANSACTION):
                    at += spacing * rng.uniform(0.5, 1.5)
                    student = rng.choice(school.students)
                    pairs = list(quiz_events(rng, school, student, at))
                    # One append per quiz (as a bulk import would): its events share the quiz's
                    # start time. Throughput and query shapes do not depend on the gaps.
                    events = [event for event, _ in pairs]
                    store.append(
                        f"quiz-{events[0].data['quiz_id']}", events, store.NO_STREAM, recorded_at=at
                    )
                    have += len(pairs)
            rate = have / max(time.monotonic() - started, 1e-9)
            print(f"\r  {have:,} events ({rate:,.0f}/s)", end="", file=sys.stderr)
        print(file=sys.stderr)
    finally:
        events_committed.receivers = receivers
        events_committed.sender_receivers_cache.clear()


def analyze(*, vacuum: bool = False) -> None:
    """Fresh planner statistics, as autovacuum would have after a bulk load: without them the
    commit-order read of the log degrades to a sort of everything after the cursor, per page.
    `vacuum` also sets the visibility map of the freshly rebuilt read models (autovacuum does so
    after bulk inserts), which lets the item analysis read its covering index alone."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


# --- 1. rebuild ---------------------------------------------------------------------------------


def rebuild(split: list[list[str]], batch_size: int) -> dict[str, Any]:
    """Rebuild as an operator does: `manage.py projections rebuild` with one comma-joined group per
    process (the groups run side by side, each reading the log once). Wall time of the command;
    peak RSS = the largest process of it (RUSAGE_CHILDREN covers the forked grandchildren)."""
    total = event_count()
    command = [sys.executable, "manage.py", "projections", "rebuild", "--no-progress"]
    command += [",".join(group) for group in split] + ["--batch-size", str(batch_size)]
    started = time.monotonic()
    output = subprocess.run(
        command, cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True
    ).stdout
    seconds = time.monotonic() - started
    return {
        "command": " ".join(command[1:]),
        "events_in_log": total,
        "seconds": round(seconds, 2),
        "events_per_second": round(total / seconds),
        "batch_size": batch_size,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "output": output.strip().splitlines(),
    }


# --- 2. page server time ------------------------------------------------------------------------


def time_pages(school: School, requests: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    from reporting.models import Answer

    client = Client()
    client.force_login(school.teacher)
    busiest = (
        Answer.objects.filter(classroom_id=school.classroom)
        .values_list("student_id", flat=True)
        .order_by("student_id")
    )
    counts: dict[int, int] = {}
    for student in busiest:
        counts[student] = counts.get(student, 0) + 1
    student = max(counts, key=lambda s: counts[s]) if counts else school.students[0]
    pages = {
        "class progress grid (30 x 10)": f"/teacher/classes/{school.classroom}/",
        f"student page ({counts.get(student, 0)} answers, newest 200 shown)": (
            f"/teacher/students/{student}/"
        ),
        "question table (chapter, all students)": (
            f"/teacher/chapters/{school.chapters[0]}/questions/"
        ),
        "question table (chapter, one class)": (
            f"/teacher/chapters/{school.chapters[0]}/questions/?class={school.classroom}"
        ),
        "grid API": f"/api/reports/classes/{school.classroom}/progress/",
        "question API": f"/api/reports/questions/?chapter={school.chapters[0]}",
    }
    results = {}
    for label, url in pages.items():
        for _ in range(5):  # warm up connections and caches
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(requests):
            began = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        samples.sort()
        results[label] = {
            "p50_ms": round(statistics.median(samples), 1),
            "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 1),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--generate-only", action="store_true", help="build the history, stop")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="1: all projections in one process; 2: two processes side by side (default)",
    )
    parser.add_argument("--batch", type=int, default=REBUILD_BATCH, help="events per batch")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    school = build_school()
    generate_until(school, args.events)
    analyze()
    if args.generate_only:
        return 0
    ok = True
    if not args.skip_rebuild:
        split = SPLITS[min(args.processes, max(SPLITS))]
        result = rebuild(split, args.batch)
        print(json.dumps(result, indent=2))
        ok &= result["events_per_second"] >= EVENTS_PER_SECOND_TARGET
        ok &= result["peak_rss_mb"] < RSS_LIMIT_MB
    analyze(vacuum=True)
    pages = time_pages(school, args.requests)
    for label, figures in pages.items():
        print(f"{label:55} p50 {figures['p50_ms']:6.1f} ms   p99 {figures['p99_ms']:6.1f} ms")
        ok &= figures["p50_ms"] < P50_LIMIT_MS
    print("OK" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
