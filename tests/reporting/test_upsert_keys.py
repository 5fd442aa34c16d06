"""The projections' upserts on both databases: each writes by a key the database holds unique
(an upsert names its conflict target, which SQLite and PostgreSQL refuse without one). Run on
SQLite too (the Makefile): a constraint the model declares may not exist there (SQLite has no
covering indexes, and Django leaves out a unique constraint with `include` altogether)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reporting.models import QuestionStudent
from reporting.projections import db
from reporting.projections.question_stats import QuestionStudentRow

pytestmark = pytest.mark.django_db


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
