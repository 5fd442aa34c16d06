"""Common wrong answers regrouped (version 2 of `wrong_answers`: a decimal number in one spelling;
3: degrees and prices too; 4: more spellings of them): a worker running the new code finds the rows
of an older version and rebuilds them from the log on its own."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime

import pytest

from events import projections, runner
from events.models import ProjectionCheckpoint
from events.store import NO_STREAM, NewEvent, append, settle
from reporting.models import WrongAnswer, WrongAnswerStudent
from tests.projection_support import postgres_only

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


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


def test_rows_of_the_old_grouping_are_rebuilt_by_the_new_version() -> None:
    question = 10_000_000 + uuid.uuid4().int % 1_000_000  # this test's own question
    # given a site whose wrong answers were grouped by spelling by version 1, projected to the end
    wrong_answers(1, question, "0,6", "0.6")
    wrong_answers(2, question, ".6", "35 %")
    wrong_answers(3, question, "35%", "7 graden", "7 °C")
    wrong_answers(4, question, "7 oC", "7\u02da", "euro 5", "€ 5,-")
    settle()
    then = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for answer in ("0,6", "0.6", ".6"):
        WrongAnswer.objects.create(
            question_id=question, answer=answer, chapter_id=1, count=1, students=1
        )
    WrongAnswerStudent.objects.create(question_id=question, answer="0,6", student_id=1, count=1)
    ProjectionCheckpoint.objects.filter(name="wrong_answers").delete()
    ProjectionCheckpoint.objects.create(
        name="wrong_answers", cursor="", position=42, last_event_at=then, version=1
    )
    runner._ensured.discard("wrong_answers")
    assert projections.get("wrong_answers").version == 4
    # when a worker of the new version catches up
    result = runner.catch_up("wrong_answers", budget_seconds=math.inf)
    # then the old rows are gone and the list is grouped the new way, from the log
    assert result.done
    rows = {
        r.answer: (r.count, r.students) for r in WrongAnswer.objects.filter(question_id=question)
    }
    assert rows == {"0.6": (3, 2), "35%": (2, 2), "7°": (4, 2), "€5": (2, 1)}
    checkpoint = ProjectionCheckpoint.objects.get(name="wrong_answers")
    assert (checkpoint.version, checkpoint.status) == (4, "ok")
