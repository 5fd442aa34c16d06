"""Reads of the roster for the API: the classes a user may see, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from studyflow import roles
from studyflow.class_cursor import ClassKey, decode_cursor, encode_cursor
from studyflow.models import Classroom


@dataclass(frozen=True)
class ClassPage:
    # Each with its school and `student_count`.
    classes: Sequence[Classroom]
    # The cursor of the page after this one; None on the last page.
    next_after: str | None


def class_page(user: roles.AnyUser, *, limit: int, after: str | None = None) -> ClassPage:
    """The classes `user` may see (roles.classes_visible_to), by school name, class name and id:
    `limit` of those after the cursor `after` (from the first when None). Raises
    class_cursor.InvalidCursor for a cursor this never handed out. One statement, however long
    the page: the students are counted in it."""
    classes = roles.classes_visible_to(user)
    if after is not None:
        school, name, id_ = decode_cursor(after)
        # After the key by the order below; the database compares the names as it sorts them.
        classes = classes.filter(
            Q(school__name__gt=school)
            | Q(school__name=school, name__gt=name)
            | Q(school__name=school, name=name, pk__gt=id_)
        )
    found = list(
        classes.annotate(student_count=Count("students", distinct=True)).order_by(
            "school__name", "name", "pk"
        )[: limit + 1]  # one more: is there a next page?
    )
    page = found[:limit]
    if len(found) <= limit:
        return ClassPage(page, None)
    last = page[-1]
    return ClassPage(page, encode_cursor(ClassKey(last.school.name, last.name, last.pk)))
