"""The discrimination index from the rest scores question_stats keeps equals the reference
(reporting.analysis.discrimination over the first tries): pure, and as the question table reads
it from the database, where it falls back to the first tries when the rest scores do not cover
the chapter's questions as they are now."""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from events.store import ANY, NewEvent, append
from reporting import analysis, selectors
from reporting.models import QuestionRestScore, QuestionStudent
from tests.reporting.histories import random_history
from tests.reporting.world import Feeder


def same(got: dict[int, float | None], want: dict[int, float | None]) -> None:
    """Equal indices, a missing question as None (as the question table reads them)."""
    for question in set(got) | set(want):
        expected = want.get(question)
        if expected is None:
            assert got.get(question) is None, question
        else:
            assert got.get(question) == pytest.approx(expected, rel=1e-12, abs=1e-12), question


def chapter_first_tries(
    rng: random.Random, students: int, questions: int
) -> list[tuple[int, int, bool]]:
    """(student, question, first try correct): each student tries a random subset of the pool,
    a stronger student more often right."""
    rows = []
    for student in range(1, students + 1):
        skill = rng.random()
        for question in rng.sample(range(1, questions + 1), rng.randint(0, questions)):
            rows.append((student, question, rng.random() < skill))
    return rows


# --- pure ---------------------------------------------------------------------------------------


def test_a_question_the_strong_students_get_right_discriminates_from_its_rest_scores() -> None:
    # given three students: the two who got question 1 right did well on the rest
    first_tries = [
        (1, 1, True), (1, 2, True), (1, 3, True),
        (2, 1, True), (2, 2, True), (2, 3, False),
        (3, 1, False), (3, 2, False), (3, 3, False),
    ]  # fmt: skip
    # when the index is computed from the counted rest scores
    index = analysis.discrimination_from_rest_scores(analysis.rest_scores(first_tries).items())
    # then it is the reference's, and high for question 1
    same(dict(index), analysis.discrimination(first_tries))
    assert index[1] > 0.8


def test_a_question_everyone_got_right_or_a_lone_student_has_no_index() -> None:
    # given question 1 right for everyone, and question 9 tried by one student only
    first_tries = [(1, 1, True), (1, 2, True), (2, 1, True), (2, 2, False), (3, 9, True)]
    # when the index is computed from the rest scores
    index = analysis.discrimination_from_rest_scores(analysis.rest_scores(first_tries).items())
    # then neither question has one (the reference's None)
    assert 1 not in index and 9 not in index
    assert analysis.discrimination(first_tries)[1] is None


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 1_000_000), students=st.integers(0, 60), questions=st.integers(1, 15))
def test_the_index_from_rest_scores_equals_the_reference_on_any_chapter(
    seed: int, students: int, questions: int
) -> None:
    # given a generated chapter's first tries
    first_tries = chapter_first_tries(random.Random(seed), students, questions)
    # when the index is computed from their rest scores
    index = analysis.discrimination_from_rest_scores(analysis.rest_scores(first_tries).items())
    # then it equals the reference, question by question
    same(dict(index), analysis.discrimination(first_tries))


# --- as the question table reads it -------------------------------------------------------------

CHAPTERS, QUESTIONS = (1, 2), 8


def project_history(seed: int) -> None:
    """A random history of 40 students in two chapters of 8 questions, in the log (a quiz's
    events at once) and projected by question_stats in small batches."""
    quizzes: dict[str, list[NewEvent]] = {}
    for event in random_history(seed, students=40, chapters=2, questions=QUESTIONS, steps=900):
        quizzes.setdefault(event.stream_id, []).append(NewEvent(event.type, event.data))
    for stream, events in quizzes.items():
        append(stream, events, ANY)
    Feeder(batch_size=37).catch_up(("question_stats",))


def chapter_ids(chapter: int) -> list[int]:
    return [chapter * 100 + n for n in range(1, QUESTIONS + 1)]


def reference(questions: Collection[int], students: Collection[int] | None = None) -> Any:
    """The reference over the first tries of the question x student rows of `questions`."""
    rows = QuestionStudent.objects.filter(question_id__in=questions).exclude(first_try_correct=None)
    if students is not None:
        rows = rows.filter(student_id__in=students)
    return analysis.discrimination(
        (student, question, bool(ok))
        for student, question, ok in rows.values_list(
            "student_id", "question_id", "first_try_correct"
        )
    )


def read_index(questions: list[int], chapter: int) -> tuple[dict[int, float | None], bool]:
    """The chapter's index overall as the question table reads it, and whether it read the first
    tries (the question x student rows) for it."""
    with CaptureQueriesContext(connection) as queries:
        index = selectors.discrimination(questions, chapter_id=chapter)
    table = QuestionStudent._meta.db_table
    return index, any(table in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_question_table_reads_the_reference_index_from_the_rest_scores() -> None:
    # given a projected history
    project_history(seed=3)
    for chapter in CHAPTERS:
        ids = chapter_ids(chapter)
        want = reference(ids)
        assert any(value is not None for value in want.values()), "a history with no index"
        # when the chapter's index is read overall, then it comes from the rest scores
        index, read_first_tries = read_index(ids, chapter)
        assert not read_first_tries
        same(index, want)
        # and the statement over the first tries (for a class, or as the fallback) agrees
        same(selectors.discrimination(ids), want)
        students = set(range(1, 41, 3))
        same(selectors.discrimination(ids, students, chapter_id=chapter), reference(ids, students))


@pytest.mark.django_db(transaction=True)
def test_a_chapter_whose_questions_moved_reads_its_index_from_the_first_tries() -> None:
    # given a projected history, then a question of chapter 2 moved into chapter 1 and one of
    # chapter 1 moved out (the rest scores stay filed under the chapters of the first events)
    project_history(seed=4)
    moved_in, moved_out = chapter_ids(2)[0], chapter_ids(1)[-1]
    now = [*chapter_ids(1)[:-1], moved_in]
    for ids in (now, [*chapter_ids(1), moved_in], chapter_ids(1)[:-1]):
        # when chapter 1's index is read, then it comes from the first tries
        index, read_first_tries = read_index(ids, 1)
        assert read_first_tries
        # and it is the reference over the chapter's questions as they are now
        same(index, reference(ids))
    assert moved_out not in now


@pytest.mark.django_db(transaction=True)
def test_while_the_rest_scores_are_not_rebuilt_the_index_comes_from_the_first_tries() -> None:
    # given a projected history whose rest scores are missing (the release that added them is
    # migrated, the projection's rebuild still pending)
    project_history(seed=5)
    QuestionRestScore.objects.all().delete()
    ids = chapter_ids(1)
    # when the index is read, then it comes from the first tries, and is still the reference's
    index, read_first_tries = read_index(ids, 1)
    assert read_first_tries
    same(index, reference(ids))
