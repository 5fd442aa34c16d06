"""The course admin: a course's page with its chapters as rows (each titled its own, a new one
numbered after the last), deleted only while it has no questions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from quiz.admin.chapters import ChapterFields
from quiz.admin.shared import (
    KeepsItsQuestions,
    LastWhenEmptyForm,
    NumberedAdmin,
    NumbersInTheirBounds,
    name_row_fields,
)
from quiz.content import no_number_left, number_after
from quiz.models import Chapter, Course
from studyflow.admin_forms import RowsNamedAsStored
from studyflow.taken_meanwhile import RowsUniqueInTheirParent


class CourseForm(LastWhenEmptyForm):
    goes_after = "the last course"
    what = "course"

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Course] | None:
        return Course.objects.all()


class CourseChaptersFormSet(RowsUniqueInTheirParent):
    """The course page's chapter rows: titles that differ in more than case. The rows' forms leave
    the course out of their checks (it is the page's), so the database's constraint would be the
    first to notice; every chapter of the course is a row, so comparing the rows is enough, but
    for a chapter another staff member added meanwhile (RowsUniqueInTheirParent)."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if form.instance.pk is None:  # a new row: empty goes after the course's last chapter
            form.fields["order"].initial = None
            form.fields["order"].required = False
        title = form.instance.title if form.instance.pk else ""
        name_row_fields(
            form,
            {
                "order": "Number of {row}",
                "title": "Title of {row}",
                "streak_goal": "Streak goal of {row}",
                "DELETE": "Delete {row}",
            },
            f"chapter “{title}”" if title else "the new chapter",
        )

    def clean(self) -> None:
        super().clean()
        seen: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            title = data.get("title")
            if not title or data.get("DELETE"):
                continue
            if title.lower() in seen:
                raise forms.ValidationError(
                    f"The chapters “{seen[title.lower()]}” and “{title}” have one title "
                    "(in any case): give each chapter of the course its own."
                )
            seen[title.lower()] = title
        self.number_new_rows()

    def number_new_rows(self) -> None:
        """New rows left without a number go after the others, in the order of the rows; a row
        after the highest number is refused on its number (no number is left for it)."""
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        numbered = [form for form in kept if form.cleaned_data.get("order") is not None]
        last = max(numbered, key=lambda form: form.cleaned_data["order"], default=None)
        for form in kept:
            if form.instance.pk is not None or form.cleaned_data.get("order") is not None:
                continue
            number = number_after(None if last is None else last.cleaned_data["order"])
            if number is None:
                assert last is not None  # no number is left only after one
                title = last.cleaned_data.get("title")
                form.add_error(
                    "order",
                    no_number_left(
                        what="chapter",
                        last=f"the chapter “{title}”" if title else "the last chapter",
                        last_number=last.cleaned_data["order"],
                    ),
                )
                continue
            form.cleaned_data["order"] = form.instance.order = number
            last = form


class ChapterInline(ChapterFields, NumbersInTheirBounds, admin.TabularInline):
    model = Chapter
    formset = CourseChaptersFormSet
    extra = 0
    fields = ["order", "title", "streak_goal", "question_count"]
    readonly_fields = ["question_count"]
    ordering = ["order", "pk"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chapter]:
        # One count per page instead of one query per chapter row.
        live = Count("questions", filter=Q(questions__live=True))
        return (
            super().get_queryset(request).annotate(num_questions=Count("questions"), num_live=live)
        )

    @admin.display(description="questions")
    def question_count(self, chapter: Chapter) -> str:
        total = int(getattr(chapter, "num_questions", 0) or 0)
        live = int(getattr(chapter, "num_live", 0) or 0)
        return str(total) if live == total else f"{total} ({live} live)"


@admin.register(Course)
class CourseAdmin(RowsNamedAsStored, NumberedAdmin, KeepsItsQuestions):
    form = CourseForm
    list_display = ["title", "school", "order"]
    list_filter = ["school"]
    inlines = [ChapterInline]
    questions_of = "chapter__course_id"

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        if obj.order is None:
            obj.order = form.number_after_the_last()
        super().save_model(request, obj, form, change)
