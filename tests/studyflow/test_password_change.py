"""Anyone logged in changes their own password on /password/: the rules' messages on the form, this
session kept and the others ended, the API token revoked, and the old password not guessable
there (it counts as a failed log-in)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.pages_data import PASSWORD, make_student, make_user

NEW = "green-Kettle-41"

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change(client: Client, old: str, new: str, again: str | None = None) -> Any:
    body = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post("/password/", body)


def test_a_student_changes_their_password_and_stays_logged_in_here_only() -> None:
    # given a student logged in on two computers, with an API token
    student = make_student()
    here, there = logged_in(student), logged_in(student)
    Token.objects.create(user=student)
    # when they change their password here
    page = here.get("/password/")
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = change(here, PASSWORD, NEW)
    # then they are back on their start page, told so, still logged in here
    assert response.status_code == 302 and response["Location"] == "/"
    dashboard = here.get("/", follow=True)
    assert "Your password has been changed." in dashboard.content.decode()
    assert here.get("/dashboard/").status_code == 200
    # and the other computer and the token are logged out; the new password logs in
    assert there.get("/dashboard/").status_code == 302
    assert not Token.objects.filter(user=student).exists()
    assert Client().login(username=student.username, password=NEW)


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong", NEW, None, "Your current password was entered incorrectly."),
        (PASSWORD, NEW, NEW + "x", "The two password fields didn"),
        (PASSWORD, "12345678", None, "This password is entirely numeric."),
        (PASSWORD, "abc", None, "This password is too short."),
    ],
)
def test_a_refused_change_says_why_on_the_form_and_changes_nothing(
    old: str, new: str, again: str | None, message: str
) -> None:
    student = make_student()
    client = logged_in(student)
    page = change(client, old, new, again)
    html = page.content.decode()
    assert page.status_code == 200 and message in html
    assert "Your password was not changed." in html
    # said beside the field it is about: the rules' messages beside the new password
    field = "old_password" if old == "wrong" else "new_password2" if again else "new_password1"
    errors = re.search(f'<div id="id_{field}-error">(.*?)</div>', html, re.S)
    assert errors is not None and message in errors[1]
    assert re.search(f'id="id_{field}"[^>]*aria-invalid="true"', html)
    assert Client().login(username=student.username, password=PASSWORD)


def test_the_old_password_cannot_be_guessed_on_the_form() -> None:
    student = make_student()
    client = logged_in(student)
    for _ in range(10):
        change(client, "guess", NEW)
    # the right old password is held back too, as on the log-in page
    html = change(client, PASSWORD, NEW).content.decode()
    assert "Too many failed log-ins for this account." in html
    assert Client().login(username=student.username, password=PASSWORD)


def test_someone_logged_out_is_sent_to_log_in() -> None:
    response = Client().get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_header_leads_back_to_each_roles_pages() -> None:
    student = make_student()
    teacher = make_user(f"teacher-{student.pk}", group="teachers")
    assert (
        '<a href="/dashboard/">My chapters</a>'
        in logged_in(student).get("/password/").content.decode()
    )
    assert (
        '<a href="/teacher/">Classes</a>' in logged_in(teacher).get("/password/").content.decode()
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_admins_change_password_leads_to_the_limited_page(method: str) -> None:
    # given a staff member in the admin
    staff = make_user("ops", staff=True)
    client = logged_in(staff)
    # when they follow the admin's "Change password" (or post to its address)
    response = getattr(client, method)("/admin/password_change/", {"old_password": "wrong"})
    # then they are sent to the site's page, where a wrong current password counts as a failed
    # log-in, and nothing was changed
    assert response.status_code == 302 and response["Location"] == "/password/"
    assert Client().login(username="ops", password=PASSWORD)
    assert "/admin/password_change/" in client.get("/admin/").content.decode()


def user_manager(username: str) -> Any:
    """Staff who may change users (and so set their passwords in the admin), not a superuser."""
    from django.contrib.auth.models import Permission

    staff = make_user(username, staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "change_user"]
        )
    )
    return staff


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_admins_set_password_for_ones_own_account_leads_to_the_limited_page(
    method: str,
) -> None:
    # given staff who may set any user's password in the admin
    staff = user_manager("ops")
    client = logged_in(staff)
    # when they open their own user's "Set password" form (or post a new password to it), by
    # their id in any spelling the admin reads
    for path in (
        f"/admin/auth/user/{staff.pk}/password/",
        f"/admin/auth/user/0{staff.pk}/password/",
    ):
        body = {"password1": NEW, "password2": NEW, "usable_password": "true"}
        response = getattr(client, method)(path, body)
        # then they are sent to the site's page, which asks for the current password and counts
        # a wrong one as a failed log-in, and nothing was changed
        assert response.status_code == 302 and response["Location"] == "/password/", path
    assert Client().login(username="ops", password=PASSWORD)
    # and their own user page's button leads there, named for what it does
    html = client.get(f"/admin/auth/user/{staff.pk}/change/").content.decode()
    assert '<a class="button" href="/password/">Change password</a>' in html


def test_staff_still_set_another_users_password_in_the_admin() -> None:
    # given staff who may change users, and a student who forgot their password
    staff, student = user_manager("ops"), make_student()
    client = logged_in(staff)
    Token.objects.create(user=student)
    # the student's user page leads to the admin's own form, which asks no current password
    html = client.get(f"/admin/auth/user/{student.pk}/change/").content.decode()
    assert '<a class="button" href="../password/">Reset password</a>' in html
    path = f"/admin/auth/user/{student.pk}/password/"
    page = client.get(path)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    assert "old_password" not in page.content.decode()
    # when they set a new one there
    body = {"password1": NEW, "password2": NEW, "usable_password": "true"}
    response = client.post(path, body)
    # then it is the student's password, the old one and the token stop working, and the staff
    # member is back on the student's page
    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{student.pk}/change/"
    assert Client().login(username=student.username, password=NEW)
    assert not Client().login(username=student.username, password=PASSWORD)
    assert not Token.objects.filter(user=student).exists()
    # and their own password and session are as they were
    assert Client().login(username="ops", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
