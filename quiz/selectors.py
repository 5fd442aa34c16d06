"""Quiz reads for students (and the student's teachers and staff): views folded from the stream.

A quiz that is not the reader's to see raises QuizNotFound, exactly like a quiz that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
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


def _readable(actor: Any, quiz_id: uuid.UUID | str) -> tuple[QuizState, list[RecordedEvent]]:
    stream = services.stream_id(services.parse_quiz_id(quiz_id))
    events = store.read_stream(stream, metadata=False)
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


def quiz_events(
    actor: Any, quiz_id: uuid.UUID | str, *, from_version: int = 1, limit: int | None = None
) -> list[RecordedEvent]:
    """The quiz's events from `from_version` on (at most `limit`), in version order, metadata and
    all. Who may read them is decided by the quiz's first event alone: it names the student (on
    the first page it is read with the rest, not again)."""
    stream = services.stream_id(services.parse_quiz_id(quiz_id))
    events = store.read_stream(stream, from_version, limit=limit)
    first = events[:1] if from_version <= 1 else store.read_stream(stream, metadata=False, limit=1)
    if not _may_read(actor, fold(first)):
        raise QuizNotFound()
    return events


def _started_by(student_id: int) -> QuerySet[Event, Any]:
    """The student's QuizStarted events, newest first (the QuizStarted-by-student index)."""
    return (
        Event.objects.filter(type=QUIZ_STARTED)
        .alias(student=KT("data__student_id"))
        .filter(student=str(student_id))
        .order_by("-position")
    )


def quiz_ids_of(student_id: int) -> QuerySet[Event, Any]:
    """The ids of the student's quizzes, newest first."""
    return _started_by(student_id).values_list("data__quiz_id", flat=True)


@dataclass(frozen=True)
class QuizPage:
    quizzes: list[QuizView]
    # Where the next (older) page begins: pass it back as `before`. None on the last page.
    next_before: str | None


def quiz_page(student: Any, *, limit: int, before: str | None = None) -> QuizPage:
    """The student's quizzes, newest first: `limit` of those started before the cursor `before`
    (from the newest when None). Raises store.InvalidCursor for a cursor this never handed out.
    Each quiz on the page costs a stream read.

    Newest in commit-safe order, and only quizzes below the store's safe horizon: a start that
    commits late (numbered before another that committed first) is not listed until it has
    committed, and then it sorts above every quiz listed so far. So a quiz a client has not
    seen yet is always above the ones it has, and the pages after a first one never change."""
    if student is None or student.pk is None:
        return QuizPage([], None)
    started = _started_by(student.pk).filter(transaction_id__lt=store.SafeHorizon())
    if before is not None:
        t, p = store.decode_cursor(before)
        started = started.filter(Q(transaction_id__lt=t) | Q(transaction_id=t, position__lt=p))
    found = list(
        started.order_by("-transaction_id", "-position").values_list(
            "transaction_id", "position", "data__quiz_id"
        )[: limit + 1]
    )
    page = found[:limit]
    states = (_state_now(quiz_id) for _, _, quiz_id in page)
    return QuizPage(
        [services.view_of(state) for state in states if state.started],
        store.encode_cursor(*page[-1][:2]) if len(found) > limit else None,
    )


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
