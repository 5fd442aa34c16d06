"""Staff pages benchmark: server time of the pages an operator or staff member opens on a site of a
school group's size, the admin's lists and forms, the staff's view of the teacher pages and the
staff's API reads.

    .venv/bin/python -m bench.staff_pages [--requests 20] [--only WORD]

Runs against a database `bench.reporting` built (1M events, 3,000 students in 100 classes, 10
chapters x 12 questions, the reporting read models): make a copy and point DATABASE_URL at it,
since this script adds a superuser, `bench-staff`:

    createdb -T studyflow_bench_rep studyflow_bench_staff
    DATABASE_URL=postgres://root@127.0.0.1:5432/studyflow_bench_staff .venv/bin/python -m ...

Each page is requested in-process with Django's test client (server time: routing, middleware,
view, queries, template; no network), twice to warm up, then `--requests` times, or fewer when a
page takes longer than a few seconds in all. Prints the median and the slowest of each, and the
number of queries of one request. Target: every page's median under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.django_env import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/studyflow_bench_staff")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyflow.settings")
os.environ.setdefault("FAST_PASSWORD_HASHING", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

LIMIT_MS = 300.0
BUDGET_SECONDS = 6.0  # per page, after the warm-up: a slow page is timed fewer times


def staff_user() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def this_year() -> str:
    """The date filter's "This year", as its link says it (local midnight, with its offset)."""
    from urllib.parse import urlencode

    from django.utils import timezone

    now = timezone.localtime()
    start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1)
    return urlencode({"recorded_at__gte": str(start), "recorded_at__lt": str(end)})


def pages() -> dict[str, str]:
    """The pages, with real ids from the database (the bench's school)."""
    from django.contrib.auth import get_user_model

    from events.models import Event, ProjectionCheckpoint
    from quiz.models import Chapter, Question
    from studyflow.models import Classroom, School

    student = get_user_model().objects.filter(username__startswith="rep-0").order_by("pk").first()
    assert student is not None, "no bench school here: run bench.reporting first"
    classroom = Classroom.objects.order_by("pk").first()
    school = School.objects.order_by("pk").first()
    question = Question.objects.order_by("pk").first()
    chapter = Chapter.objects.order_by("pk").first()
    assert classroom and school and question and chapter
    middle = Event.objects.order_by("-position").values_list("position", flat=True).first() or 0
    event = Event.objects.filter(position__lte=middle // 2).order_by("-position").first()
    assert event is not None
    quiz_id = event.data.get("quiz_id", "")
    checkpoint = ProjectionCheckpoint.objects.order_by("pk").first()
    found: dict[str, str] = {
        "admin index": "/admin/",
        "events: list (newest first)": "/admin/events/event/",
        "events: list, page 2": "/admin/events/event/?p=2",
        "events: list, by type": "/admin/events/event/?type=quiz.QuizPassed",
        "events: list, by rare type": "/admin/events/event/?type=quiz.StudentGotUnstuck",
        # A typo in the address: a type no app appends and no event has.
        "events: list, by a type no event has": "/admin/events/event/?type=quiz.Nothing",
        "events: list, page 100": "/admin/events/event/?p=100",
        "events: list, page 1000": "/admin/events/event/?p=1000",
        "events: list, page 10000 (the oldest)": "/admin/events/event/?p=10000",
        "events: list, this year (date filter)": f"/admin/events/event/?{this_year()}",
        "events: list, a year long ago (date hierarchy)": (
            "/admin/events/event/?recorded_at__year=2025"
        ),
        "events: list, a month (date hierarchy)": (
            "/admin/events/event/?recorded_at__month=3&recorded_at__year=2026"
        ),
        "events: list, a month long ago (date hierarchy)": (
            "/admin/events/event/?recorded_at__month=10&recorded_at__year=2025"
        ),
        "events: list, a day (date hierarchy)": (
            "/admin/events/event/?recorded_at__day=2&recorded_at__month=3&recorded_at__year=2026"
        ),
        "events: search, a stream id": f"/admin/events/event/?q=quiz-{quiz_id}",
        "events: search, a quiz id": f"/admin/events/event/?q={quiz_id}",
        "events: search, an event id": f"/admin/events/event/?q={event.event_id}",
        "events: search, a username": f"/admin/events/event/?q={student.username}",
        "events: search, a stream id prefix": f"/admin/events/event/?q=quiz-{quiz_id[:8]}",
        "events: search, no match": "/admin/events/event/?q=nothing-here",
        "events: an event": f"/admin/events/event/{event.position}/change/",
        "users: list": "/admin/auth/user/",
        "users: search": f"/admin/auth/user/?q={student.username}",
        "users: search, a name": "/admin/auth/user/?q=Pupil%2001",
        "users: by group": "/admin/auth/user/?groups__id__exact=1",
        "users: a student": f"/admin/auth/user/{student.pk}/change/",
        "classes: list": "/admin/studyflow/classroom/",
        "classes: search": "/admin/studyflow/classroom/?q=R05",
        "classes: a class": f"/admin/studyflow/classroom/{classroom.pk}/change/",
        "schools: list": "/admin/studyflow/school/",
        "schools: a school (100 classes)": f"/admin/studyflow/school/{school.pk}/change/",
        "chapters: list": "/admin/quiz/chapter/",
        "chapters: a chapter": f"/admin/quiz/chapter/{chapter.pk}/change/",
        "questions: list": "/admin/quiz/question/",
        "questions: search": "/admin/quiz/question/?q=what%20is",
        "questions: a question (revisions)": f"/admin/quiz/question/{question.pk}/change/",
        "questions: history": f"/admin/quiz/question/{question.pk}/history/",
        "checkpoints: list": "/admin/events/projectioncheckpoint/",
        "command outcomes: list": "/admin/quiz/commandoutcome/",
        "read model: student progress": "/admin/reporting/studentprogress/",
        "read model: progress, by class": (
            f"/admin/reporting/studentprogress/?classroom_id={classroom.pk}"
        ),
        "read model: progress, search": (f"/admin/reporting/studentprogress/?q={student.username}"),
        "read model: question x student": "/admin/reporting/questionstudent/",
        "read model: question x student, search": (
            f"/admin/reporting/questionstudent/?q={question.pk}"
        ),
        "read model: student days": "/admin/reporting/studentday/",
        "read model: class days": "/admin/reporting/classday/",
        "read model: class feed": "/admin/reporting/classfeeditem/",
        "read model: wrong answers": "/admin/reporting/wronganswer/",
        "read model: wrong answers, search": "/admin/reporting/wronganswer/?q=twelve",
        "read model: question stats": "/admin/reporting/questionstats/",
        "teacher: classes (all 100)": "/teacher/",
        "teacher: a class grid": f"/teacher/classes/{classroom.pk}/",
        "teacher: a student": f"/teacher/students/{student.pk}/",
        "teacher: question table": f"/teacher/chapters/{chapter.pk}/questions/",
        "api: classes": "/api/classes/",
        "api: events, first page": "/api/events/",
        "api: events, 1000": "/api/events/?limit=1000",
        "api: events, by type": "/api/events/?type=quiz.QuizPassed",
        "api: events, a stream": f"/api/events/?stream=quiz-{quiz_id}",
        "api: health": "/api/health/",
        "api: quiz events": f"/api/quizzes/{quiz_id}/events/",
    }
    if checkpoint is not None:
        found["checkpoints: a checkpoint"] = (
            f"/admin/events/projectioncheckpoint/{checkpoint.pk}/change/"
        )
    return found


def later_page(client: Any, first: str) -> str | None:
    """An events API page well into the log: follow next_cursor a few hundred thousand events."""
    response = client.get(first)
    cursor = response.json().get("next_cursor")
    return f"/api/events/?limit=100&cursor={cursor}" if cursor else None


def time_page(client: Any, url: str, requests: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)  # Django's cursors only: the event store's own are not seen
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        client.get(url)
    samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < requests and (time.perf_counter() - began < BUDGET_SECONDS or not samples):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "n": len(samples),
        "queries": len(queries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    client = Client()
    client.force_login(staff_user())
    found = pages()
    later = later_page(client, "/api/events/?limit=1000&type=quiz.QuizStarted")
    if later:
        found["api: events, a later page"] = later
    ok = True
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    for label, url in found.items():
        if args.only and args.only.lower() not in label.lower():
            continue
        figures = time_page(client, url, args.requests)
        slow = figures["median_ms"] >= LIMIT_MS
        ok &= not slow
        print(
            f"{label:45} {figures['median_ms']:8.1f} ms  max {figures['max_ms']:8.1f}"
            f"  n={figures['n']:<3} {figures['queries']:4} queries{'  SLOW' if slow else ''}",
            flush=True,
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("OK" if ok else "SLOW PAGES")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
