"""Data migrations of the read models, run backwards and forwards on a real database."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events.store import NO_STREAM, NewEvent, append
from reporting.models import StudentProgress

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reporting", "0003_question_student_chapter_index")
OPEN_QUIZ = ("reporting", "0005_fill_open_quizzes")


def migrate(target: tuple[str, str]) -> Any:
    """Migrate reporting to `target`; the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def quiz(student: int, chapter: int, *, passed: bool) -> uuid.UUID:
    """A quiz in the log: started, and passed when asked."""
    quiz_id = uuid.uuid4()
    common = {"quiz_id": str(quiz_id), "student_id": student, "chapter_id": chapter}
    events = [NewEvent("quiz.QuizStarted", {**common, "streak_goal": 3})]
    if passed:
        events.append(NewEvent("quiz.QuizPassed", common))
    append(f"quiz-{quiz_id}", events, NO_STREAM)
    return quiz_id


def test_the_open_quiz_column_is_filled_from_the_log() -> None:
    old = migrate(BEFORE)
    try:
        # given a site whose progress rows predate the column
        quiz(1, 1, passed=True)
        again = quiz(1, 1, passed=False)  # a passed chapter practised again
        quiz(1, 2, passed=True)
        open_one = quiz(2, 1, passed=False)
        later = quiz(3, 1, passed=False)  # a start the projection has not applied: no row
        progress = old.get_model("reporting", "StudentProgress")
        for student, chapter, status in ((1, 1, "passed"), (1, 2, "passed"), (2, 1, "in_progress")):
            progress.objects.create(student_id=student, chapter_id=chapter, status=status)
        # when the migration runs
        migrate(OPEN_QUIZ)
        # then each row names the quiz the student is on, and no row is made up
        rows = {(p.student_id, p.chapter_id): p.open_quiz_id for p in StudentProgress.objects.all()}
        assert rows == {(1, 1): again, (1, 2): None, (2, 1): open_one}
        assert later not in rows.values()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
