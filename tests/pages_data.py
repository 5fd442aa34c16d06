"""Test data for the student pages (client and browser tests): users, a chapter, right answers."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.store import read_stream
from quiz.content import create_question
from quiz.models import Chapter, Course, QuestionRevision
from studyflow.models import Classroom, School

PASSWORD = "s3cret-pass"
WRONG = "definitely-not-right"


def make_user(username: str, *, group: str | None = None, staff: bool = False) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), is_staff=staff
    )
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def make_student(username: str | None = None) -> Any:
    student = make_user(username or f"pupil-{uuid.uuid4().hex[:8]}", group="students")
    school, _ = School.objects.get_or_create(name="Test School")
    classroom, _ = Classroom.objects.get_or_create(school=school, name="1T")
    classroom.students.add(student)
    return student


def make_chapter(
    *, title: str | None = None, streak_goal: int = 3, questions: int = 4, kind: str = "open"
) -> Chapter:
    course, _ = Course.objects.get_or_create(title="Test maths", defaults={"order": 1})
    chapter = Chapter.objects.create(
        course=course,
        title=title or f"Chapter {uuid.uuid4().hex[:6]}",
        order=Chapter.objects.filter(course=course).count() + 1,
        streak_goal=streak_goal,
    )
    for n in range(1, questions + 1):
        if kind == "choice":
            create_question(
                chapter=chapter,
                kind="choice",
                text=f"Which is {n} + {n}?",
                choices=[{"key": "A", "text": str(2 * n)}, {"key": "B", "text": str(2 * n + 1)}],
                accepted_answers=["A"],
                worked_answer=f"{n} + {n} = {2 * n}",
            )
        else:
            create_question(
                chapter=chapter,
                kind="open",
                text=f"What is {n} + {n} + 0.5?",
                choices=None,
                accepted_answers=[f"{2 * n}.5"],
                worked_answer=f"{n} + {n} = {2 * n}, plus a half makes {2 * n}.5",
            )
    return chapter


def quiz_stream(quiz_id: Any) -> list[Any]:
    return read_stream(f"quiz-{quiz_id}")


def current_revision(quiz_id: Any) -> QuestionRevision:
    """The revision of the quiz's current question (the last one assigned)."""
    assigned = [e for e in quiz_stream(quiz_id) if e.type == "quiz.QuestionAssigned"][-1]
    return QuestionRevision.objects.get(
        question_id=assigned.data["question_id"], revision=assigned.data["question_revision"]
    )


def right_answer(quiz_id: Any, *, comma: bool = False) -> str:
    answer = str(current_revision(quiz_id).accepted_answers[0])
    return answer.replace(".", ",") if comma else answer


def answer_events(quiz_id: Any) -> list[Any]:
    return [e for e in quiz_stream(quiz_id) if e.type.startswith("quiz.QuestionAnswered")]


# A multiple-choice question whose boxes in the admin have several lines (a browser posts their
# line breaks as CRLF): the question admin's tests of an unchanged save.
MULTI_LINE_CHOICE_QUESTION: dict[str, Any] = {
    "kind": "choice",
    "text": "Which of these is 3/4?\nPick every one that is.",
    "choices": [
        {"key": "A", "text": "0.75"},
        {"key": "B", "text": "1/2"},
        {"key": "C", "text": "6/8"},
    ],
    "accepted_answers": ["A", "C"],
    "worked_answer": "3/4 = 0.75\n3/4 = 6/8",
}

# An open question whose answer reads otherwise with a thousands separator ("10.000": 10 or 10000?).
TEN_THOUSAND_QUESTION: dict[str, Any] = {
    "kind": "open",
    "text": "How many metres in ten kilometres?",
    "choices": None,
    "accepted_answers": ["10000"],
    "worked_answer": "10 * 1000 = 10000",
}
