"""Realistic quiz event histories, generated without the quiz services (fast, for volume).

Shared by the projection tests and bench/projections.py. The shape follows the quiz event
contract: a quiz starts, questions are assigned and answered (correct, incorrect, revealed),
students get stuck and unstuck, and a streak of correct answers passes the quiz.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from events.store import NewEvent


@dataclass(frozen=True)
class Roster:
    students: int = 200
    classes: int = 8
    courses: int = 3
    chapters_per_course: int = 6
    questions_per_chapter: int = 12
    first_student_id: int = 1

    def class_of(self, student_id: int) -> int | None:
        # a few students have no class
        return None if student_id % 50 == 0 else 1 + student_id % self.classes


@dataclass
class QuizHistory:
    stream_id: str
    quiz_id: str
    events: list[NewEvent] = field(default_factory=list)
    started_at: datetime | None = None
    answers: int = 0


def quiz(
    rng: random.Random,
    roster: Roster,
    started_at: datetime,
    *,
    max_questions: int = 14,
) -> QuizHistory:
    quiz_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    student_id = roster.first_student_id + rng.randrange(roster.students)
    course = rng.randrange(roster.courses)
    chapter_id = 1 + course * roster.chapters_per_course + rng.randrange(roster.chapters_per_course)
    common = {
        "quiz_id": quiz_id,
        "student_id": student_id,
        "chapter_id": chapter_id,
        "classroom_id": roster.class_of(student_id),
    }
    history = QuizHistory(stream_id=f"quiz-{quiz_id}", quiz_id=quiz_id, started_at=started_at)
    skill = rng.uniform(0.35, 0.9)
    streak_goal = 3

    def add(event_type: str, **extra: object) -> None:
        history.events.append(NewEvent(type=event_type, data={**common, **extra}))

    add("quiz.QuizStarted", course_id=1 + course, streak_goal=streak_goal)
    streak = wrong_in_row = 0
    stuck = False
    for number in range(1, max_questions + 1):
        question_id = (chapter_id - 1) * roster.questions_per_chapter + 1
        question_id += rng.randrange(roster.questions_per_chapter)
        revision = 1 + (question_id % 3 == 0)
        add(
            "quiz.QuestionAssigned",
            question_id=question_id,
            question_revision=revision,
            number=number,
        )
        seconds = round(rng.uniform(4, 120), 1)
        roll = rng.random()
        history.answers += 1
        if roll < skill:
            streak += 1
            wrong_in_row = 0
            add(
                "quiz.QuestionAnsweredCorrectly",
                question_id=question_id,
                question_revision=revision,
                answer=str(question_id % 17),
                streak=streak,
                seconds_to_answer=seconds,
            )
            if stuck:
                stuck = False
                add("quiz.StudentGotUnstuck")
            if streak >= streak_goal:
                add(
                    "quiz.QuizPassed",
                    questions_answered=number,
                    mistakes=number - streak,
                    seconds=int(number * 40),
                )
                break
        else:
            streak = 0
            wrong_in_row += 1
            if roll < skill + (1 - skill) * 0.75:
                answer = rng.choice(["1/2", " 0,5", "X", "12", "twelve", str(rng.randrange(40))])
                add(
                    "quiz.QuestionAnsweredIncorrectly",
                    question_id=question_id,
                    question_revision=revision,
                    answer=answer,
                    seconds_to_answer=seconds,
                )
            else:
                add(
                    "quiz.AnswerRevealed",
                    question_id=question_id,
                    question_revision=revision,
                    seconds_to_answer=seconds,
                )
            if wrong_in_row >= 3 and not stuck:
                stuck = True
                add("quiz.StudentGotStuck")
    return history


def quizzes(
    seed: int, roster: Roster, start: datetime, *, spacing: timedelta = timedelta(seconds=7)
) -> Iterator[QuizHistory]:
    """An endless, reproducible series of quizzes, started `spacing` apart."""
    rng = random.Random(seed)
    at = start
    while True:
        yield quiz(rng, roster, at)
        at += spacing
