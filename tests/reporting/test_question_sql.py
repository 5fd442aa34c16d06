"""The question table's hand-written reads, on both databases (the Makefile runs this on SQLite
too): its questions and figures; the discrimination index from the rest scores and the medians
from the histograms of seconds, each equal to its pure reference in reporting.analysis over the
same rows; how its wrong answers read, which are the most common and who gave them."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from quiz.content import create_question, revise_question
from quiz.models import Chapter, Course
from reporting import analysis, selectors
from reporting.models import (
    QuestionDuration,
    QuestionRestScore,
    QuestionStats,
    QuestionStudent,
    WrongAnswer,
    WrongAnswerStudent,
)
from reporting.projections import db
from reporting.projections.question_stats import (
    BucketRow,
    QuestionStatsRow,
    QuestionStudentRow,
    RestScoreRow,
)
from reporting.projections.wrong_answers import WrongAnswerRow, WrongAnswerStudentRow

pytestmark = pytest.mark.django_db

REST_SCORE_KEY = ("chapter_id", "question_id", "correct", "rest_tried", "rest_correct")


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


@pytest.mark.parametrize("seed", range(5))
def test_the_median_seconds_of_each_question_are_its_histograms(seed: int) -> None:
    # given the histograms of seconds question_stats keeps, a question's over two revisions
    rng = random.Random(seed)
    histograms: dict[int, Counter[int]] = {}
    rows = []
    for question in range(1, 7):
        histogram: Counter[int] = Counter()
        for revision in (1, 2):
            for seconds in rng.sample(range(200), rng.randint(0 if revision == 2 else 1, 12)):
                count = rng.randint(1, 4)
                histogram[seconds] += count
                rows.append(BucketRow(question, revision, seconds, count))
        histograms[question] = histogram
    db.add(QuestionDuration, rows, ("question_id", "revision", "seconds"), "count")
    # when the question table reads the medians (of the questions asked for only)
    medians = selectors.median_seconds([*histograms, 99])
    # then each is the median of its question's histogram
    assert medians == {q: analysis.median_from_histogram(h) for q, h in histograms.items()}


def test_the_question_table_reads_its_questions_and_figures_as_they_are_now() -> None:
    # given a chapter with a choice question revised since, an open one and a draft never asked
    course = Course.objects.create(title="Sums", order=1)
    chapter = Chapter.objects.create(course=course, title="Halves", order=1)
    choices = [{"key": "a", "text": "1/3"}, {"key": "b", "text": "2/4"}]
    pick = create_question(
        chapter=chapter,
        kind="choice",
        text="Pick the half",
        choices=choices,
        accepted_answers=["a"],
        worked_answer="",
    )
    revise_question(
        question=pick,
        text="Pick the half, again",
        choices=choices,
        accepted_answers=["b"],
        worked_answer="2/4",
    )
    sums = create_question(
        chapter=chapter,
        kind="open",
        text="Half of 8?",
        choices=None,
        accepted_answers=["4"],
        worked_answer="4",
    )
    create_question(
        chapter=chapter,
        kind="open",
        text="Not yet",
        choices=None,
        accepted_answers=["1"],
        worked_answer="1",
        live=False,
    )
    # and their figures: per revision overall, per student for a class
    stats = [
        QuestionStatsRow(pick.pk, 1, chapter.pk, assigned=3, answered=2, correct=1, incorrect=1),
        QuestionStatsRow(pick.pk, 2, chapter.pk, assigned=1, answered=1, correct=1, first_tries=1),
    ]
    db.upsert(QuestionStats, stats, ("question_id", "revision"))
    rows = [
        QuestionStudentRow(sums.pk, 7, chapter.pk, answered=2, correct=1, first_try_correct=True),
        QuestionStudentRow(sums.pk, 8, chapter.pk, answered=1, first_try_correct=False),
        QuestionStudentRow(sums.pk, 9, chapter.pk, answered=5, first_try_correct=True),
    ]
    db.upsert(QuestionStudent, rows, ("question_id", "student_id"))
    # when the question table is read overall and for students 7 and 8
    overall = selectors.question_table(chapter.pk)
    mine = selectors.question_table(chapter.pk, students=[7, 8])
    # then the questions asked are there in order, with their texts now and their figures
    assert [(r.question, r.text) for r in overall] == [
        (pick.pk, "Pick the half, again"),
        (sums.pk, "Half of 8?"),
    ]
    assert (overall[0].assigned, overall[0].answered, overall[0].first_tries) == (4, 3, 1)
    assert (mine[1].answered, mine[1].correct, mine[1].first_tries, mine[1].first_try_correct) == (
        3,
        1,
        2,
        1,
    )
    assert selectors.question_table(chapter.pk, students=[])[1].answered == 0
    # and a wrong answer reads as the question reads now
    readings = selectors.answer_readings([pick.pk, sums.pk])
    assert readings[pick.pk] == selectors.AnswerReading(
        {"a": "a: 1/3", "b": "b: 2/4"}, "choice", ["b"]
    )
    assert readings[sums.pk] == selectors.AnswerReading(None, "open", ["4"])


def test_the_common_wrong_answers_and_who_gave_them_are_ranked_as_the_page_shows_them() -> None:
    # given question 5's wrong answers: "7" by three students (one of them twice), "x" and "y"
    # twice each by one student (a tie: in the answers' order), "8" once with no moment
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    given = [
        WrongAnswerStudentRow(5, "7", 1, 2, at),
        WrongAnswerStudentRow(5, "7", 2, 1, at + timedelta(minutes=5)),
        WrongAnswerStudentRow(5, "7", 3, 1, at - timedelta(minutes=5)),
        WrongAnswerStudentRow(5, "y", 2, 2, at),
        WrongAnswerStudentRow(5, "x", 4, 2, at),
        WrongAnswerStudentRow(5, "8", 4, 1, None),
        WrongAnswerStudentRow(6, "1", 1, 1, at),
    ]
    db.upsert(WrongAnswerStudent, given, ("question_id", "answer", "student_id"))
    totals: dict[tuple[int, str], list[WrongAnswerStudentRow]] = {}
    for row in given:
        totals.setdefault((row.question_id, row.answer), []).append(row)
    summed = [
        WrongAnswerRow(
            q,
            a,
            1,
            sum(r.count for r in rows),
            len(rows),
            max((r.last_seen for r in rows if r.last_seen), default=None),
        )
        for (q, a), rows in totals.items()
    ]
    db.upsert(WrongAnswer, summed, ("question_id", "answer"))
    # when the top three are read overall, and for students 1, 2 and 4
    overall = selectors.wrong_answers_by_question([5, 6], per_question=3)
    some = selectors.wrong_answers_by_question([5], students=[1, 2, 4], per_question=None)
    # then most often first, then by more students, then by the answer
    assert [(w.answer, w.count, w.students) for w in overall[5]] == [
        ("7", 4, 3),
        ("x", 2, 1),
        ("y", 2, 1),
    ]
    assert [(w.answer, w.count, w.students, w.last_seen) for w in some[5]] == [
        ("7", 3, 2, at + timedelta(minutes=5)),
        ("x", 2, 1, at),
        ("y", 2, 1, at),
        ("8", 1, 1, None),
    ]
    assert [w.answer for w in overall[6]] == ["1"]
    # and who gave "7" and "8": the latest two, then by name, of the students asked for only
    who = selectors.who_gave([(5, "7"), (5, "8")], students=[1, 2, 3, 4], limit=2)
    assert [p.id for p in who[(5, "7")]] == sorted([1, 2], key=lambda i: f"Student {i}")
    assert [p.id for p in who[(5, "8")]] == [4]
    assert [p.id for p in selectors.who_gave([(5, "7")], students=[3])[(5, "7")]] == [3]
    assert selectors.who_gave([(5, "7")], students=[]) == {}
