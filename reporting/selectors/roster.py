"""The roster as the reports name it: a class's students and how a person is called.

Teachers know their students by name; a user's full name stands in for its username when set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from studyflow.models import Classroom


@dataclass(frozen=True)
class Person:
    id: int
    name: str


def display_name(user: Any) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return full or user.username


def class_students(classroom: Classroom) -> list[Person]:
    users = classroom.students.only("id", "username", "first_name", "last_name")
    people = [Person(u.pk, display_name(u)) for u in users]
    return sorted(people, key=lambda p: (p.name.casefold(), p.id))


def student_ids(classroom: Classroom) -> list[int]:
    return list(classroom.students.values_list("pk", flat=True))


def names(user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: display_name(u) for u in users.only("username", "first_name", "last_name")}
