"""Data migrations of the read models, run backwards and forwards on a real database."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events import runner
from events.models import ProjectionCheckpoint
from events.store import NO_STREAM, NewEvent, append, settle
from reporting.models import StudentProgress, WrongAnswer, WrongAnswerStudent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reporting", "0003_question_student_chapter_index")
OPEN_QUIZ = ("reporting", "0005_fill_open_quizzes")
REGROUP = ("reporting", "0006_regroup_wrong_answers")


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


def wrong_answers(student: int, question: int, *answers: str) -> None:
    """A quiz in the log in which a student gave these wrong answers to one question."""
    quiz_id = uuid.uuid4()
    common = {"quiz_id": str(quiz_id), "student_id": student, "chapter_id": 1}
    wrong = {"question_id": question, "question_revision": 1, "seconds_to_answer": 5}
    events = [NewEvent("quiz.QuizStarted", {**common, "streak_goal": 3})]
    events += [
        NewEvent("quiz.QuestionAnsweredIncorrectly", {**common, **wrong, "answer": answer})
        for answer in answers
    ]
    append(f"quiz-{quiz_id}", events, NO_STREAM)


def test_the_wrong_answers_are_regrouped_by_a_rebuild_from_the_log() -> None:
    old = migrate(OPEN_QUIZ)
    try:
        # given a site whose wrong answers were grouped by spelling, and projected to the end
        wrong_answers(1, 7, "0,6", "0.6")
        wrong_answers(2, 7, ".6", "35 %")
        wrong_answers(3, 7, "35%")
        then = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        old_answers = old.get_model("reporting", "WrongAnswer")
        old_students = old.get_model("reporting", "WrongAnswerStudent")
        for answer, count, students in (("0,6", 1, 1), ("0.6", 1, 1), (".6", 1, 1)):
            old_answers.objects.create(
                question_id=7, answer=answer, chapter_id=1, count=count, students=students
            )
        old_students.objects.create(question_id=7, answer="0,6", student_id=1, count=1)
        checkpoints = old.get_model("events", "ProjectionCheckpoint")
        checkpoints.objects.create(
            name="wrong_answers",
            cursor="somewhere",
            position=42,
            last_event_at=then,
            events_applied=5,
            status="failed",
            last_error="boom",
            failed_position=43,
            failures=2,
            next_attempt_at=then,
        )
        checkpoints.objects.create(
            name="progress", cursor="elsewhere", position=9, events_applied=9
        )
        # when the migration runs
        migrate(REGROUP)
        # then the old rows are gone, and the checkpoint starts over, rebuilding the 5 wrong answers
        assert not WrongAnswer.objects.exists() and not WrongAnswerStudent.objects.exists()
        reset = ProjectionCheckpoint.objects.get(name="wrong_answers")
        assert (reset.cursor, reset.position, reset.last_event_at, reset.events_applied) == (
            "",
            None,
            None,
            0,
        )
        assert (reset.status, reset.rebuild_total, reset.rebuild_started_at is not None) == (
            "rebuilding",
            5,
            True,
        )
        assert (reset.last_error, reset.failed_position, reset.failures) == ("", None, 0)
        assert reset.next_attempt_at is None
        # and another projection is left alone
        progress = ProjectionCheckpoint.objects.get(name="progress")
        assert (progress.cursor, progress.events_applied, progress.status) == ("elsewhere", 9, "ok")
        # and a worker's catch-up refills the list from the log, grouped the new way
        settle()
        runner.catch_up("wrong_answers", budget_seconds=60)
        rows = {r.answer: (r.count, r.students) for r in WrongAnswer.objects.all()}
        assert rows == {"0.6": (3, 2), "35%": (2, 2)}
        done = ProjectionCheckpoint.objects.get(name="wrong_answers")
        assert (done.status, done.events_applied) == ("ok", 5)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_regrouping_without_a_checkpoint_empties_the_tables_and_makes_none() -> None:
    old = migrate(OPEN_QUIZ)
    try:
        # given old rows and no checkpoint (an operator deleted it, say)
        wrong_answers(1, 7, "0,6")
        old.get_model("reporting", "WrongAnswer").objects.create(
            question_id=7, answer="0,6", chapter_id=1, count=1, students=1
        )
        # when the migration runs
        migrate(REGROUP)
        # then the rows are gone, and the workers make the checkpoint when they first run,
        # starting at the beginning
        assert not WrongAnswer.objects.exists()
        assert not ProjectionCheckpoint.objects.filter(name="wrong_answers").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_regrouping_an_empty_log_leaves_the_checkpoint_ok_not_rebuilding() -> None:
    # (the suite's log is never empty: the function that starts a checkpoint over, on its own)
    regroup = importlib.import_module("reporting.migrations.0006_regroup_wrong_answers")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    empty = regroup.started_over(0, 0, now)
    assert (empty["status"], empty["rebuild_total"], empty["rebuild_started_at"]) == (
        "ok",
        None,
        None,
    )
    some = regroup.started_over(5, 0, now)
    assert (some["status"], some["rebuild_total"], some["rebuild_started_at"]) == (
        "rebuilding",
        5,
        now,
    )
    assert empty["cursor"] == some["cursor"] == "" and empty["events_applied"] == 0
