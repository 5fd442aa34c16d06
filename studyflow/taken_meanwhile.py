"""Admin forms whose name was taken by another staff member between the form's checks and its save.

Two staff saving one name at once (a course's title, a chapter's in a course, a school's or a
class's name, a username) both pass their form's checks; the second save meets the database's
unique constraint (or a school's own course beside a shared one of that title, its exclusion
constraint) as an IntegrityError, a server error. The admin saves a form in one transaction,
undone by then (its inline rows too): the form checked once more finds the other's row and says so
on its field (studyflow.models.NamedUniquely), as when that row was there before. An inline's rows
are checked against the database too (RowsUniqueInTheirParent), or that check would not find it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse

# PostgreSQL's unique_violation; SQLite has no code, only the message.
UNIQUE_VIOLATION = "23505"
# PostgreSQL's exclusion_violation: a rule between rows that no unique key can say (a school's
# own course beside a shared one of that title, quiz 0015).
EXCLUSION_VIOLATION = "23P01"


def unique_violation(error: IntegrityError) -> bool:
    """Did the database refuse a row for a unique key another row has (not a foreign key, a
    check, a NOT NULL)?"""
    return getattr(error.__cause__, "sqlstate", None) == UNIQUE_VIOLATION or str(error).startswith(
        "UNIQUE constraint failed"
    )


def taken(error: IntegrityError) -> bool:
    """Did the database refuse a row for what another row has taken: a unique key, or a place an
    exclusion constraint keeps for one row (not a foreign key, a check, a NOT NULL)?"""
    return (
        unique_violation(error) or getattr(error.__cause__, "sqlstate", None) == EXCLUSION_VIOLATION
    )


class FormAgainWhenTaken(admin.ModelAdmin):
    """An admin whose add and change pages answer a unique key taken meanwhile with the form again.

    Checked once more: a key the form does not check fails the same way the second time, and
    that error is raised (not a loop)."""

    # Other errors of a save that met another staff member's save since the form was checked, and
    # that the form's own checks find once they see it (the quiz's: no number left after the
    # last, since theirs took the highest). Checked once more, as for a key.
    taken_meanwhile: tuple[type[Exception], ...] = ()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if not taken(error):
                raise
        except self.taken_meanwhile:
            pass
        return super().changeform_view(request, object_id, form_url, extra_context)


class RowsUniqueInTheirParent(forms.BaseInlineFormSet):
    """An inline's new and changed rows checked against the unique constraints that name their
    parent (a chapter's title in its course, a class's name in its school). Django leaves the
    parent out of a row's constraint checks (it may not be saved yet), so only the database saw a
    row another staff member added to this parent meanwhile. A new parent has no rows yet."""

    def full_clean(self) -> None:
        super().full_clean()
        # After the formset's own checks: rows that clash with each other are said so there.
        if not self.is_bound or self.instance.pk is None or self.non_form_errors():
            return
        for form in self.forms:
            if form.errors or not form.has_changed() or form.cleaned_data.get(DELETION_FIELD_NAME):
                continue
            try:
                form.instance.validate_constraints(exclude=form._get_validation_exclusions())
            except ValidationError as error:
                form.add_error(None, error)
