"""The school roster: schools, their classes, and who teaches or studies in which class.

Users are Django's own; a user's role is a group membership (`teachers`, `students`) or `is_staff`.
"""

from collections.abc import Collection
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone


class NamedUniquely(models.Model):
    """A model whose name is unique by its unique constraints (in any case, per school...): a name
    taken is the name's error, beside it on the admin's form (and in the row of an inline). The
    constraints compare expressions such as Lower("name"), or two fields, so Django reports them
    for the whole object, above the form."""

    name_field: ClassVar[str] = "name"

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(
                name_taken_on_field(error.update_error_dict({}), self._meta, self.name_field)
            ) from error


def name_taken_on_field(
    errors: dict[str, list[ValidationError]], meta: models.options.Options, field: str
) -> dict[str, list[ValidationError]]:
    """`errors` with the unique constraints' violations moved from the whole object to `field`.
    Said once: a constraint's own message when one has it (Django's generic "... with this Course
    and Title already exists" of a case-sensitive twin repeats what the any-case one says)."""
    own = {
        str(constraint.violation_error_message)
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.violation_error_message != constraint.default_violation_error_message
    }
    whole = errors.pop(NON_FIELD_ERRORS, [])
    said = [e for e in whole if e.message in own]
    generic = [e for e in whole if e.code == "unique_together"]
    if taken := said or generic:
        errors.setdefault(field, []).extend(taken)
    if rest := [e for e in whole if not any(e is t for t in [*said, *generic])]:
        errors[NON_FIELD_ERRORS] = rest
    return errors


class School(NamedUniquely):
    name = models.CharField(max_length=200)  # unique in any case: the constraint below

    class Meta:
        ordering = ["name"]
        constraints = [
            # "demo school" beside "Demo School" is a typo, not a second school.
            models.UniqueConstraint(
                Lower("name"),
                name="school_unique_name_any_case",
                violation_error_message="There is a school of this name already (in any case).",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = one_line(self.name)


def one_line(name: str) -> str:
    """A name as it reads: "Demo  School" (two spaces, invisible on a page) is "Demo School"."""
    return " ".join(name.split())


class Classroom(NamedUniquely):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classrooms")
    name = models.CharField(max_length=100)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_classes", blank=True
    )
    # A student is in at most one class; the admin form enforces it (a M2M keeps the door open for
    # history or re-grouping without a schema change, and reports key on "class at the time").
    students = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="classes", blank=True)

    class Meta:
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(
                F("school"),
                Lower("name"),
                name="classroom_unique_name_per_school_any_case",
                violation_error_message=(
                    "This school has a class of this name already (in any case)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"

    def clean(self) -> None:
        self.name = one_line(self.name)


class AddedClassList(models.Model):
    """A class list added with "Add students from a list", by its form's id: the same form sent
    again (a double click, whose two sends may be at once, or Back and send), from any session,
    finds it and adds nobody a second time. Written in the transaction that adds the list's
    students, so a list refused adds no row, and the form, corrected, may be sent again; the key
    refuses a second row, so of two sends at once the second waits for the first and then finds
    it (studyflow.services.add_students_from_list)."""

    list_id = models.UUIDField(primary_key=True)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"List {self.list_id} ({self.classroom_id})"
