"""Pure tests of the answers projection: events in, rows out (no database)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from events.store import RecordedEvent
from reporting.projections.answers import EVENT_TYPES, project, quizzes_to_look_up
from tests.quiz_events import Roster, quiz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUIZ = str(uuid.uuid4())
COMMON = {"quiz_id": QUIZ, "student_id": 7, "chapter_id": 3, "classroom_id": 2}


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def recorded(position: int, type: str, **data: Any) -> RecordedEvent:
    return RecordedEvent(
        position=position,
        stream_id=f"quiz-{QUIZ}",
        version=position,
        type=type,
        schema_version=1,
        data={**COMMON, **data},
        metadata={},
        event_id=uuid.uuid4(),
        recorded_at=T0 + timedelta(seconds=position),
        transaction_id=position,
    )


STARTED = recorded(1, "quiz.QuizStarted", course_id=5, streak_goal=3)
ASSIGNED = recorded(2, "quiz.QuestionAssigned", question_id=40, question_revision=2, number=1)
WRONG = recorded(
    3,
    "quiz.QuestionAnsweredIncorrectly",
    question_id=40,
    question_revision=2,
    answer="  Twelve  ",
    seconds_to_answer=31,
)
REVEALED = recorded(
    4, "quiz.AnswerRevealed", question_id=40, question_revision=2, seconds_to_answer=12.5
)
RIGHT = recorded(
    5,
    "quiz.QuestionAnsweredCorrectly",
    question_id=41,
    question_revision=1,
    answer="0,5",
    streak=1,
    seconds_to_answer=9,
)


def test_given_a_started_quiz_when_answers_come_then_one_row_per_answer() -> None:
    rows = project([STARTED, ASSIGNED, WRONG, REVEALED, RIGHT], {}, fold)

    assert [(r.position, r.outcome, r.correct) for r in rows.answers] == [
        (3, "incorrect", False),
        (4, "revealed", False),
        (5, "correct", True),
    ]
    wrong = rows.answers[0]
    assert wrong.quiz_id == QUIZ
    assert (wrong.student_id, wrong.classroom_id, wrong.course_id, wrong.chapter_id) == (7, 2, 5, 3)
    assert (wrong.question_id, wrong.question_revision) == (40, 2)
    assert (wrong.answer, wrong.normalised_answer) == ("  Twelve  ", "twelve")
    assert wrong.seconds_to_answer == 31.0
    assert wrong.answered_at == T0 + timedelta(seconds=3)
    assert rows.answers[1].answer == "" and rows.answers[1].seconds_to_answer == 12.5
    assert [(q.quiz_id, q.course_id) for q in rows.quizzes] == [(QUIZ, 5)]


def test_given_the_start_in_an_earlier_batch_then_the_course_comes_from_the_lookup() -> None:
    assert quizzes_to_look_up([WRONG, RIGHT]) == {QUIZ}
    assert quizzes_to_look_up([STARTED, WRONG]) == set()

    rows = project([WRONG], {QUIZ: 5}, fold)

    assert rows.answers[0].course_id == 5
    assert rows.quizzes == []


def test_given_an_unknown_quiz_then_the_course_is_unknown_not_an_error() -> None:
    assert project([RIGHT], {}, fold).answers[0].course_id is None


def test_events_other_than_answers_make_no_rows() -> None:
    stuck = recorded(6, "quiz.StudentGotStuck")
    assert project([ASSIGNED, stuck], {}, fold).answers == []


def test_a_revealed_answer_without_seconds_is_fine() -> None:
    bare = recorded(4, "quiz.AnswerRevealed", question_id=40, question_revision=2)
    row = project([bare], {}, fold).answers[0]
    assert (row.outcome, row.seconds_to_answer, row.normalised_answer) == ("revealed", None, "")


def test_any_split_into_batches_gives_the_same_rows() -> None:
    """The runner may cut the log anywhere: the rows must not depend on where."""
    rng = random.Random(4)
    events: list[RecordedEvent] = []
    for _ in range(30):
        history = quiz(rng, Roster(), T0)
        for new in history.events:
            position = len(events) + 1
            events.append(
                RecordedEvent(
                    position=position,
                    stream_id=history.stream_id,
                    version=position,
                    type=new.type,
                    schema_version=1,
                    data=new.data,
                    metadata={},
                    event_id=uuid.uuid4(),
                    recorded_at=T0,
                    transaction_id=position,
                )
            )
    relevant = [e for e in events if e.type in EVENT_TYPES]
    whole = project(relevant, {}, fold).answers

    courses: dict[str, int | None] = {}
    pieces = []
    at = 0
    while at < len(relevant):
        size = rng.randint(1, 9)
        batch = relevant[at : at + size]
        looked_up = {quiz_id: courses[quiz_id] for quiz_id in quizzes_to_look_up(batch)}
        rows = project(batch, looked_up, fold)
        courses.update({q.quiz_id: q.course_id for q in rows.quizzes})
        pieces.extend(rows.answers)
        at += size

    assert pieces == whole
    assert len(whole) == sum(
        1 for e in events if e.type.startswith(("quiz.QuestionAnswered", "quiz.AnswerRevealed"))
    )
