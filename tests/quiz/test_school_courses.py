"""A school's own course: its classes' students practise it and their teachers see it; other
schools' people do not (as if it did not exist). A course without a school is for everyone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from quiz import services
from quiz.content import create_question
from quiz.errors import ChapterNotFound
from quiz.models import Chapter, Course
from reporting import selectors
from studyflow.models import Classroom, School
from tests.pages_data import make_user

pytestmark = pytest.mark.django_db(transaction=True)  # appends are first writes


@dataclass
class Schools:
    shared: Chapter
    own: Chapter  # of a course of school A only
    class_a: Classroom
    class_b: Classroom
    student_a: Any
    student_b: Any
    teacher_a: Any
    teacher_b: Any
    staff: Any


def chapter_of(course: Course, title: str) -> Chapter:
    chapter = Chapter.objects.create(course=course, title=title, order=1)
    create_question(
        chapter=chapter,
        kind="open",
        text=f"{title}: what is 2 + 2?",
        choices=None,
        accepted_answers=["4"],
        worked_answer="2 + 2 = 4",
    )
    return chapter


@pytest.fixture
def schools() -> Schools:
    school_a = School.objects.create(name="School A")
    school_b = School.objects.create(name="School B")
    shared = chapter_of(Course.objects.create(title="For everyone", order=1), "Shared chapter")
    own = chapter_of(
        Course.objects.create(title="School A's own", order=2, school=school_a), "Own chapter"
    )
    class_a = Classroom.objects.create(school=school_a, name="1A")
    class_b = Classroom.objects.create(school=school_b, name="1B")
    people = {
        name: make_user(f"{name}-{uuid.uuid4().hex[:6]}", group=group)
        for name, group in [
            ("student_a", "students"),
            ("student_b", "students"),
            ("teacher_a", "teachers"),
            ("teacher_b", "teachers"),
        ]
    }
    class_a.students.add(people["student_a"])
    class_b.students.add(people["student_b"])
    class_a.teachers.add(people["teacher_a"])
    class_b.teachers.add(people["teacher_b"])
    staff = make_user(f"staff-{uuid.uuid4().hex[:6]}", staff=True)
    return Schools(shared, own, class_a, class_b, staff=staff, **people)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_courses(user: Any) -> set[str]:
    client = APIClient()
    client.force_authenticate(user)
    return {course["title"] for course in client.get("/api/courses/").json()}


def test_students_practise_their_schools_own_course_and_every_schools(schools: Schools) -> None:
    # the dashboard and the API list it for school A's student only
    page_a = logged_in(schools.student_a).get("/dashboard/").content.decode()
    page_b = logged_in(schools.student_b).get("/dashboard/").content.decode()
    assert "Own chapter" in page_a and "Shared chapter" in page_a
    assert "Own chapter" not in page_b and "Shared chapter" in page_b
    assert api_courses(schools.student_a) == {"For everyone", "School A's own"}
    assert api_courses(schools.student_b) == {"For everyone"}
    assert api_courses(schools.staff) == {"For everyone", "School A's own"}
    # and only school A's student can start it; for anyone else it does not exist
    started = services.start_quiz(
        actor=schools.student_a, chapter_id=schools.own.pk, command_id=uuid.uuid4()
    )
    assert started.created
    with pytest.raises(ChapterNotFound):
        services.start_quiz(
            actor=schools.student_b, chapter_id=schools.own.pk, command_id=uuid.uuid4()
        )
    schools.class_b.students.remove(schools.student_b)  # in no class: every school's only
    with pytest.raises(ChapterNotFound):
        services.start_quiz(
            actor=schools.student_b, chapter_id=schools.own.pk, command_id=uuid.uuid4()
        )
    assert services.start_quiz(
        actor=schools.student_b, chapter_id=schools.shared.pk, command_id=uuid.uuid4()
    ).created


def test_teachers_see_their_schools_own_course_and_no_other(schools: Schools) -> None:
    # the grid of a class of school A has the own chapter; a class of school B does not
    assert schools.own.pk in [c.id for c in selectors.grid(schools.class_a).chapters]
    assert schools.own.pk not in [c.id for c in selectors.grid(schools.class_b).chapters]
    assert schools.shared.pk in [c.id for c in selectors.grid(schools.class_b).chapters]
    # nor do school B's teacher's class list or question pages name it
    teacher_b = logged_in(schools.teacher_b)
    assert "Own chapter" not in teacher_b.get("/teacher/").content.decode()
    own_questions = f"/teacher/chapters/{schools.own.pk}/questions/"
    assert teacher_b.get(own_questions).status_code == 404
    assert logged_in(schools.teacher_a).get(own_questions).status_code == 200
    assert logged_in(schools.staff).get(own_questions).status_code == 200
    # and school B's student's page lists only what they may practise
    student_b = f"/teacher/students/{schools.student_b.pk}/"
    page = teacher_b.get(student_b).content.decode()
    assert "Shared chapter" in page and "Own chapter" not in page


def test_a_course_made_one_schools_own_keeps_the_work_others_did_on_it(schools: Schools) -> None:
    from tests.reporting.world import Feeder

    # given school B's student in the middle of a quiz on a course for everyone
    first_start = uuid.uuid4()
    quiz = services.start_quiz(
        actor=schools.student_b, chapter_id=schools.shared.pk, command_id=first_start
    ).quiz
    Feeder().catch_up()
    # when the course becomes school A's own
    course = schools.shared.course
    course.school = schools.class_a.school
    course.save()
    # then school B's student may finish the open quiz, from the dashboard too
    dashboard = logged_in(schools.student_b).get("/dashboard/").content.decode()
    assert "Shared chapter" in dashboard and f"/quizzes/{quiz.id}/" in dashboard
    answered = services.answer_question(
        actor=schools.student_b, quiz_id=quiz.id, answer="4", command_id=uuid.uuid4()
    )
    assert answered.quiz.status == "answered_correctly"
    # a start re-sent with its first command id gives back its first outcome, and a start
    # that finds the open quiz returns it; only a new quiz is refused
    again = services.start_quiz(
        actor=schools.student_b, chapter_id=schools.shared.pk, command_id=first_start
    )
    assert again.quiz.id == quiz.id
    assert (
        services.start_quiz(
            actor=schools.student_b, chapter_id=schools.shared.pk, command_id=uuid.uuid4()
        ).quiz.id
        == quiz.id
    )
    api = APIClient()
    api.force_authenticate(schools.student_a)  # school A's: theirs now
    assert (
        api.post("/api/quizzes/", {"chapter": schools.shared.pk}, format="json").status_code == 201
    )
    assert "For everyone" not in api_courses(schools.student_b)  # not to start anew
    # and school B's teacher still sees the work done: the grid's column and the question page
    Feeder().catch_up()
    columns = [c.id for c in selectors.grid(schools.class_b).chapters]
    assert schools.shared.pk in columns
    teacher_b = logged_in(schools.teacher_b)
    assert teacher_b.get(f"/teacher/chapters/{schools.shared.pk}/questions/").status_code == 200
    assert teacher_b.get(f"/teacher/chapters/{schools.own.pk}/questions/").status_code == 404


def test_another_schools_own_course_is_unknown_to_the_reports_api(schools: Schools) -> None:
    client = APIClient()
    client.force_authenticate(schools.teacher_b)
    own = client.get("/api/reports/questions/", {"chapter": schools.own.pk})
    assert own.status_code == 404 and own.json()["code"] == "not_found"
    shared = client.get("/api/reports/questions/", {"chapter": schools.shared.pk})
    assert shared.status_code == 200
    question = schools.own.questions.get()
    wrong = client.get(f"/api/reports/questions/{question.pk}/wrong-answers/")
    assert wrong.status_code == 404 and wrong.json()["detail"] == "No such question."
    client.force_authenticate(schools.teacher_a)
    assert client.get(f"/api/reports/questions/{question.pk}/wrong-answers/").status_code == 200
    api = APIClient()
    api.force_authenticate(schools.student_b)
    refused = api.post("/api/quizzes/", {"chapter": schools.own.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "chapter": ["No such chapter."]
    }
