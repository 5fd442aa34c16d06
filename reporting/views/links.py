"""Links the teacher pages write by the hundred."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_ANY_STUDENT = 2_147_483_647  # an id no student has: stands in for theirs in one reversed URL


def student_url_maker() -> Callable[[int], str]:
    """A student's page's URL from their id, with the URL reversed once: a page naming a hundred
    and more students spent a tenth of its time reversing the same pattern."""
    pattern = reverse("reporting:student", args=[_ANY_STUDENT])
    head, tail = pattern.split(str(_ANY_STUDENT))
    return lambda student: f"{head}{student}{tail}"
