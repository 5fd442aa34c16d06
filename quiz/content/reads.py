"""The question pool for quizzes, and the content other parts show. Reads return plain frozen
dataclasses so the quiz services and the pure domain never touch model instances."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from quiz.content.validation import Choice, _content_of
from quiz.models import Chapter, Course, Question, QuestionRevision


@dataclass(frozen=True)
class QuestionContent:
    """One revision of a question, as a quiz sees it."""

    id: int
    revision: int
    kind: str
    text: str
    choices: tuple[Choice, ...]
    accepted_answers: tuple[str, ...]
    worked_answer: str


@dataclass(frozen=True)
class ChapterInfo:
    id: int
    course_id: int
    title: str
    streak_goal: int
    school_id: int | None = None  # its course's school; None: a course for every school


def _snapshot(revision: QuestionRevision, kind: str) -> QuestionContent:
    content = _content_of(revision)
    return QuestionContent(
        id=revision.question_id,
        revision=revision.revision,
        kind=kind,
        text=content.text,
        choices=content.choices,
        accepted_answers=content.accepted_answers,
        worked_answer=content.worked_answer,
    )


def current_revision(question: Question | int) -> QuestionContent:
    """The revision students get now. Raises Question.DoesNotExist for an unknown question."""
    question_id = question.pk if isinstance(question, Question) else question
    revision = (
        QuestionRevision.objects.select_related("question")
        .filter(question_id=question_id, revision=F("question__current_revision"))
        .first()
    )
    if revision is None:
        raise Question.DoesNotExist(f"No question {question_id} with a current revision.")
    return _snapshot(revision, revision.question.kind)


def question_revision(question_id: int, revision: int) -> QuestionContent:
    """A given (possibly old) revision: what the student saw when a past event happened."""
    row = (
        QuestionRevision.objects.select_related("question")
        .filter(question_id=question_id, revision=revision)
        .first()
    )
    if row is None:
        raise QuestionRevision.DoesNotExist(f"No revision {revision} of question {question_id}.")
    return _snapshot(row, row.question.kind)


def _current_revisions(chapter_id: int) -> QuerySet[QuestionRevision]:
    return (
        QuestionRevision.objects.select_related("question")
        .filter(question__chapter_id=chapter_id, revision=F("question__current_revision"))
        .order_by("question__order", "question_id")
    )


def chapter_pool(chapter_id: int) -> tuple[QuestionContent, ...]:
    """The questions quizzes assign: the chapter's live ones at their current revisions, in
    chapter order (one query)."""
    revisions = _current_revisions(chapter_id).filter(question__live=True)
    return tuple(_snapshot(r, r.question.kind) for r in revisions)


def chapter_questions(chapter_id: int) -> list[tuple[QuestionContent, bool]]:
    """Every question of the chapter at its current revision, drafts too, each with whether it is
    live (what staff see; one query)."""
    return [
        (_snapshot(r, r.question.kind), r.question.live) for r in _current_revisions(chapter_id)
    ]


def has_live_question(chapter_id: int) -> bool:
    """Whether a quiz on the chapter has a question to ask now (a live one, not a draft)."""
    return Question.objects.filter(chapter_id=chapter_id, live=True).exists()


def chapter_info(chapter_id: int) -> ChapterInfo | None:
    chapter = Chapter.objects.filter(pk=chapter_id).values(
        "id", "course_id", "title", "streak_goal", "course__school_id"
    )
    row = chapter.first()
    if row is None:
        return None
    return ChapterInfo(
        id=row["id"],
        course_id=row["course_id"],
        title=row["title"],
        streak_goal=row["streak_goal"],
        school_id=row["course__school_id"],
    )


def courses_with_chapters(schools: Collection[int] | None = None) -> QuerySet[Course]:
    """Courses in order, each with its chapters in order, a chapter's `question_count` the live
    questions a student can be asked (drafts left out). `schools`: the courses for every school
    and those schools' own (None: every course)."""
    live = Count("questions", filter=Q(questions__live=True))
    chapters = Chapter.objects.annotate(question_count=live).order_by("order", "id")
    return (
        for_schools(Course.objects.all(), schools, "school")
        .order_by("order", "id")
        .prefetch_related(Prefetch("chapters", queryset=chapters))
    )


def for_schools(
    query: QuerySet[Any], schools: Collection[int] | None, school: str
) -> QuerySet[Any]:
    """`query` kept to what belongs to every school (its `school` field empty) or to one of
    `schools`; None: everything (staff)."""
    if schools is None:
        return query
    return query.filter(Q(**{f"{school}__isnull": True}) | Q(**{f"{school}__in": list(schools)}))
