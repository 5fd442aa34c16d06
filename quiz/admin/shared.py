"""What the course, chapter and question admins share: number inputs held to their model's
bounds, an empty number that puts a new course or chapter last, fields labelled as the form shows
them, pickers that name a course's school, a tabular row's inputs named for a screen reader, the
refusal to delete a course or chapter that has questions. A form (and page) that leaves the row it
edits as stored until it is saved is the roster's too: studyflow.admin_forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from quiz.content import NoNumberLeft, next_number
from quiz.models import Chapter, Course, Question
from studyflow.admin_forms import ChecksACopy
from studyflow.taken_meanwhile import FormAgainWhenTaken


def bounds_of(db_field: models.Field[Any, Any]) -> dict[str, Any]:
    """A number form field's arguments that hold it to its model field's bounds: the tightest of
    its validators (a number's, beside a positive integer's 0 and the database's 2,147,483,647),
    each refused with its validator's message, as the model would."""
    if not isinstance(db_field, models.IntegerField):
        return {}
    lowest = [v for v in db_field.validators if isinstance(v, MinValueValidator)]
    highest = [v for v in db_field.validators if isinstance(v, MaxValueValidator)]
    bounds: dict[str, Any] = {}
    refusals: dict[str, Any] = {}
    for argument, limit in (
        ("min_value", max(lowest, key=lambda v: v.limit_value, default=None)),
        ("max_value", min(highest, key=lambda v: v.limit_value, default=None)),
    ):
        if limit is not None:
            bounds[argument] = limit.limit_value
            refusals[argument] = limit.message
    return {**bounds, "error_messages": refusals} if bounds else {}


class NumbersInTheirBounds:
    """An admin (or inline) whose number inputs say their model's bounds to the browser, as min
    and max: a course's, chapter's or question's number (0..MAX_ORDER), a chapter's streak goal
    (1..20). Without them the inputs' arrows went past the bounds, which only the server then
    refused; the form refuses them with the model's own messages."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs = {**bounds_of(db_field), **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class NumberedAdmin(NumbersInTheirBounds, FormAgainWhenTaken):
    """A course's, chapter's or question's admin: its numbers in their bounds, and an empty number
    that a save finds no number left for (another staff member's took the highest since the form
    was checked) is said on the form, as the form says it when it sees that first."""

    taken_meanwhile = (NoNumberLeft,)


class LabelledAsShown(forms.ModelForm):
    """Each field labelled as the form shows it, also in the object's History: Django's history
    names a field by its label, and a field the form declares (not the model's) has none, so
    "Changed Live for students and accepted_answers." mixed the label of one with the name of the
    other. The page shows such a field by its name made readable: so does the history now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.label is None:
                field.label = pretty_name(name)


class LastWhenEmptyForm(ChecksACopy, LabelledAsShown):
    """A course or chapter. A new one: an empty number puts it after the others (the model's 0 put
    it before them, above "Math basics" on every student's dashboard), or is refused on the form
    when the last has the highest number (NoNumberLeft says why). A number given is kept. One
    refused is named on its page as stored (ChecksACopy)."""

    goes_after = "the others"
    what = "row"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "order" in self.fields:
            self.initial.pop("order", None)
            self.fields["order"].initial = None
            self.fields["order"].required = False
            self.fields["order"].help_text = f"Empty: after {self.goes_after}."

    def listed_with(self, data: dict[str, Any]) -> QuerySet[Any] | None:
        """The rows an empty number puts this one after (None: not known, the form says why)."""
        raise NotImplementedError

    def number_after_the_last(self) -> int:
        """The number an empty one stands for: after the others (NoNumberLeft when none is)."""
        others = self.listed_with(self.cleaned_data)
        assert others is not None, "a form with errors is not saved"
        return next_number(others, self.what)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        empty = "order" in data and data["order"] is None and self.instance.pk is None
        others = self.listed_with(data) if empty else None
        if others is not None:
            try:
                next_number(others, self.what)  # numbered when saved (save_model)
            except NoNumberLeft as error:
                self.add_error("order", error)
        return data


class NamesSchools:
    """The course and chapter pickers name a school's own course with its school (Course.__str__),
    in one query: two schools may each have a course of one title."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "course":
            kwargs.setdefault("queryset", Course.objects.select_related("school"))
        if db_field.name == "chapter":
            kwargs.setdefault("queryset", Chapter.objects.select_related("course__school"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class KeepsItsQuestions(admin.ModelAdmin):
    """Deleting a course or chapter deletes its questions, which past answers refer to: the
    delete page refuses it with the reason and what to do instead (Django's own page blamed
    missing permissions), and there is no bulk delete. An empty one is deleted as usual."""

    actions = None
    questions_of: str  # the Question lookup naming the course or chapter: "chapter_id"

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        pk = int(object_id) if object_id.isdigit() else 0
        count = Question.objects.filter(**{self.questions_of: pk}).count()
        if not count:
            return super().delete_view(request, object_id, extra_context)
        what = self.model._meta.model_name
        messages.error(
            request,
            f"This {what} has {count} question{'s' if count != 1 else ''}, so it cannot be "
            "deleted: questions are kept, so that every answer ever given to them stays readable. "
            "To take it away from students, untick “live for students” on its questions (the "
            "chapter then leaves their dashboards).",
        )
        return HttpResponseRedirect(reverse(f"admin:quiz_{what}_change", args=[object_id]))


def name_row_fields(form: forms.BaseForm, labels: dict[str, str], row: str) -> None:
    """Django's tabular inline gives a row's inputs no label (its column heads are not labels for
    them): each is named with its row ("Number of question 61"), for a screen reader or voice
    control. `labels` are formats of `row`."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].widget.attrs["aria-label"] = label.format(row=row)
