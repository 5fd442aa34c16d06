"""A question's revisions in the admin: the read-only history under the question's form, and the
current revision's wording beside each question in a list (the question list, the chapter page's
question rows).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from quiz.admin.text_boxes import format_choice_lines
from quiz.models import Question, QuestionRevision

REVISION_FIELDS = (
    "revision",
    "text",
    "choice_lines",
    "answer_lines",
    "worked_answer",
    "created_at",
    "created_by",
)


def with_current_text(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Each question with its current revision's wording as `text` (one subquery, no query a
    row)."""
    current = QuestionRevision.objects.filter(
        question=OuterRef("pk"), revision=OuterRef("current_revision")
    )
    return questions.annotate(text=Subquery(current.values("text")[:1]))


def short_text(question: Question) -> str:
    text: str = getattr(question, "text", "") or ""
    return text if len(text) <= 80 else text[:77] + "..."


class RevisionInline(admin.TabularInline):
    model = QuestionRevision
    extra = 0
    can_delete = False
    ordering = ["-revision"]
    fields = REVISION_FIELDS
    readonly_fields = REVISION_FIELDS
    verbose_name_plural = "Revision history (read-only; saving the form above adds a revision)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # As the form above writes them, one per line, rather than as stored (JSON).
    @admin.display(description="choices")
    def choice_lines(self, revision: QuestionRevision) -> str:
        return _lines(format_choice_lines(revision.choices or []).splitlines())

    @admin.display(description="accepted answers")
    def answer_lines(self, revision: QuestionRevision) -> str:
        return _lines(revision.accepted_answers)


def _lines(lines: list[str]) -> str:
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "-"
