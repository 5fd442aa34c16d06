"""The projections' upserts on both databases: each writes by a key the database holds unique
(an upsert names its conflict target, which SQLite and PostgreSQL refuse without one). Run on
SQLite too (the Makefile): a constraint the model declares may not exist there (SQLite has no
covering indexes, and Django leaves out a unique constraint with `include` altogether). And the
rest scores' hand-written read, which both databases run."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest

from reporting import analysis, selectors
from reporting.models import QuestionRestScore, QuestionStats, QuestionStudent
from reporting.projections import db
from reporting.projections.question_stats import (
    FirstTryRow,
    QuestionStatsRow,
    QuestionStudentRow,
    RestScoreRow,
)

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


def test_a_chapters_rest_scores_read_back_as_its_discrimination_index() -> None:
    # given the rest scores and first-try counts question_stats keeps for a generated chapter
    rng = random.Random(7)
    first_tries = [
        (student, question, rng.random() < 0.2 + student / 50)
        for student in range(1, 31)
        for question in rng.sample(range(1, 9), rng.randint(1, 8))
    ]
    scores = analysis.rest_scores(first_tries)
    db.add(
        QuestionRestScore,
        [RestScoreRow(5, *k, n) for k, n in scores.items()],
        REST_SCORE_KEY,
        "students",
    )
    tries = Counter(question for _, question, _ in first_tries)
    stats = [QuestionStatsRow(q, 1, 5, first_tries=n) for q, n in tries.items()]
    db.upsert(QuestionStats, stats, ("question_id", "revision"))
    # when the question table reads the chapter's index (with no question x student rows)
    index = selectors.discrimination(list(range(1, 9)), chapter_id=5)
    # then it is the reference's over the first tries
    want = analysis.discrimination(first_tries)
    assert {q for q, value in want.items() if value is not None} == {
        q for q, value in index.items() if value is not None
    }
    for question, value in want.items():
        if value is not None:
            assert index[question] == pytest.approx(value, rel=1e-12)
