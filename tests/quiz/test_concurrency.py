"""Concurrent commands on PostgreSQL, from real threads with their own connections: two answers to
one question cannot both be accepted, and concurrent starts give one quiz."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from events import store
from quiz import services
from quiz.errors import CommandRejected
from tests.quiz.conftest import make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrent writers need PostgreSQL (SQLite serialises them)",
    ),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads; their results or the exceptions they raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_answers_to_one_question_cannot_both_be_accepted(attempt):
    world = make_world()
    quiz = services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
    ).quiz

    def answer(text: str) -> Callable[[], Any]:
        return lambda: services.answer_question(
            actor=world.student, quiz_id=quiz.id, answer=text, command_id=uuid.uuid4()
        )

    outcomes = race(answer("1"), answer("2"))
    accepted = [o for o in outcomes if isinstance(o, services.CommandResult)]
    rejected = [o for o in outcomes if isinstance(o, CommandRejected)]
    assert len(accepted) == 1, outcomes
    assert [r.code for r in rejected] == ["no_open_question"], outcomes
    events = store.read_stream(services.stream_id(quiz.id))
    assert [e.type for e in events] == [
        "quiz.QuizStarted",
        "quiz.QuestionAssigned",
        "quiz.QuestionAnsweredIncorrectly",
    ]


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_starts_give_one_quiz(attempt):
    world = make_world()

    def start() -> Any:
        return services.start_quiz(
            actor=world.student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
        )

    outcomes = race(start, start, start)
    assert all(isinstance(o, services.CommandResult) for o in outcomes), outcomes
    assert len({o.quiz.id for o in outcomes}) == 1
    assert sorted(o.created for o in outcomes) == [False, False, True]
    assert services.quizzes_started(student_id=world.student.pk, chapter_id=world.chapter.pk) == 1
    assert store.stream_version(services.stream_id(outcomes[0].quiz.id)) == 2


@pytest.mark.parametrize("attempt", range(3))
def test_a_start_sent_several_times_at_once_creates_its_quiz_in_every_answer(attempt):
    # given a student's start, re-sent (one command id) before the first sending was answered
    world = make_world()
    command_id = uuid.uuid4()

    def start() -> Any:
        return services.start_quiz(
            actor=world.student, chapter_id=world.chapter.pk, command_id=command_id
        )

    # when the sendings arrive at the same moment
    outcomes = race(*[start] * 6)
    # then each answer is the first one's: the quiz it created, not "your open quiz"
    assert all(isinstance(o, services.CommandResult) for o in outcomes), outcomes
    assert len({o.quiz.id for o in outcomes}) == 1
    assert [o.created for o in outcomes] == [True] * 6
    assert store.stream_version(services.stream_id(outcomes[0].quiz.id)) == 2


def test_the_same_command_sent_twice_at_once_is_applied_once():
    world = make_world()
    quiz = services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=uuid.uuid4()
    ).quiz
    command_id = uuid.uuid4()

    def answer() -> Any:
        return services.answer_question(
            actor=world.student, quiz_id=quiz.id, answer="1", command_id=command_id
        )

    first, second = race(answer, answer)
    assert isinstance(first, services.CommandResult), first
    assert isinstance(second, services.CommandResult), second
    assert first.quiz == second.quiz
    assert store.stream_version(services.stream_id(quiz.id)) == 3


def test_the_student_index_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'quiz_started_by_student'"
        )
        (definition,) = cursor.fetchone()
    assert "student_id" in definition and "quiz.QuizStarted" in definition
