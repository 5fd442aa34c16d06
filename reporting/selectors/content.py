"""Chapters and questions as the reports name them: which chapters a page has something to say
about, titles, a question's current wording, and the labels of multiple-choice answers (as the
revision answered had them, or as the question reads now).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery

from quiz.content import for_schools
from quiz.models import Chapter, Question, QuestionKind, QuestionRevision
from reporting import wording
from reporting.models import Answer


@dataclass(frozen=True)
class ChapterRef:
    id: int
    title: str
    course: str = ""
    school_id: int | None = None  # its course's school; None: a course for every school

    def for_school(self, schools: Collection[int]) -> bool:
        return self.school_id is None or self.school_id in schools


def chapters() -> list[ChapterRef]:
    """Every chapter in course order, with its course's school (see ChapterRef.for_school)."""
    query = Chapter.objects.select_related("course").order_by("course__order", "course_id", "order")
    return [ChapterRef(c.pk, c.title, c.course.title, c.course.school_id) for c in query]


def chapters_and_askable() -> tuple[list[ChapterRef], frozenset[int]]:
    """chapters(), and the ids of those with a live question (a student may be asked from them
    now; see shown_chapters), in one query: every grid and student page needs both, and a query
    costs more to compile than to run."""
    live = Question.objects.filter(chapter_id=OuterRef("pk"), live=True)
    rows = list(
        Chapter.objects.order_by("course__order", "course_id", "order").values_list(
            "pk", "title", "course__title", "course__school_id", Exists(live)
        )
    )
    every = [ChapterRef(pk, title, course, school) for pk, title, course, school, _ in rows]
    return every, frozenset(pk for pk, _, _, _, askable in rows if askable)


def reported_chapters(schools: Collection[int] | None = None) -> list[ChapterRef]:
    """The chapters a question-difficulty page has something to say about: a live question, or an
    answer given to one of its questions. A chapter being written (drafts only) is left out."""
    askable = Question.objects.filter(live=True).values("chapter_id")
    answered = Answer.objects.values("chapter_id")
    query = (
        for_schools(Chapter.objects.all(), schools, "course__school")
        .filter(Q(pk__in=askable) | Q(pk__in=answered))
        .select_related("course")
        .order_by("course__order", "course_id", "order")
    )
    return [ChapterRef(c.pk, c.title, c.course.title, c.course.school_id) for c in query]


def chapter_titles(chapter_ids: Iterable[int]) -> dict[int, str]:
    ids = set(chapter_ids)
    if not ids:
        return {}
    return dict(Chapter.objects.filter(pk__in=ids).order_by().values_list("pk", "title"))


def question_texts(question_ids: Iterable[int]) -> dict[int, str]:
    """The current wording of each question (for labels)."""
    wanted = set(question_ids)
    # The current revision's text only (a question keeps every old revision). Unordered: the
    # models' order would join the chapter and the course for nothing (and cost a third of it).
    return dict(
        QuestionRevision.objects.filter(
            question_id__in=wanted, revision=F("question__current_revision")
        )
        .order_by()
        .values_list("question_id", "text")
    )


def answered_choice_labels(
    revisions: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], dict[str, str]]:
    """For each (question, revision) answered that is of a multiple-choice question, the labels
    of its choices as that revision had them (wording.choice_labels): what the student chose,
    even from a question edited since. One query for any number."""
    return answered_wording((), revisions)[1]


def answered_wording(
    questions: Iterable[int], revisions: Iterable[tuple[int, int]]
) -> tuple[dict[int, str], dict[tuple[int, int], dict[str, str]]]:
    """question_texts(questions) and answered_choice_labels(revisions), in one query: a student's
    page shows both for each of its answers."""
    ids, wanted = set(questions), set(revisions)
    asked = []
    if ids:
        asked.append(Q(question_id__in=ids, revision=F("question__current_revision")))
    if wanted:
        asked.append(
            Q(
                question_id__in={q for q, _ in wanted},
                revision__in={r for _, r in wanted},
                question__kind=QuestionKind.CHOICE,
            )
        )
    if not asked:
        return {}, {}
    rows = (
        QuestionRevision.objects.filter(reduce(operator.or_, asked))
        .order_by()
        .values_list(
            "question_id",
            "revision",
            "question__current_revision",
            "question__kind",
            "text",
            "choices",
        )
    )
    texts: dict[int, str] = {}
    labels: dict[tuple[int, int], dict[str, str]] = {}
    for question, revision, current_revision, kind, text, choices in rows:
        if question in ids and revision == current_revision:
            texts[question] = text
        if kind == QuestionKind.CHOICE and (question, revision) in wanted:
            labels[question, revision] = wording.choice_labels(choices)
    return texts, labels


def feed_choice_labels(positions: Iterable[int]) -> dict[int, dict[str, str]]:
    """For feed items of answers to a multiple-choice question (by event position), the labels
    of the choices of the revision answered. The feed keeps no revision: the answers table,
    keyed by the same event position, has it, and one query joins the two. An answer that table
    has not taken in yet is left out (the feed shows its key alone until its next refresh)."""
    wanted = set(positions)
    if not wanted:
        return {}
    choices = (
        QuestionRevision.objects.filter(
            question_id=OuterRef("question_id"),
            revision=OuterRef("question_revision"),
            question__kind=QuestionKind.CHOICE,
        )
        .order_by()
        .values("choices")[:1]
    )
    rows = (
        Answer.objects.filter(position__in=wanted)
        .annotate(choices=Subquery(choices))
        .order_by()
        .values_list("position", "choices")
    )
    return {position: wording.choice_labels(found) for position, found in rows if found}


@dataclass(frozen=True)
class AnswerReading:
    """How a question's wrong answers read now: its choices as a teacher reads an answer ("A:
    2/5", by its key as answers are checked: wording.choice_labels; None for an open question),
    and its kind and the answers its current revision accepts (a wrong answer of the past that
    the question now accepts is marked so; it stays wrong in the figures: it was judged by the
    question as it was)."""

    labels: dict[str, str] | None
    kind: str
    accepted: list[str]


def answer_readings(question_ids: Iterable[int]) -> dict[int, AnswerReading]:
    """AnswerReading of each question, from its current revision, in one query: written by hand
    (the question table's every view asks; the ORM took four times longer to compile it than the
    database took to answer). Both databases' SQL; the JSON columns arrive as text."""
    wanted = list(set(question_ids))
    if not wanted:
        return {}
    revisions = connection.ops.quote_name(QuestionRevision._meta.db_table)
    questions = connection.ops.quote_name(Question._meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.question_id, q.kind, r.choices, r.accepted_answers FROM {revisions} r "
            f"JOIN {questions} q ON q.id = r.question_id AND r.revision = q.current_revision "
            f"WHERE r.question_id IN ({marks})",
            wanted,
        )
        rows = cursor.fetchall()
    return {
        question: AnswerReading(
            wording.choice_labels(_json(choices)) if kind == QuestionKind.CHOICE else None,
            kind,
            list(_json(accepted)),
        )
        for question, kind, choices, accepted in rows
    }


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value
