"""Content fixtures: a course with a chapter, questions made through the content services.

Kept in their own package, apart from the quiz aggregate's test fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from quiz.content import create_question
from quiz.models import Chapter, Course, Question


@pytest.fixture
def chapter(db: None) -> Chapter:
    course = Course.objects.create(title="Test course", order=1)
    return Chapter.objects.create(course=course, title="Fractions", order=1)


@pytest.fixture
def make_question(chapter: Chapter) -> Callable[..., Question]:
    def make(**overrides: Any) -> Question:
        fields: dict[str, Any] = {
            "chapter": chapter,
            "kind": "open",
            "text": "Calculate 1/2 + 1/4.",
            "choices": [],
            "accepted_answers": ["3/4", "0.75"],
            "worked_answer": "2/4 + 1/4 = 3/4",
        }
        fields.update(overrides)
        return create_question(**fields)

    return make


@pytest.fixture
def staff_user(db: None) -> Any:
    return get_user_model().objects.create_user(
        username="editor", password="pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_client(client: Any, staff_user: Any) -> Any:
    client.force_login(staff_user)
    return client
