"""API test fixtures: a small school with distinctive answers, and token-authenticated clients.

The school mirrors the demo data's shape (class 2A: teacher, student1, student2; class 2B: teacher2,
student31; staff admin) but is tiny, so every test builds it afresh in well under a second. Accepted
answers are distinctive words, so a scan of response bodies cannot mistake a number for a leak.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from quiz.content import create_question
from quiz.models import Chapter, Course, QuestionRevision
from studyflow.models import Classroom, School

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_throttle_and_static(settings: Any) -> Iterator[None]:
    # The login throttle counts in the cache: start every test with a clean slate.
    cache.clear()
    # Tests run with DEBUG off but without collectstatic: resolve static URLs without a manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    cache.clear()


@dataclass
class School2:
    users: dict[str, User]
    tokens: dict[str, str]
    classes: dict[str, Classroom]
    chapters: dict[str, Chapter]
    course: Course
    accepted: dict[int, list[str]] = field(default_factory=dict)  # question id -> accepted answers

    def client(self, name: str | None) -> APIClient:
        client = APIClient()
        if name is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[name]}")
        return client

    def correct_answer(self, question_id: int) -> str:
        return self.accepted[question_id][0]


OPEN_QUESTIONS = [
    ("Name the first secret word.", ["zebracorn-alpha"]),
    ("Name the second secret word.", ["zebracorn-bravo", "zebracorn-bravo-too"]),
    ("Name the third secret word.", ["zebracorn-charlie"]),
    ("Name the fourth secret word.", ["zebracorn-delta"]),
    ("Name the fifth secret word.", ["zebracorn-echo"]),
]


def _user(name: str, group: str | None, *, staff: bool = False) -> User:
    user = User.objects.create_user(
        username=name, password=PASSWORD, is_staff=staff, first_name=name.title()
    )
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def build_school() -> School2:
    school = School.objects.create(name=f"Test School {uuid.uuid4().hex[:6]}")
    users = {
        "admin": _user("admin", None, staff=True),
        "teacher": _user("teacher", "teachers"),
        "teacher2": _user("teacher2", "teachers"),
        "student1": _user("student1", "students"),
        "student2": _user("student2", "students"),
        "student31": _user("student31", "students"),
    }
    class_a = Classroom.objects.create(school=school, name="2A")
    class_a.teachers.add(users["teacher"])
    class_a.students.add(users["student1"], users["student2"])
    class_b = Classroom.objects.create(school=school, name="2B")
    class_b.teachers.add(users["teacher2"])
    class_b.students.add(users["student31"])

    course = Course.objects.create(title=f"Math basics {school.pk}", order=1)
    words = Chapter.objects.create(course=course, title="Secret words", order=1, streak_goal=3)
    choices = Chapter.objects.create(course=course, title="Choices", order=2, streak_goal=2)
    accepted: dict[int, list[str]] = {}
    for text, answers in OPEN_QUESTIONS:
        question = create_question(
            chapter=words,
            kind="open",
            text=text,
            choices=None,
            accepted_answers=answers,
            worked_answer=f"The word is {answers[0]}.",
        )
        accepted[question.pk] = answers
    for number in range(1, 4):
        question = create_question(
            chapter=choices,
            kind="choice",
            text=f"Pick the right one ({number}).",
            choices=[
                {"key": "A", "text": f"option-right-{number}"},
                {"key": "B", "text": f"option-wrong-{number}"},
            ],
            accepted_answers=["A"],
            worked_answer=f"A: option-right-{number}.",
        )
        accepted[question.pk] = ["A"]
    tokens = {name: Token.objects.create(user=user).key for name, user in users.items()}
    return School2(
        users=users,
        tokens=tokens,
        classes={"2A": class_a, "2B": class_b},
        chapters={"words": words, "choices": choices},
        course=course,
        accepted=accepted,
    )


@pytest.fixture
def school(transactional_db: None) -> School2:
    # Committed, not in a test-wide transaction: an event append must be the first write of its
    # transaction, and read_all only returns events of committed transactions.
    return build_school()


def accepted_answers_of(question_id: int) -> list[str]:
    revisions = QuestionRevision.objects.filter(question_id=question_id)
    return [answer for revision in revisions for answer in revision.accepted_answers]
