"""The `answers` projection: one row per answer a student gave (correct, incorrect or revealed).

The core is pure (`project`: events and the courses of earlier-started quizzes in, rows out); the
shell (`apply`) looks up those courses, and writes the rows with one bulk insert per table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from events.bulk import insert_rows
from events.projections import Projection
from reporting.projections import common

if TYPE_CHECKING:
    from events.store import RecordedEvent

QUIZ_STARTED = common.QUIZ_STARTED
ANSWERED_CORRECTLY = common.ANSWERED_CORRECTLY
ANSWERED_INCORRECTLY = common.ANSWERED_INCORRECTLY
ANSWER_REVEALED = common.ANSWER_REVEALED
OUTCOMES = {
    ANSWERED_CORRECTLY: "correct",
    ANSWERED_INCORRECTLY: "incorrect",
    ANSWER_REVEALED: "revealed",
}
EVENT_TYPES = frozenset({QUIZ_STARTED, *OUTCOMES})
PARTITIONS = 4


class QuizRow(NamedTuple):
    quiz_id: str
    course_id: int | None


class AnswerRow(NamedTuple):
    """A reporting_answer row; its fields in the table's column order (written as a tuple)."""

    position: int
    quiz_id: str
    student_id: int
    classroom_id: int | None
    course_id: int | None
    chapter_id: int
    question_id: int
    question_revision: int
    answer: str
    normalised_answer: str
    outcome: str
    correct: bool
    seconds_to_answer: float | None
    answered_at: datetime


@dataclass(frozen=True)
class Rows:
    quizzes: list[QuizRow]
    answers: list[AnswerRow]


def quizzes_to_look_up(events: Sequence[RecordedEvent]) -> set[str]:
    """Quizzes answered in this batch whose start (and so course) came in an earlier batch."""
    started = {event.data["quiz_id"] for event in events if event.type == QUIZ_STARTED}
    return {
        event.data["quiz_id"]
        for event in events
        if event.type in OUTCOMES and event.data["quiz_id"] not in started
    }


def project(
    events: Sequence[RecordedEvent],
    courses: Mapping[str, int | None],
    normalise: Callable[[str], str],
) -> Rows:
    """Rows for a batch of events. `courses` maps quiz ids started before this batch to courses."""
    known: dict[str, int | None] = dict(courses)
    quizzes: list[QuizRow] = []
    answers: list[AnswerRow] = []
    for event in events:
        data = event.data
        if event.type == QUIZ_STARTED:
            known[data["quiz_id"]] = data.get("course_id")
            quizzes.append(QuizRow(quiz_id=data["quiz_id"], course_id=data.get("course_id")))
        elif event.type in OUTCOMES:
            answers.append(answer_row(event, known.get(data["quiz_id"]), normalise))
    return Rows(quizzes=quizzes, answers=answers)


def answer_row(
    event: RecordedEvent, course_id: int | None, normalise: Callable[[str], str]
) -> AnswerRow:
    data: Mapping[str, Any] = event.data
    outcome = OUTCOMES[event.type]
    given = "" if outcome == "revealed" else str(data.get("answer") or "")
    seconds = data.get("seconds_to_answer")
    # Positional, in field order: a rebuild builds hundreds of thousands of these, and keyword
    # arguments cost a NamedTuple about twice as much.
    return AnswerRow(
        event.position,
        data["quiz_id"],
        data["student_id"],
        data.get("classroom_id"),
        course_id,
        data["chapter_id"],
        data["question_id"],
        data["question_revision"],
        given,
        normalise(given) if given else "",
        outcome,
        outcome == "correct",
        float(seconds) if seconds is not None else None,
        event.recorded_at,
    )


# --- the shell ------------------------------------------------------------------------------------


ANSWER_FIELDS = list(AnswerRow._fields)


def apply(events: Sequence[RecordedEvent]) -> None:
    from reporting.models import Answer, AnswersQuiz

    lookup = quizzes_to_look_up(events)
    courses: dict[str, int | None] = {}
    if lookup:
        found = AnswersQuiz.objects.filter(quiz_id__in=lookup).values_list("quiz_id", "course_id")
        courses = {str(quiz_id): course_id for quiz_id, course_id in found}
    rows = project(events, courses, common.normalise)
    # Both tables are keyed by event facts (quiz id, event position): applying an event twice
    # cannot add a second row.
    insert_rows(AnswersQuiz, QuizRow._fields, rows.quizzes)
    insert_rows(Answer, ANSWER_FIELDS, rows.answers)


def reset() -> None:
    from reporting.models import Answer, AnswersQuiz
    from reporting.projections import db

    db.truncate(Answer, AnswersQuiz)


answers = Projection(
    name="answers",
    event_types=EVENT_TYPES,
    apply=apply,
    reset=reset,
    partitions=PARTITIONS,
    description="One row per answer: student, class at the time, question, outcome, time.",
    reads_metadata=False,
)
