"""A teacher gives a student of their class a new password: asked to confirm, then shown it once;
the student's other sessions and API token end. Nobody else may (another class's teacher, a
student); it is never cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from studyflow.services import INITIAL_PASSWORD_ALPHABET
from tests.reporting.world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def small() -> World:
    return make_world(students_a=2, students_b=1, chapters=1)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(student: Any) -> str:
    return f"/teacher/students/{student.pk}/password/"


def shown_password(html: str) -> str:
    cells = html.split('<dd class="credential">')
    assert len(cells) == 3, html
    return cells[2].split("</dd>")[0]


def test_a_teacher_gives_their_student_a_new_password(small: World) -> None:
    # given a student logged in on a computer, with an API token; their teacher on the page
    pupil = small.students_a[0]
    elsewhere = logged_in(pupil)
    Token.objects.create(user=pupil)
    teacher = logged_in(small.teacher_a)
    page = teacher.get(f"/teacher/students/{pupil.pk}/").content.decode()
    assert f'href="{url(pupil)}"' in page and pupil.username in page
    # when the teacher asks, they are asked to confirm and nothing changes yet
    confirm = teacher.get(url(pupil))
    assert confirm.status_code == 200
    assert "Make a new password" in confirm.content.decode()
    # in a whole sentence, saying when to do it
    said = f"Do this when {pupil.get_full_name()} ({pupil.username}) has forgotten their password."
    assert said in confirm.content.decode()
    assert get_user_model().objects.get(pk=pupil.pk).check_password("pw")
    # then confirming shows the new password once, on a page no cache keeps
    done = teacher.post(url(pupil))
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    password = shown_password(done.content.decode())
    assert len(password) >= 10 and set(password) <= set(INITIAL_PASSWORD_ALPHABET)
    # and it logs the student in; the old password, the other session and the token are over
    assert Client().login(username=pupil.username, password=password)
    assert not Client().login(username=pupil.username, password="pw")
    assert elsewhere.get("/dashboard/").status_code == 302
    assert not Token.objects.filter(user=pupil).exists()


def test_only_the_students_teachers_and_staff_may(small: World) -> None:
    pupil = small.students_a[0]
    assert logged_in(small.teacher_b).post(url(pupil)).status_code == 404
    assert logged_in(small.students_a[1]).post(url(pupil)).status_code == 403
    assert logged_in(pupil).post(url(pupil)).status_code == 403
    assert Client().post(url(pupil)).status_code == 302  # to log in
    assert logged_in(small.staff).post(url(pupil)).status_code == 200
    assert logged_in(small.teacher_a).post(url(small.teacher_b)).status_code == 404  # no student
    assert logged_in(small.teacher_a).put(url(pupil)).status_code == 405
    # and none of those refused changed anything
    assert Client().login(username=small.students_b[0].username, password="pw")
