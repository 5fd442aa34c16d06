"""The chapter admin: a chapter's page with its questions as rows (renumbered or made live there;
added through the question form), its title kept on one line, deleted only while it has no
questions.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest

from quiz.admin.revisions import short_text, with_current_text
from quiz.admin.shared import (
    KeepsItsQuestions,
    LastWhenEmptyForm,
    NamesSchools,
    NumberedAdmin,
    NumbersInTheirBounds,
    name_row_fields,
)
from quiz.content import last_of
from quiz.models import Chapter, Question
from studyflow.admin_forms import RowsNamedAsStored
from studyflow.models import one_line


class ChapterForm(LastWhenEmptyForm):
    goes_after = "the course's last chapter"
    what = "chapter"

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Chapter] | None:
        course = data.get("course")
        return None if course is None else Chapter.objects.filter(course=course)


class OneLineField(forms.CharField):
    """A title as it reads, in the form's own data: "Powers  of ten" (or with a soft line break
    pasted from a word processor) is "Powers of ten" before the rows are compared with each other,
    not only when the model saves it."""

    def to_python(self, value: Any) -> str:
        return one_line(super().to_python(value) or "")


class ChapterFields:
    """A chapter's title is kept on one line."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "title":
            kwargs.update(form_class=OneLineField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class ChapterQuestionsFormSet(forms.BaseInlineFormSet):
    """The chapter page's question rows: each number once (what QuestionForm.clean_order asks of
    a single question). The rows are the chapter's questions, so numbers may be swapped; but for
    one another staff member added since the page was opened, or while it is saved."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        name_row_fields(
            form,
            {"order": "Number of {row}", "live": "{row} live for students"},
            f"Question {form.instance.pk}",
        )

    def clean(self) -> None:
        # Before Django's own check of the rows (the unique constraint's), which said only
        # "Please correct the duplicate data for order" and marked one of the two rows.
        numbered: dict[int, Any] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            order = data.get("order")
            if order is None:
                continue
            if order in numbered:
                first, second = numbered[order].instance.pk, form.instance.pk
                raise forms.ValidationError(
                    f"Questions {first} and {second} both have number {order}. "
                    "Give each question of the chapter its own number."
                )
            numbered[order] = form
        super().clean()
        self.refuse_numbers_of_questions_not_shown(numbered)

    def refuse_numbers_of_questions_not_shown(self, numbered: dict[int, Any]) -> None:
        """A row's number that a question not among the rows has (added since the page was
        opened: the form check of a save that met one added meanwhile, FormAgainWhenTaken)."""
        if not numbered or self.instance.pk is None:  # a new chapter has no questions yet
            return
        shown = [form.instance.pk for form in self.forms if form.instance.pk is not None]
        others = (
            Question.objects.filter(chapter=self.instance, order__in=list(numbered))
            .exclude(pk__in=shown)
            .values_list("order", "pk")
        )
        for order, pk in others:
            numbered[order].add_error(
                "order",
                f"Question {pk} of this chapter has number {order} already (it was added since "
                "this page was opened: reload it to see that question). Pick another.",
            )

    def save_existing_objects(self, commit: bool = True) -> list[Question]:
        if commit:
            self.move_renumbered_rows_past_the_last()
        return super().save_existing_objects(commit)

    def move_renumbered_rows_past_the_last(self) -> None:
        """The rows whose number changes first leave their old numbers, past the chapter's last
        (in one update): saved one by one, a swap's first row met the other's old number in the
        database's unique constraint. Each is then saved with its new number."""
        renumbered = [
            form.instance.pk for form in self.initial_forms if "order" in form.changed_data
        ]
        if not renumbered:
            return
        # Past the chapter's last number, also past the highest (MAX_ORDER): for a moment only.
        last = last_of(Question.objects.filter(chapter=self.instance))
        past = 1 if last is None else last.order + 1
        # Numbers of one chapter differ, so do these; each is above every number it had before.
        Question.objects.filter(pk__in=renumbered).update(order=F("order") + past)


class QuestionInline(NumbersInTheirBounds, admin.TabularInline):
    model = Question
    formset = ChapterQuestionsFormSet
    extra = 0
    # The wording beside the number: "Question 61" alone did not say which to renumber or draft.
    fields = ["order", "live", "current_text", "kind", "current_revision"]
    readonly_fields = ["current_text", "kind", "current_revision"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return with_current_text(super().get_queryset(request))

    @admin.display(description="text")
    def current_text(self, question: Question) -> str:
        return short_text(question)

    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # questions are added with their content through the question form


@admin.register(Chapter)
class ChapterAdmin(
    NamesSchools, ChapterFields, RowsNamedAsStored, NumberedAdmin, KeepsItsQuestions
):
    form = ChapterForm
    list_display = ["title", "course", "order", "streak_goal"]
    list_filter = ["course__school", "course"]
    list_select_related = ["course__school"]
    inlines = [QuestionInline]
    questions_of = "chapter_id"
    # The page's "Add a question to this chapter" button (questions are added through their form).
    change_form_template = "admin/quiz/chapter/change_form.html"

    def save_model(self, request: HttpRequest, obj: Chapter, form: Any, change: bool) -> None:
        if obj.order is None:
            obj.order = form.number_after_the_last()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        chapter = form.instance
        live = chapter.questions.filter(live=True).count()
        if 0 < live < chapter.streak_goal:
            messages.warning(
                request,
                f"“{chapter.title}” has {live} live question{'s' if live != 1 else ''} and a "
                f"streak goal of {chapter.streak_goal}: on the way to passing, a student gets "
                "the same question more than once. Add questions or lower the goal.",
            )
