"""Roster fixtures: users in a role, a school and its classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from studyflow.models import Classroom, School
from studyflow.roles import STUDENTS, TEACHERS


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(username: str, *, role: str | None = None, **fields: Any) -> Any:
        user = get_user_model().objects.create_user(username=username, password="pw", **fields)
        if role in (TEACHERS, STUDENTS):
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if role == "staff":
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    return make


@pytest.fixture
def school(db: None) -> School:
    return School.objects.create(name="Roster School")


@pytest.fixture
def make_class(school: School) -> Callable[..., Classroom]:
    def make(name: str, *, teachers: tuple[Any, ...] = (), students: tuple[Any, ...] = ()) -> Any:
        classroom = Classroom.objects.create(school=school, name=name)
        classroom.teachers.add(*teachers)
        classroom.students.add(*students)
        return classroom

    return make
