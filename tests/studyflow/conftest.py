"""Roster fixtures: users in a role, a school and its classes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from studyflow.models import Classroom, School
from studyflow.roles import STUDENTS, TEACHERS
from tests.conftest import skip_without_service


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


@pytest.fixture
def redis_server(settings: Any) -> Iterator[Any]:
    """The site's Redis cache (CACHE_URL) on a database of the suite's broker, under a prefix of
    this test's; the raw client beside it, to look at the keys."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_without_service("the Redis cache tests need CELERY_BROKER_URL=redis://...")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        yield server
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)
        server.close()
