"""Roles and roster visibility: who is a student or teacher, and who sees which classes."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser, Group
from django.db import IntegrityError, transaction

from studyflow.auth_backends import AnyCaseUsernameBackend
from studyflow.models import Classroom
from studyflow.roles import (
    classes_visible_to,
    classroom_of,
    is_staff,
    is_student,
    is_teacher,
    students_visible_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(make_user, make_class):
    teacher_a = make_user("t_a", role="teachers")
    teacher_b = make_user("t_b", role="teachers")
    staff = make_user("staff", role="staff")
    s1, s2, s3 = (make_user(f"s{n}", role="students") for n in (1, 2, 3))
    class_a = make_class("2A", teachers=(teacher_a,), students=(s1, s2))
    class_b = make_class("2B", teachers=(teacher_b,), students=(s3,))
    return {
        "teacher_a": teacher_a,
        "teacher_b": teacher_b,
        "staff": staff,
        "students": (s1, s2, s3),
        "class_a": class_a,
        "class_b": class_b,
    }


def test_the_data_migration_creates_the_role_groups_once():
    # Called directly: with --reuse-db a flushing (transactional) test may have emptied the table.
    migration = importlib.import_module("studyflow.migrations.0002_roles_groups")
    Group.objects.filter(name__in=["teachers", "students"]).delete()
    for _ in range(2):
        migration.create_groups(django_apps, None)
    names = list(Group.objects.values_list("name", flat=True))
    assert sorted(names) == ["students", "teachers"]


def test_a_users_roles_are_read_once(roster, django_assert_num_queries):
    # A report request asks its user's roles three times (permission, access, visibility).
    teacher = roster["teacher_a"]
    with django_assert_num_queries(1):
        assert is_teacher(teacher) and is_teacher(teacher) and not is_student(teacher)
    fresh = type(teacher).objects.get(pk=teacher.pk)  # the next request's user: read again
    with django_assert_num_queries(1):
        assert is_teacher(fresh)


def test_a_requests_user_comes_with_its_roles(roster, make_user, django_assert_num_queries):
    # given the log-in backend, which gives each request its user (the session's)
    backend = AnyCaseUsernameBackend()
    # then a teacher and a student come with their roles, in the query that reads them
    with django_assert_num_queries(1):
        teacher = backend.get_user(roster["teacher_a"].pk)
        assert is_teacher(teacher) and not is_student(teacher)
    with django_assert_num_queries(1):
        student = backend.get_user(roster["students"][0].pk)
        assert is_student(student) and not is_teacher(student)
    with django_assert_num_queries(1):
        staff = backend.get_user(roster["staff"].pk)
        assert is_staff(staff) and not (is_teacher(staff) or is_student(staff))
    # and an account that is gone or no longer active is no request's user
    assert backend.get_user(999_999) is None
    assert backend.get_user(make_user("gone", role="students", is_active=False).pk) is None


def test_roles_follow_groups_and_is_staff(roster, make_user):
    s1 = roster["students"][0]
    assert is_student(s1)
    assert not is_teacher(s1)
    assert not is_staff(s1)
    assert is_teacher(roster["teacher_a"])
    assert not is_student(roster["teacher_a"])
    assert is_staff(roster["staff"])
    assert not is_teacher(roster["staff"])
    nobody = make_user("nobody")
    assert not (is_student(nobody) or is_teacher(nobody) or is_staff(nobody))


def test_anonymous_and_inactive_users_have_no_role(make_user):
    assert not (is_student(AnonymousUser()) or is_teacher(AnonymousUser()))
    assert not is_staff(AnonymousUser())
    assert not is_student(None)
    gone = make_user("gone", role="students", is_active=False)
    assert not is_student(gone)


def test_classroom_of_a_student(roster, make_user):
    s1, _, s3 = roster["students"]
    assert classroom_of(s1) == roster["class_a"]
    assert classroom_of(s3) == roster["class_b"]
    assert classroom_of(make_user("loner", role="students")) is None


def test_a_teacher_sees_only_the_classes_they_teach(roster):
    assert list(classes_visible_to(roster["teacher_a"])) == [roster["class_a"]]
    assert list(classes_visible_to(roster["teacher_b"])) == [roster["class_b"]]


def test_staff_see_every_class_and_students_and_strangers_none(roster):
    assert set(classes_visible_to(roster["staff"])) == {roster["class_a"], roster["class_b"]}
    assert not classes_visible_to(roster["students"][0]).exists()
    assert not classes_visible_to(AnonymousUser()).exists()


def test_students_visible_to_each_role(roster, make_user):
    s1, s2, s3 = roster["students"]
    make_user("classless", role="students")
    assert set(students_visible_to(roster["teacher_a"])) == {s1, s2}
    assert set(students_visible_to(roster["teacher_b"])) == {s3}
    assert set(students_visible_to(roster["staff"]).values_list("username", flat=True)) == {
        "s1",
        "s2",
        "s3",
        "classless",
    }
    assert list(students_visible_to(s2)) == [s2]
    assert not students_visible_to(AnonymousUser()).exists()


def test_a_teacher_of_two_classes_sees_both_without_duplicates(roster):
    roster["class_b"].teachers.add(roster["teacher_a"])
    assert students_visible_to(roster["teacher_a"]).count() == 3
    assert set(classes_visible_to(roster["teacher_a"])) == {roster["class_a"], roster["class_b"]}


def test_class_names_are_unique_per_school(school):
    Classroom.objects.create(school=school, name="3C")
    with pytest.raises(IntegrityError), transaction.atomic():
        Classroom.objects.create(school=school, name="3C")
