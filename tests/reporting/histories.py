"""Plain event histories for the pure projection tests (no database): hand-written and random."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from reporting.projections import common as c

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Ev:
    """Stands in for events.store.RecordedEvent in pure tests (the fields projections read)."""

    position: int
    type: str
    data: dict[str, Any]
    recorded_at: datetime
    stream_id: str = ""


@dataclass
class Log:
    """Builds one history; each call appends an event at the given time."""

    events: list[Ev] = field(default_factory=list)

    def add(self, kind: str, at: datetime, **data: Any) -> Ev:
        event = Ev(len(self.events) + 1, kind, data, at, f"quiz-{data.get('quiz_id', '')}")
        self.events.append(event)
        return event


@dataclass
class Quiz:
    log: Log
    student: int
    chapter: int
    classroom: int | None
    quiz_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    streak: int = 0
    wrong_in_row: int = 0
    stuck: bool = False

    def common(self) -> dict[str, Any]:
        return {
            "quiz_id": self.quiz_id,
            "student_id": self.student,
            "chapter_id": self.chapter,
            "classroom_id": self.classroom,
        }

    def start(self, at: datetime, course: int = 1, goal: int = 3) -> None:
        self.log.add(c.QUIZ_STARTED, at, course_id=course, streak_goal=goal, **self.common())

    def assign(self, at: datetime, question: int, revision: int = 1, number: int = 1) -> None:
        self.log.add(
            c.QUESTION_ASSIGNED,
            at,
            question_id=question,
            question_revision=revision,
            number=number,
            **self.common(),
        )

    def correct(self, at: datetime, question: int, answer: str = "1", seconds: float = 10) -> None:
        self.streak += 1
        self.wrong_in_row = 0
        self.log.add(
            c.ANSWERED_CORRECTLY,
            at,
            question_id=question,
            question_revision=1,
            answer=answer,
            streak=self.streak,
            seconds_to_answer=seconds,
            **self.common(),
        )
        if self.stuck:
            self.stuck = False
            self.log.add(c.GOT_UNSTUCK, at, **self.common())

    def wrong(self, at: datetime, question: int, answer: str = "2", seconds: float = 10) -> None:
        self.log.add(
            c.ANSWERED_INCORRECTLY,
            at,
            question_id=question,
            question_revision=1,
            answer=answer,
            seconds_to_answer=seconds,
            **self.common(),
        )
        self._miss(at)

    def reveal(self, at: datetime, question: int, seconds: float = 10) -> None:
        self.log.add(
            c.ANSWER_REVEALED,
            at,
            question_id=question,
            question_revision=1,
            seconds_to_answer=seconds,
            **self.common(),
        )
        self._miss(at)

    def _miss(self, at: datetime) -> None:
        self.streak = 0
        self.wrong_in_row += 1
        if self.wrong_in_row >= 3 and not self.stuck:
            self.stuck = True
            self.log.add(c.GOT_STUCK, at, **self.common())

    def passed(self, at: datetime) -> None:
        self.log.add(
            c.QUIZ_PASSED, at, questions_answered=0, mistakes=0, seconds=0, **self.common()
        )


def random_history(
    seed: int, *, students: int = 12, chapters: int = 3, questions: int = 6, steps: int = 400
) -> list[Ev]:
    """Interleaved quizzes of several students in several classes, with idle gaps of all sizes."""
    rng = random.Random(seed)
    log = Log()
    now = T0
    open_quizzes: dict[tuple[int, int], Quiz] = {}
    answers = ["1/2", "0,5", " 0.5 ", "2", "x = 3", "X=3", "7", "-1", "abc"]
    for _ in range(steps):
        now += timedelta(seconds=rng.choice([0, 3, 20, 45, 90, 299, 301, 600, 4000, 30000]))
        student = rng.randint(1, students)
        classroom = None if student % 7 == 0 else 100 + student % 3
        chapter = rng.randint(1, chapters)
        quiz = open_quizzes.get((student, chapter))
        if quiz is None:
            quiz = Quiz(log, student, chapter, classroom, str(uuid.UUID(int=rng.getrandbits(128))))
            open_quizzes[(student, chapter)] = quiz
            quiz.start(now)
        question = chapter * 100 + rng.randint(1, questions)
        quiz.assign(now, question)
        roll = rng.random()
        seconds = rng.choice([1, 2.5, 7, 7, 12, 30, 95.4])
        if roll < 0.55:
            quiz.correct(now, question, answer="ok", seconds=seconds)
            if quiz.streak >= 3:
                quiz.passed(now)
                del open_quizzes[(student, chapter)]
        elif roll < 0.85:
            quiz.wrong(now, question, answer=rng.choice(answers), seconds=seconds)
        else:
            quiz.reveal(now, question, seconds=seconds)
    return log.events
