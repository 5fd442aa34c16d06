"""The school roster: schools, their classes, and who teaches or studies in which class.

Users are Django's own; a user's role is a group membership (`teachers`, `students`) or `is_staff`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower


class School(models.Model):
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


class Classroom(models.Model):
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
