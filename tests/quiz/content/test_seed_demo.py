"""seed_demo: the demo bank is sound, and seeding twice gives the same users, roster and content."""

import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from quiz.answers import names_a_choice
from quiz.content import clean_content, revise_question
from quiz.demo_content import CHAPTERS
from quiz.models import Chapter, Course, Question, QuestionRevision
from studyflow.models import Classroom
from studyflow.roles import classes_visible_to, classroom_of, is_staff, is_student, is_teacher

# --- the question bank (pure) ---------------------------------------------------------------------


def test_the_bank_has_at_least_four_chapters_of_ten_questions_of_both_kinds():
    titles = [c.title for c in CHAPTERS]
    assert {"Fractions", "Percentages", "Equations", "Powers"} <= set(titles)
    assert len(set(titles)) == len(titles)
    for chapter in CHAPTERS:
        assert len(chapter.questions) >= 10, chapter.title
        assert {q.kind for q in chapter.questions} == {"open", "choice"}, chapter.title
        assert len({q.text for q in chapter.questions}) == len(chapter.questions)


@pytest.mark.parametrize(
    "question",
    [q for c in CHAPTERS for q in c.questions],
    ids=lambda q: q.text[:40],
)
def test_every_bank_question_is_valid_content_with_a_worked_answer(question):
    clean_content(
        kind=question.kind,
        text=question.text,
        choices=question.choice_dicts(),
        accepted_answers=list(question.accepted),
        worked_answer=question.worked,
    )
    assert question.worked
    assert question.wrong, "the history simulator needs realistic wrong answers"
    assert not set(question.wrong) & set(question.accepted)
    if question.kind == "choice":  # a choice question takes nothing but its keys
        keys = [key for key, _ in question.choices]
        assert all(names_a_choice(wrong, keys) for wrong in question.wrong)


# --- seeding (PostgreSQL) -------------------------------------------------------------------------


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo ready." in out.getvalue()


def snapshot():
    users = get_user_model().objects.order_by("username")
    return {
        "users": [
            (u.username, u.first_name, u.last_name, u.is_staff, u.is_superuser, u.password)
            for u in users
        ],
        "groups": sorted(
            (u.username, g) for u in users for g in u.groups.values_list("name", flat=True)
        ),
        "classes": [
            (
                c.school.name,
                c.name,
                sorted(c.teachers.values_list("username", flat=True)),
                sorted(c.students.values_list("username", flat=True)),
            )
            for c in Classroom.objects.order_by("name")
        ],
        "chapters": list(
            Chapter.objects.values_list("course__title", "title", "order", "streak_goal")
        ),
        "questions": list(
            Question.objects.order_by("pk").values_list(
                "pk", "chapter__title", "order", "kind", "current_revision"
            )
        ),
        "revisions": list(
            QuestionRevision.objects.order_by("pk").values_list(
                "pk",
                "question_id",
                "revision",
                "text",
                "choices",
                "accepted_answers",
                "worked_answer",
            )
        ),
    }


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_content(client):
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first

    assert Course.objects.get().title == "Math basics"
    assert Question.objects.count() == sum(len(c.questions) for c in CHAPTERS)
    assert QuestionRevision.objects.count() == Question.objects.count()
    assert [c[1:] for c in first["classes"]] == [
        ("2A", ["teacher"], sorted(f"student{n}" for n in range(1, 31))),
        ("2B", ["teacher2"], sorted(f"student{n}" for n in range(31, 41))),
    ]
    assert all(first_name and last_name for _, first_name, last_name, *_ in first["users"])


@pytest.mark.django_db
def test_seeded_users_log_in_with_their_roles(client):
    seed()
    User = get_user_model()
    for username, password in [("admin", "admin"), ("teacher", "teacher"), ("student7", "student")]:
        assert client.login(username=username, password=password), username
    admin, teacher, teacher2 = (
        User.objects.get(username=u) for u in ("admin", "teacher", "teacher2")
    )
    student1, student35 = (
        User.objects.get(username="student1"),
        User.objects.get(username="student35"),
    )
    assert is_staff(admin)
    assert is_teacher(teacher) and is_teacher(teacher2)
    assert is_student(student1) and is_student(student35)
    assert getattr(classroom_of(student1), "name", None) == "2A"
    assert getattr(classroom_of(student35), "name", None) == "2B"
    assert [c.name for c in classes_visible_to(teacher2)] == ["2B"]


@pytest.mark.django_db
def test_seed_demo_repairs_what_was_changed(client):
    seed()
    User = get_user_model()
    student = User.objects.get(username="student3")
    student.set_password("forgotten")
    student.first_name = "Renamed"
    student.save()
    elsewhere = Classroom.objects.create(school=Classroom.objects.get(name="2A").school, name="3X")
    elsewhere.students.add(student)

    seed()
    student.refresh_from_db()
    assert student.first_name != "Renamed"
    assert client.login(username="student3", password="student")
    assert [c.name for c in Classroom.objects.filter(students=student)] == ["2A"]


@pytest.mark.django_db
def test_an_edited_demo_question_gets_a_new_revision_not_a_rewrite():
    seed()
    question = Question.objects.get(chapter__title="Fractions", order=1)
    revise_question(
        question=question,
        text="Edited by staff",
        choices=[],
        accepted_answers=["1"],
        worked_answer="",
    )
    seed()
    question.refresh_from_db()
    assert question.current_revision == 3
    assert question.revisions.get(revision=3).text == question.revisions.get(revision=1).text


@pytest.mark.django_db
def test_seed_demo_keeps_a_shared_course_of_its_title_in_another_case(client):
    # given staff renamed the demo course "MATH BASICS"
    seed()
    Course.objects.update(title="MATH BASICS")
    # when the demo is seeded again
    seed()
    # then it is the same course, not a second one beside it
    assert list(Course.objects.values_list("title", flat=True)) == ["MATH BASICS"]


@pytest.mark.django_db
def test_seed_demo_will_not_add_its_course_beside_a_schools_own_of_that_title(client):
    from django.core.management import CommandError

    from studyflow.models import School

    # given a school with its own "Math basics"
    Course.objects.create(title="math basics", school=School.objects.create(name="North"))
    # when the demo is seeded, then it stops and says why (North's people would see two)
    with pytest.raises(CommandError, match="North has a course of its own of this title"):
        seed()
    assert Course.objects.count() == 1


@pytest.mark.django_db
def test_seed_demo_renames_a_demo_user_renamed_in_another_case_back(client):
    # given staff renamed student3 "Student3" (usernames are unique in any case: the database
    # would refuse a second student3 beside it)
    seed()
    User = get_user_model()
    student = User.objects.get(username="student3")
    User.objects.filter(pk=student.pk).update(username="Student3")
    # when the demo is seeded again
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    # then that account is the demo's student3 again, and the output says so
    assert "Renamed Student3 back to student3, the demo's." in out.getvalue()
    assert "0 users created, 1 reset" in out.getvalue()
    assert User.objects.get(username__iexact="student3").pk == student.pk
    assert User.objects.get(pk=student.pk).username == "student3"
    assert client.login(username="student3", password="student")


@pytest.mark.django_db(transaction=True)  # the other process's account really commits
def test_seed_demo_meeting_a_demo_username_added_meanwhile_says_to_run_it_again(monkeypatch):
    from django.core.management import CommandError
    from django.db import connection

    from quiz import demo

    User = get_user_model()
    hashed = demo._Passwords.hash
    added: list[str] = []

    def add_in_another_connection() -> None:
        try:
            User.objects.create_user("STUDENT7", password="theirs")
        finally:
            connection.close()

    def hash_then_added_meanwhile(self, raw):
        # after seed_demo looked for its users, before it adds them
        if not added:
            added.append("STUDENT7")
            other = threading.Thread(target=add_in_another_connection)
            other.start()
            other.join()
        return hashed(self, raw)

    monkeypatch.setattr(demo._Passwords, "hash", hash_then_added_meanwhile)
    with pytest.raises(
        CommandError, match=r"added part of the demo meanwhile.*run seed_demo again"
    ):
        seed()
    assert added and list(User.objects.values_list("username", flat=True)) == ["STUDENT7"]
    # and run again, it takes that account for the demo's
    seed()
    assert User.objects.filter(username__iexact="student7").count() == 1
    assert User.objects.filter(username="student7").exists()
