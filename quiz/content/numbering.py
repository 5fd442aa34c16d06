"""Where a new course, chapter or question goes: the number after the last of the ones it is
listed with, and the refusal when no number is left after it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from quiz.models import MAX_ORDER, Chapter, Course, Question


# A new row's number: number_after is the rule (also for rows not saved yet, on the courses'
# page), next_number applies it after the last row saved (last_of). The chapter page's moving
# rows out of the way for a moment goes past the last too, but past the highest as well.
def last_of(numbered: QuerySet[Any]) -> Any | None:
    """The last of `numbered` (courses, chapters or questions listed together), as they are
    listed: the highest number, of two alike the newer; None when there are none."""
    return numbered.order_by("-order", "-pk").first()


def number_after(last: int | None) -> int | None:
    """The number that puts a new course, chapter or question after the last of the ones it is
    listed with (numbered `last`; None: there are none). None when no number is left after it:
    the last has the highest number, MAX_ORDER (or a number past it, saved before there was one)."""
    if last is None:
        return 1
    if last >= MAX_ORDER:
        return None
    return last + 1


def next_number(numbered: QuerySet[Any], what: str) -> int:
    """The number that puts a new `what` ("question") after the others it is listed with
    (`numbered`): NoNumberLeft when the last of them has the highest number."""
    last = last_of(numbered)
    number = number_after(None if last is None else int(last.order))
    if number is None:
        assert last is not None  # no number is left only after one
        raise NoNumberLeft(what=what, last=named(last), last_number=int(last.order))
    return number


def no_number_left(*, what: str, last: str, last_number: int) -> str:
    """Why a new `what` ("question") left without a number has none: after `last` ("question 61"),
    numbered `last_number`, no number is left."""
    highest = (
        f"number {last_number}, the highest there is"
        if last_number == MAX_ORDER
        else f"number {last_number}, past the highest ({MAX_ORDER})"
    )
    return (
        f"An empty number puts this {what} after the last, {last}, but that has {highest}. "
        f"Give this {what} a number, or first give {last} a lower one."
    )


class NoNumberLeft(ValidationError):
    """A new course, chapter or question left without a number ("after the last") where no number
    is left after the last. Refused rather than given a free number below: that would put it among
    the others, not after them where an empty number says it goes, and staff would not find it
    where they expect it (nor would students, on their dashboard)."""

    def __init__(self, *, what: str, last: str, last_number: int) -> None:
        super().__init__(
            no_number_left(what=what, last=last, last_number=last_number), code="no_number_left"
        )


def named(row: Course | Chapter | Question) -> str:
    """A course, chapter or question as a message names it mid-sentence."""
    if isinstance(row, Question):
        return f"question {row.pk}"
    return f"the {row._meta.verbose_name} “{row.title}”"
