"""The question table's hand-written reads, on both databases (the Makefile runs this on SQLite
too): the discrimination index from the rest scores and the medians from the histograms of
seconds, each equal to its pure reference in reporting.analysis over the same rows."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from reporting import analysis, selectors
from reporting.models import QuestionDuration, QuestionRestScore, QuestionStats
from reporting.projections import db
from reporting.projections.question_stats import BucketRow, QuestionStatsRow, RestScoreRow

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
