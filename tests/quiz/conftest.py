"""Fixtures of the quiz tests. Pure domain tests need none; service tests get a small school."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from quiz import content
from quiz.models import Chapter, Course, Question
from studyflow.models import Classroom, School


@dataclass
class World:
    student: Any
    other_student: Any
    teacher: Any
    other_teacher: Any
    outsider: Any  # a user with no role
    classroom: Classroom
    chapter: Chapter
    questions: list[Question]  # open question n (1-based) accepts str(4200 + n)
    choice: Question  # accepts key "b"


def answer_of(question: Question) -> str:
    return str(4200 + question.order)


def make_world(*, goal: int = 3, open_questions: int = 5) -> World:
    students, _ = Group.objects.get_or_create(name="students")
    teachers, _ = Group.objects.get_or_create(name="teachers")
    tag = User.objects.count()

    def user(name: str, group: Group | None) -> Any:
        created = User.objects.create_user(username=f"{name}{tag}", password="x")
        if group is not None:
            created.groups.add(group)
        return created

    student, other_student = user("student", students), user("other", students)
    teacher, other_teacher = user("teacher", teachers), user("teacher_b", teachers)
    outsider = user("outsider", None)
    school = School.objects.create(name=f"School {tag}")
    classroom = Classroom.objects.create(school=school, name="2A")
    classroom.teachers.add(teacher)
    classroom.students.add(student, other_student)
    course = Course.objects.create(title=f"Math {tag}")
    chapter = Chapter.objects.create(course=course, title="Fractions", streak_goal=goal)
    questions = [
        content.create_question(
            chapter=chapter,
            kind="open",
            text=f"What is 4200 + {n}?",
            choices=None,
            accepted_answers=[str(4200 + n)],
            worked_answer=f"4200 + {n} = {4200 + n}",
            order=n,
        )
        for n in range(1, open_questions + 1)
    ]
    choice = content.create_question(
        chapter=Course.objects.create(title=f"Other {tag}").chapters.create(title="Choices"),
        kind="choice",
        text="Which is a half?",
        choices=[{"key": "a", "text": "1/3"}, {"key": "b", "text": "2/4"}],
        accepted_answers=["b"],
        worked_answer="2/4 = 1/2",
    )
    return World(
        student,
        other_student,
        teacher,
        other_teacher,
        outsider,
        classroom,
        chapter,
        questions,
        choice,
    )


@pytest.fixture
def world(transactional_db) -> World:
    # An append must be the first write of its transaction, so service tests cannot run inside
    # one test-wide transaction after creating their data: they commit for real (and flush).
    return make_world()
