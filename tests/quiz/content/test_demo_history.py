"""seed_demo --history: students practise through the real quiz services, once, on school days."""

from __future__ import annotations

import io
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from quiz.answers import is_correct
from quiz.content import Choice, QuestionContent, create_question
from quiz.demo_content import CHAPTERS
from quiz.demo_history import (
    PROFILES,
    assign_profiles,
    chapter_opens,
    right_answer,
    school_days,
    simulate_history,
    wrong_answer,
)
from quiz.models import Chapter, Course, Question

BANK = [q for c in CHAPTERS for q in c.questions]
ROOT = Path(__file__).resolve().parents[3]


def content_of(demo, pk=1):
    return QuestionContent(
        id=pk,
        revision=1,
        kind=demo.kind,
        text=demo.text,
        choices=tuple(Choice(k, t) for k, t in demo.choices),
        accepted_answers=demo.accepted,
        worked_answer=demo.worked,
    )


def choice_question_a_of_a_b() -> QuestionContent:
    """A choice question outside the bank: A is right, B wrong."""
    return QuestionContent(
        id=9,
        revision=1,
        kind="choice",
        text="?",
        choices=(Choice("A", "x"), Choice("B", "y")),
        accepted_answers=("A",),
        worked_answer="",
    )


# --- pure planning --------------------------------------------------------------------------------


def test_school_days_are_the_weekdays_before_today():
    wednesday = date(2026, 3, 11)
    days = school_days(days=9, today=wednesday)
    assert days == [
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 4),
        date(2026, 3, 5),
        date(2026, 3, 6),
        date(2026, 3, 9),
        date(2026, 3, 10),
    ]
    assert school_days(days=2, today=date(2026, 3, 9)) == []  # a Monday after a weekend


def test_chapters_open_one_after_another():
    assert chapter_opens(5, 10) == [0, 2, 4, 6, 8]
    assert chapter_opens(4, 1) == [0, 0, 0, 0]
    assert chapter_opens(0, 10) == []


def test_a_class_gets_good_average_and_weak_students():
    profiles = assign_profiles([f"s{n}" for n in range(30)], random.Random(1))
    mix = Counter(p.name for p in profiles.values())
    assert mix == {"good": 9, "average": 13, "weak": 8}
    small = Counter(p.name for p in assign_profiles(["a", "b", "c"], random.Random(1)).values())
    assert small == {"good": 1, "average": 1, "weak": 1}
    assert PROFILES["good"].skill[0] > PROFILES["weak"].skill[1]


@pytest.mark.parametrize("demo", BANK, ids=lambda q: q.text[:40])
def test_simulated_answers_are_checked_as_intended(demo):
    """Right answers (in every accepted spelling) pass the real checker; the mistakes do not."""
    content = content_of(demo)
    rng = random.Random(3)
    for _ in range(10):
        answer = right_answer(content, rng)
        assert is_correct(answer, kind=demo.kind, accepted_answers=demo.accepted), answer
        mistake = wrong_answer(content, demo, rng)
        assert not is_correct(mistake, kind=demo.kind, accepted_answers=demo.accepted), mistake


def test_a_question_outside_the_bank_gets_a_wrong_choice():
    content = choice_question_a_of_a_b()
    assert wrong_answer(content, None, random.Random(1)) == "B"


def test_a_bank_mistake_that_is_no_choice_of_the_question_now_is_not_given():
    # given a bank question with open-answer mistakes, now a choice question (staff changed it)
    open_question = next(q for q in BANK if q.kind == "open")
    content = choice_question_a_of_a_b()
    # then the simulated mistake is one of its choices, which the services take
    assert {wrong_answer(content, open_question, random.Random(n)) for n in range(20)} == {"B"}


def test_a_bank_mistake_the_quiz_would_ask_about_is_not_given():
    # given a bank question with the mistakes "1.500" and "15", which staff changed to accept 1500
    demo = replace(next(q for q in BANK if q.kind == "open"), wrong=("1.500", "15"))
    content = replace(content_of(demo), accepted_answers=("1500",))
    # then "1.500" (right if its point separates thousands: the quiz asks, a 400) is not given
    assert {wrong_answer(content, demo, random.Random(n)) for n in range(20)} == {"15"}


# --- through the services (PostgreSQL; services commit, so the test does too) ---------------------


@pytest.mark.django_db(transaction=True)
def test_history_goes_through_the_services_once():
    call_command("seed_demo", stdout=io.StringIO())
    wednesday = date(2026, 3, 11)  # two school days before it: Monday and Tuesday
    outcome = simulate_history(days=2, seed=5, today=wednesday)
    assert not outcome.skipped
    assert outcome.school_days == 2
    assert outcome.students == 40
    assert outcome.sessions > 0
    assert outcome.quizzes_started > 0

    events = list(Event.objects.order_by("position"))
    assert len(events) == outcome.events > 0
    types = Counter(e.type for e in events)
    for expected in (
        "quiz.QuizStarted",
        "quiz.QuestionAssigned",
        "quiz.QuestionAnsweredCorrectly",
        "quiz.QuestionAnsweredIncorrectly",
    ):
        assert types[expected] > 0, types

    students = dict(
        get_user_model()
        .objects.filter(username__startswith="student")
        .values_list("pk", "username")
    )
    bank_mistakes = {w for q in BANK for w in q.wrong}
    tz = timezone.get_current_timezone()
    for event in events:
        local = event.recorded_at.astimezone(tz)
        assert local.date() in (date(2026, 3, 9), date(2026, 3, 10)), local
        assert time(8, 30) <= local.time() <= time(17, 0), local
        assert event.data["student_id"] in students
        assert event.metadata["actor_id"] == event.data["student_id"]
        assert event.data["classroom_id"] is not None
        if event.type == "quiz.QuestionAnsweredIncorrectly":
            assert event.data["answer"] in bank_mistakes

    # Once only: a second run finds the history and appends nothing.
    again = simulate_history(days=2, seed=5, today=wednesday)
    assert again.skipped
    assert Event.objects.count() == len(events)
    out = io.StringIO()
    call_command("seed_demo", "--history", "2", stdout=out)
    assert "skipped" in out.getvalue()
    assert Event.objects.count() == len(events)


def history_of_students(wednesday: date) -> list[tuple[object, ...]]:
    """The demo seeded and a history simulated: every event as its student, type, time, question
    (chapter and number) and answer, without ids."""
    call_command("seed_demo", stdout=io.StringIO())
    simulate_history(days=2, seed=5, today=wednesday)
    users = dict(get_user_model().objects.values_list("pk", "username"))
    places = {
        pk: (title, order)
        for pk, title, order in Question.objects.values_list("pk", "chapter__title", "order")
    }
    return [
        (
            users[event.data["student_id"]],
            event.type,
            event.recorded_at,
            places.get(event.data.get("question_id")),
            event.data.get("answer"),
        )
        for event in Event.objects.order_by("position")
    ]


def taking_ids(questions: int) -> None:
    """Unrelated questions, and a user: they take the ids the demo's would have had."""
    get_user_model().objects.create_user(username="not_in_the_demo", password="x")
    chapter = Chapter.objects.create(course=Course.objects.create(title="Not the demo"), title="X")
    for n in range(questions):
        create_question(
            chapter=chapter,
            kind="open",
            text=f"{n}?",
            choices=None,
            accepted_answers=[str(n)],
            worked_answer=str(n),
        )


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="flushing the event log between the two histories: only PostgreSQL allows it",
)
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_and_dates_give_the_same_history_whatever_ids_the_database_hands_out():
    # given a history simulated on the demo, and the same one again after other questions took
    # the ids the demo's had (as in a test suite, or a database that held other things)
    wednesday = date(2026, 3, 11)
    first = history_of_students(wednesday)
    call_command("flush", interactive=False, verbosity=0)  # the history runs once per database
    taking_ids(7)
    again = history_of_students(wednesday)
    # then the students did the very same things (each question's difficulty was once drawn for
    # its id: other ids, other answers right or wrong, and other chapters passed)
    assert len(first) > 100
    assert again == first


def test_the_students_readme_names_have_chapters_still_to_start(tmp_path: Path) -> None:
    # given the demo as `make run` seeds it: a new SQLite database, a fortnight's history with the
    # default seed (in a process of its own, as there: nothing of this suite's ids or caches)
    env = {**os.environ, "STUDYFLOW_VAR_DIR": str(tmp_path), "FAST_PASSWORD_HASHING": "1"}
    for setting in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(setting, None)  # make run's embedded defaults: SQLite and the filesystem broker
    for command in (["migrate", "-v0"], ["seed_demo", "--history", "14"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )
    # then README's two students with chapters still to start have started one chapter each
    with closing(sqlite3.connect(tmp_path / "studyflow.sqlite3")) as db:
        started = db.execute(
            "SELECT u.username, COUNT(DISTINCT json_extract(e.data, '$.chapter_id'))"
            " FROM events_event e JOIN auth_user u ON u.id = json_extract(e.data, '$.student_id')"
            " WHERE e.type = 'quiz.QuizStarted' AND u.username IN ('student13', 'student22')"
            " GROUP BY u.username"
        ).fetchall()
    assert sorted(started) == [("student13", 1), ("student22", 1)]
