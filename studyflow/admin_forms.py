"""Admin forms (and pages) that leave the row they edit as stored until it is saved: a school's, a
class's, a course's, a chapter's, a question's. Here, beside the roster's admin, since the quiz's
admin builds on the roster and not the other way round.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse


class ChecksACopy(forms.ModelForm):
    """A form that checks its posted values on a copy of the row it edits: Django's checks write
    them to the instance (a question's chapter and number, a chapter's or course's title, a
    school's or class's name), and the admin names the page after the instance it gave the form. A
    refused save of a question moved to another chapter was titled "Question 2 (Percentages #2)",
    of a chapter renamed "Angles" "Test course / Angles", of a class renamed to a name its school
    has "2B (Demo School)", although nothing was saved; the page names the row as stored now. A
    save saves the copy (and the page's rows are saved with it: the admin gives them the form's
    instance)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is not None:  # the admin names it so
            kwargs["instance"] = copy(kwargs["instance"])
        super().__init__(*args, **kwargs)


class RowsNamedAsStored:
    """An admin whose page has rows of the row it edits (a chapter's questions, a course's
    chapters, a school's classes): a refused save names them with that row as stored, as the
    page's title does (ChecksACopy). The rows are checked, and saved, with the form's copy, as what
    they will belong to; but a refused chapter renamed "Angles" listed its questions as
    "Question 7 (Angles #1)"."""

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:  # changed, not added: the row as stored
            for inline in context.get("inline_admin_formsets", []):
                formset = inline.formset
                for row in formset.get_queryset():  # the rows the page names ("original")
                    setattr(row, formset.fk.name, obj)
        return super().render_change_form(  # type: ignore[misc]
            request, context, add, change, form_url, obj
        )
