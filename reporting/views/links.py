"""Links the teacher pages write by the hundred."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_ANY_ID = 2_147_483_647  # an id no row has: stands in for theirs in one reversed URL


def student_url_maker() -> Callable[[int], str]:
    """A student's page's URL from their id, with the URL reversed once: a page naming a hundred
    and more students spent a tenth of its time reversing the same pattern."""
    return _url_maker("reporting:student")


def chapter_questions_url_maker() -> Callable[[int], str]:
    """A chapter's questions page's URL from its id, reversed once (a grid heads ten and more
    columns with one)."""
    return _url_maker("reporting:questions")


def _url_maker(name: str) -> Callable[[int], str]:
    pattern = reverse(name, args=[_ANY_ID])
    head, tail = pattern.split(str(_ANY_ID))
    return lambda pk: f"{head}{pk}{tail}"
