"""What a student sees of a quiz: built purely from the quiz state and the question's content.

A QuizView never carries accepted answers; only `revealed_answer` shows the worked answer and an
accepted answer, and only while the reveal is the latest thing that happened in the quiz.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from quiz.answers import choice_key
from quiz.domain import QuizState


class ChoiceContent(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...


class QuestionContentLike(Protocol):
    """The fields of quiz.content.QuestionContent this module reads."""

    @property
    def id(self) -> int: ...
    @property
    def revision(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def choices(self) -> Sequence[ChoiceContent]: ...
    @property
    def accepted_answers(self) -> Sequence[str]: ...
    @property
    def worked_answer(self) -> str: ...


@dataclass(frozen=True)
class QuestionView:
    id: int
    revision: int
    number: int  # the nth question of this quiz
    text: str
    kind: str
    choices: tuple[dict[str, str], ...]  # [{"key", "text"}], empty for open questions


@dataclass(frozen=True)
class AnswerResult:
    correct: bool
    feedback: str  # the words on the answer
    answer: str
    hint: str = ""  # advice for a stuck student (the pages show their own, in a banner)

    @property
    def message(self) -> str:
        """What an API client shows: the feedback, and the hint when there is one."""
        return self.feedback + self.hint


@dataclass(frozen=True)
class QuizView:
    id: str
    student: int
    chapter: int
    course: int
    status: (
        str  # question_open | answered_correctly | answered_incorrectly | answer_revealed | passed
    )
    streak: int
    streak_goal: int
    stuck: bool
    version: int
    question: QuestionView | None
    result: AnswerResult | None
    revealed_answer: str | None
    questions_answered: int
    mistakes: int
    started_at: datetime | None
    passed_at: datetime | None
    # The latest wrong or shown answer ended a streak: the pages say "your streak starts over"
    # only then (with none running, there was nothing to start over).
    streak_lost: bool = False


GOOD = (
    "Correct!",
    "Well done!",
    "That's right.",
    "Spot on!",
    "Nicely done.",
)
FAIL = (
    "Not quite. Your streak starts over.",
    "That's not right, so the streak starts again from zero.",
    "Wrong answer: your streak starts over. Keep going!",
    "Not this time. The streak starts over; you can do it.",
)
FAIL_WITHOUT_STREAK = (  # the same, when no streak was running
    "Not quite.",
    "That's not right.",
    "Wrong answer. Keep going!",
    "Not this time; you can do it.",
)
PASSED = (
    "Correct! That's {goal} in a row: you passed this chapter!",
    "Well done, {goal} in a row: chapter passed!",
)
# After a wrong answer the question is closed: showing the answer is for the next one.
STUCK_HINT = " Stuck? On the next question, “Show the answer” gives a worked example."


def _choose(options: Sequence[str], quiz_id: str, version: int) -> str:
    # Deterministic, so a re-sent command and a page reload show the same words.
    return options[zlib.crc32(f"{quiz_id}:{version}".encode()) % len(options)]


def lost_a_streak(state: QuizState) -> bool:
    """Whether the latest wrong or shown answer ended a streak. The state keeps no streak from
    before it, but a streak was running exactly when the question before was answered right: this
    is the first miss since a right answer (right answers are the closed questions that were not
    mistakes)."""
    if state.status not in ("answered_incorrectly", "answer_revealed"):
        return False
    return state.misses_in_row == 1 and state.questions_answered > state.mistakes


def result_message(state: QuizState) -> AnswerResult | None:
    """The feedback on the latest answer, when an answer is the latest thing that happened."""
    if state.last_answer is None:
        return None
    if state.status == "passed":
        text = _choose(PASSED, state.quiz_id, state.version).format(goal=state.streak_goal)
        return AnswerResult(True, text, state.last_answer)
    if state.status == "answered_correctly":
        text = _choose(GOOD, state.quiz_id, state.version)
        text += f" {state.streak} of {state.streak_goal} in a row."
        return AnswerResult(True, text, state.last_answer)
    if state.status == "answered_incorrectly":
        options = FAIL if lost_a_streak(state) else FAIL_WITHOUT_STREAK
        text = _choose(options, state.quiz_id, state.version)
        return AnswerResult(False, text, state.last_answer, STUCK_HINT if state.stuck else "")
    return None


def revealed_answer(question: QuestionContentLike) -> str:
    """The worked answer followed by the (first) accepted answer, as a student reads it."""
    answer = question.accepted_answers[0] if question.accepted_answers else ""
    if question.kind == "choice":
        texts = {choice.key.casefold(): choice.text for choice in question.choices}
        text = texts.get(answer.casefold())
        answer = f"{answer}: {text}" if text else answer
    parts = [question.worked_answer.strip(), f"Answer: {answer}" if answer else ""]
    return "\n\n".join(part for part in parts if part)


def answer_as_read(answer: str, question: QuestionContentLike) -> str:
    """The answer as the student reads it back: a choice with its text ("B: 2/5")."""
    if question.kind != "choice":
        return answer
    key = choice_key(answer)
    chosen = next((c for c in question.choices if choice_key(c.key) == key), None)
    return answer if chosen is None else f"{chosen.key}: {chosen.text}"


def _read_back(
    result: AnswerResult | None, question: QuestionContentLike | None
) -> AnswerResult | None:
    # Every answer command builds a view: an open answer reads back as given, untouched.
    if result is None or question is None or question.kind != "choice":
        return result
    return replace(result, answer=answer_as_read(result.answer, question))


def build_quiz_view(state: QuizState, question: QuestionContentLike | None) -> QuizView:
    """`question` is the content of the state's latest assigned revision (None when unknown)."""
    shown = None
    if question is not None and not state.passed:
        shown = QuestionView(
            id=question.id,
            revision=question.revision,
            number=state.question_number,
            text=question.text,
            kind=question.kind,
            choices=tuple({"key": c.key, "text": c.text} for c in question.choices),
        )
    reveal = None
    if state.status == "answer_revealed" and question is not None:
        reveal = revealed_answer(question)
    return QuizView(
        id=state.quiz_id,
        student=state.student_id,
        chapter=state.chapter_id,
        course=state.course_id,
        status=state.status,
        streak=state.streak,
        streak_goal=state.streak_goal,
        stuck=state.stuck,
        version=state.version,
        question=shown,
        result=_read_back(result_message(state), question),
        revealed_answer=reveal,
        questions_answered=state.questions_answered,
        mistakes=state.mistakes,
        started_at=state.started_at,
        passed_at=state.passed_at,
        streak_lost=lost_a_streak(state),
    )
