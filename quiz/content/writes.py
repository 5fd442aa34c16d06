"""Create and revise questions. Writes validate first (one clear message per field) and never
change a saved revision: an edit adds a revision and moves `Question.current_revision`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from quiz.content.numbering import next_number
from quiz.content.validation import CleanContent, _content_of, clean_content
from quiz.models import Chapter, Question, QuestionRevision
from studyflow.taken_meanwhile import unique_violation


def create_question(
    *,
    chapter: Chapter,
    kind: str,
    text: str,
    choices: Sequence[Mapping[str, Any]] | None,
    accepted_answers: Sequence[str],
    worked_answer: str,
    actor: Any = None,
    order: int | None = None,
    live: bool = True,
) -> Question:
    """A new question with its first revision. `order` defaults to after the chapter's last (also
    when another question takes that number meanwhile), NoNumberLeft when the last has the highest
    number; a number another question of the chapter has is an IntegrityError (the admin's form
    says both first). A question not `live` is a draft, which quizzes do not assign."""
    content = clean_content(
        kind=kind,
        text=text,
        choices=choices,
        accepted_answers=accepted_answers,
        worked_answer=worked_answer,
    )
    with transaction.atomic():
        if order is None:
            question = _create_last(chapter=chapter, kind=kind, live=live)
        else:
            question = Question.objects.create(chapter=chapter, kind=kind, order=order, live=live)
        _add_revision(question, content, actor=actor, number=1)
    return question


# A try loses only to a question saved in the instant between reading the last number and saving
# this one: more clashes than this in a row are not a race but something else, and are raised.
NUMBERING_TRIES = 5


def _create_last(*, chapter: Chapter, kind: str, live: bool) -> Question:
    """A question after the chapter's last. Another one saved meanwhile may take that number (two
    staff adding to one chapter at once): then the number after it, as if this one came second."""

    def create() -> Question:
        order = next_number(Question.objects.filter(chapter=chapter), "question")
        return Question.objects.create(chapter=chapter, kind=kind, order=order, live=live)

    for _ in range(NUMBERING_TRIES - 1):
        try:
            with transaction.atomic():  # a savepoint: the outer transaction goes on after a clash
                return create()
        except IntegrityError as error:
            if not unique_violation(error):
                raise
    return create()


def revise_question(
    *,
    question: Question,
    text: str,
    choices: Sequence[Mapping[str, Any]] | None,
    accepted_answers: Sequence[str],
    worked_answer: str,
    actor: Any = None,
) -> QuestionRevision:
    """Add a revision when the content differs from the current one; return the current revision."""
    content = clean_content(
        kind=question.kind,
        text=text,
        choices=choices,
        accepted_answers=accepted_answers,
        worked_answer=worked_answer,
    )
    with transaction.atomic():
        # Lock the question so two editors saving at once get consecutive revision numbers.
        locked = Question.objects.select_for_update().get(pk=question.pk)
        latest = QuestionRevision.objects.filter(
            question=locked, revision=locked.current_revision
        ).first()
        if latest is not None and _content_of(latest) == content:
            question.current_revision = locked.current_revision
            return latest
        revision = _add_revision(locked, content, actor=actor, number=locked.current_revision + 1)
    question.current_revision = revision.revision
    return revision


def _add_revision(
    question: Question, content: CleanContent, *, actor: Any, number: int
) -> QuestionRevision:
    created_by = actor if actor is not None and getattr(actor, "pk", None) is not None else None
    revision = QuestionRevision.objects.create(
        question=question,
        revision=number,
        text=content.text,
        choices=[c.as_dict() for c in content.choices],
        accepted_answers=list(content.accepted_answers),
        worked_answer=content.worked_answer,
        created_by=created_by,
    )
    Question.objects.filter(pk=question.pk).update(current_revision=number)
    question.current_revision = number
    return revision
