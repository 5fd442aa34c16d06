"""Given/when/then helpers for the quiz aggregate: past events are plain data, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from quiz.domain import (
    ANSWER_REVEALED,
    ANSWERED_CORRECTLY,
    ANSWERED_INCORRECTLY,
    QUESTION_ASSIGNED,
    QUIZ_PASSED,
    QUIZ_STARTED,
    STUDENT_GOT_STUCK,
    STUDENT_GOT_UNSTUCK,
    Command,
    DomainEvent,
    Pool,
    PoolQuestion,
    QuizState,
    decide,
    fold,
)

QUIZ_ID = "6f1c2a8e-4b7d-4f6a-9d3e-2c1b0a9f8e7d"
STUDENT, CHAPTER, COURSE, CLASSROOM = 7, 3, 1, 11
COMMON: dict[str, Any] = {
    "quiz_id": QUIZ_ID,
    "student_id": STUDENT,
    "chapter_id": CHAPTER,
    "classroom_id": CLASSROOM,
}
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def q(question_id: int, answer: str = "", *, revision: int = 1, kind: str = "open") -> PoolQuestion:
    return PoolQuestion(question_id, revision, kind, (answer or str(question_id * 10),))


# Question n's accepted answer is 10 * n.
POOL = Pool(questions=tuple(q(n) for n in range(1, 11)))


@dataclass(frozen=True)
class Past:
    """A past event, as `evolve` sees it (the store's RecordedEvent has the same fields)."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    recorded_at: datetime = T0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def started(goal: int = 3, *, seconds: float = 0) -> Past:
    return Past(QUIZ_STARTED, {**COMMON, "course_id": COURSE, "streak_goal": goal}, at(seconds))


def assigned(question_id: int, number: int, *, revision: int = 1, seconds: float = 0) -> Past:
    data = {"question_id": question_id, "question_revision": revision, "number": number}
    return Past(QUESTION_ASSIGNED, {**COMMON, **data}, at(seconds))


def correct(question_id: int, streak: int, *, seconds: float = 0, took: int = 0) -> Past:
    data = {
        "question_id": question_id,
        "question_revision": 1,
        "answer": str(question_id * 10),
        "streak": streak,
        "seconds_to_answer": took,
    }
    return Past(ANSWERED_CORRECTLY, {**COMMON, **data}, at(seconds))


def wrong(question_id: int, answer: str = "nope", *, seconds: float = 0) -> Past:
    data = {
        "question_id": question_id,
        "question_revision": 1,
        "answer": answer,
        "seconds_to_answer": 0,
    }
    return Past(ANSWERED_INCORRECTLY, {**COMMON, **data}, at(seconds))


def revealed(question_id: int, *, seconds: float = 0) -> Past:
    data = {"question_id": question_id, "question_revision": 1, "seconds_to_answer": 0}
    return Past(ANSWER_REVEALED, {**COMMON, **data}, at(seconds))


def stuck() -> Past:
    return Past(STUDENT_GOT_STUCK, dict(COMMON))


def unstuck() -> Past:
    return Past(STUDENT_GOT_UNSTUCK, dict(COMMON))


def passed() -> Past:
    data = {"questions_answered": 3, "mistakes": 0, "seconds": 30}
    return Past(QUIZ_PASSED, {**COMMON, **data})


def given(*events: Past) -> QuizState:
    return fold(events)


def first(candidates: Sequence[int]) -> int:
    return candidates[0]


def last(candidates: Sequence[int]) -> int:
    return candidates[-1]


def when(
    state: QuizState,
    command: Command,
    *,
    pool: Pool = POOL,
    pick=first,
    now: datetime = T0,
) -> list[DomainEvent]:
    return decide(state, command, pool=pool, pick=pick, now=now)


def event(type_: str, **data: Any) -> DomainEvent:
    """An expected event: the common fields plus `data`."""
    return DomainEvent(type_, {**COMMON, **data})
