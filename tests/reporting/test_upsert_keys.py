"""The projections' upserts on both databases: each writes by a key the database holds unique
(an upsert names its conflict target, which SQLite and PostgreSQL refuse without one). Run on
SQLite too (the Makefile): a constraint the model declares may not exist there (SQLite has no
covering indexes, and Django leaves out a unique constraint with `include` altogether)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reporting.models import QuestionRestScore, QuestionStudent
from reporting.projections import db
from reporting.projections.question_stats import FirstTryRow, QuestionStudentRow, RestScoreRow

pytestmark = pytest.mark.django_db

REST_SCORE_KEY = ("chapter_id", "question_id", "correct", "rest_tried", "rest_correct")


def test_a_question_student_row_written_twice_is_one_row_with_the_second_figures() -> None:
    first = QuestionStudentRow(question_id=7, student_id=3, chapter_id=2, answered=1)
    db.upsert(QuestionStudent, [first], ("question_id", "student_id"))
    db.upsert(
        QuestionStudent,
        [replace(first, answered=2, first_try_correct=True)],
        ("question_id", "student_id"),
    )
    rows = QuestionStudent.objects.values_list("question_id", "answered", "first_try_correct")
    assert list(rows) == [(7, 2, True)]


def test_rest_score_increments_add_up_below_zero_too_and_rows_load_by_a_shared_key() -> None:
    # given a rest score counted twice, once up and once down, and two first tries of a student
    key = (2, 7, True, 1, 0)
    db.add(QuestionRestScore, [RestScoreRow(*key, 2)], REST_SCORE_KEY, "students")
    db.add(QuestionRestScore, [RestScoreRow(*key, -1)], REST_SCORE_KEY, "students")
    for question in (7, 8):
        row = QuestionStudentRow(question, 3, 2, first_try_correct=question == 7)
        db.upsert(QuestionStudent, [row], ("question_id", "student_id"))
    # then the count is the sum, and the student's rows of the chapter load together
    assert list(QuestionRestScore.objects.values_list("students", flat=True)) == [1]
    loaded = db.load_all(QuestionStudent, ("student_id", "chapter_id"), {(3, 2)}, FirstTryRow)
    assert sorted(loaded[(3, 2)], key=lambda r: r.question_id) == [
        FirstTryRow(7, 3, 2, True),
        FirstTryRow(8, 3, 2, False),
    ]
