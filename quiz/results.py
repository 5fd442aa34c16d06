"""What a quiz command returns: the student's view of the quiz, and the events it appended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from events.store import RecordedEvent
from quiz import caches, content
from quiz.content import QuestionContent
from quiz.domain import QuizState
from quiz.quiz_view import QuizView, build_quiz_view


@dataclass(frozen=True)
class CommandResult:
    quiz: QuizView
    events: list[RecordedEvent]  # what the command appended (a re-send's: read without metadata)
    created: bool = False  # start_quiz only: a new quiz (False: the open quiz was returned)


def view_of(state: QuizState, questions: Sequence[QuestionContent] = ()) -> QuizView:
    """The view of a state; `questions` may already hold the content it shows (saves a query)."""
    question = None
    if state.question_id is not None and state.question_revision is not None:
        key = (state.question_id, state.question_revision)
        question = next((q for q in questions if (q.id, q.revision) == key), None)
        if question is None and not state.passed:
            question = question_revision(*key)
    return build_quiz_view(state, question)


def question_revision(question_id: int, revision: int) -> QuestionContent:
    """quiz.content.question_revision, cached (a saved revision never changes)."""
    return caches.revision(question_id, revision, content.question_revision)
