"""Quiz reads for students (and the student's teachers and staff): views folded from the stream.

A quiz that is not the reader's to see raises QuizNotFound, exactly like a quiz that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT

from events import store
from events.models import Event
from events.store import RecordedEvent
from quiz import services
from quiz.domain import QUIZ_STARTED, QuizState, fold
from quiz.errors import QuizNotFound
from quiz.quiz_view import QuizView
from studyflow.roles import students_visible_to


def _may_read(actor: Any, state: QuizState) -> bool:
    if not state.started or actor is None or not actor.is_authenticated:
        return False
    if actor.pk == state.student_id:
        return True
    # Teachers of the student's class and staff: the roster decides, in one place.
    return bool(students_visible_to(actor).filter(pk=state.student_id).exists())


def _readable(
    actor: Any, quiz_id: uuid.UUID | str, *, metadata: bool = False
) -> tuple[QuizState, list[RecordedEvent]]:
    stream = services.stream_id(services.parse_quiz_id(quiz_id))
    events = store.read_stream(stream, metadata=metadata)
    state = fold(events)
    if not _may_read(actor, state):
        raise QuizNotFound()
    return state, events


def quiz_view(actor: Any, quiz_id: uuid.UUID | str) -> QuizView:
    state, _ = _readable(actor, quiz_id)
    return services.view_of(state)


def quiz_with_events(actor: Any, quiz_id: uuid.UUID | str) -> tuple[QuizView, list[RecordedEvent]]:
    """The view and the events it was folded from: one read of the stream for both."""
    state, events = _readable(actor, quiz_id)
    return services.view_of(state), events


def quiz_events(actor: Any, quiz_id: uuid.UUID | str) -> list[RecordedEvent]:
    """The quiz's events in version order, metadata and all."""
    _, events = _readable(actor, quiz_id, metadata=True)
    return events


def quiz_ids_of(student_id: int) -> QuerySet[Event, Any]:
    """The ids of the student's quizzes, newest first (the QuizStarted-by-student index)."""
    return (
        Event.objects.filter(type=QUIZ_STARTED)
        .alias(student=KT("data__student_id"))
        .filter(student=str(student_id))
        .order_by("-position")
        .values_list("data__quiz_id", flat=True)
    )


def quizzes_of(student: Any, limit: int | None = None) -> list[QuizView]:
    """The student's quizzes, newest first (found through the QuizStarted-by-student index).

    `limit` caps the ids before any stream is read: each quiz costs a stream read."""
    if student is None or student.pk is None:
        return []
    quiz_ids = quiz_ids_of(student.pk)
    if limit is not None:
        quiz_ids = quiz_ids[:limit]
    states = (_state_now(quiz_id) for quiz_id in quiz_ids)
    return [services.view_of(state) for state in states if state.started]


def current_quizzes(student: Any, quiz_ids: Iterable[str]) -> list[QuizView]:
    """The student's quizzes among `quiz_ids` as they are now, in the given order (one stream read
    each): what the dashboard lays over the read model, which may lag a moment behind."""
    states = (_state_now(quiz_id) for quiz_id in quiz_ids)
    return [
        services.view_of(state)
        for state in states
        if state.started and state.student_id == student.pk
    ]


def _state_now(quiz_id: uuid.UUID | str) -> QuizState:
    """A quiz as its events say now (no metadata read); an empty state for a bad id."""
    try:
        stream = services.stream_id(services.parse_quiz_id(quiz_id))
    except QuizNotFound:
        return QuizState()
    return fold(store.read_stream(stream, metadata=False))
