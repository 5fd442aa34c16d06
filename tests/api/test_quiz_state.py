"""The API's hand-built quiz state is exactly what QuizStateSerializer would render."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from quiz.api import QuizStateSerializer, quiz_state
from quiz.quiz_view import AnswerResult, QuestionView, QuizView

QUESTION = QuestionView(
    id=7,
    revision=2,
    number=3,
    text="Which is prime?",
    kind="choice",
    choices=({"key": "a", "text": "4"}, {"key": "b", "text": "5"}),
)


def view(**changes: object) -> QuizView:
    fields: dict[str, object] = {
        "id": "0b6f2a52-8f7e-4a3c-9a55-2f0d5a1c9e11",
        "student": 1,
        "chapter": 4,
        "course": 2,
        "status": "question_open",
        "streak": 2,
        "streak_goal": 5,
        "stuck": False,
        "version": 9,
        "question": QUESTION,
        "result": None,
        "revealed_answer": None,
        "questions_answered": 3,
        "mistakes": 1,
        "started_at": datetime(2026, 1, 1, tzinfo=UTC),
        "passed_at": None,
    }
    fields.update(changes)
    return QuizView(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "given",
    [
        view(),
        view(status="answered_correctly", result=AnswerResult(True, "Spot on!", "b")),
        view(
            status="answer_revealed",
            stuck=True,
            result=AnswerResult(False, "Not quite.", ""),
            revealed_answer="5 is prime",
        ),
        view(
            status="answered_incorrectly",
            stuck=True,
            result=AnswerResult(False, "Not quite.", "7", " Stuck? Show the answer next."),
        ),
        view(
            status="passed",
            question=None,
            result=AnswerResult(True, "Well done!", "b"),
            passed_at=datetime(2026, 1, 2, tzinfo=UTC),
        ),
        view(question=QuestionView(1, 1, 1, "2 + 2?", "open", ())),
    ],
)
def test_quiz_state_renders_as_the_serializer_does(given: QuizView) -> None:
    expected = QuizStateSerializer(given).data

    rendered = quiz_state(given)

    assert json.dumps(rendered) == json.dumps(expected)


def test_a_stuck_students_hint_is_in_the_result_message() -> None:
    stuck = view(
        status="answered_incorrectly",
        stuck=True,
        result=AnswerResult(False, "Not quite.", "7", " Stuck? Show the answer next."),
    )
    assert quiz_state(stuck)["result"]["message"] == "Not quite. Stuck? Show the answer next."
