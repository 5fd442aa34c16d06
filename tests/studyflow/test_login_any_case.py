"""Log-in with the username in any case (studyflow/auth_backends.py): the log-in page, the admin's,
their shared count of failures, and which account a spelling names. The token API's are in
tests/api/test_contract.py."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from studyflow.auth_backends import account_named
from tests.pages_data import PASSWORD, WRONG, make_student, make_user

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = PASSWORD, url: str = "/login/") -> int:
    return client.post(url, {"username": username, "password": password}).status_code


def test_a_student_logs_in_with_their_username_in_any_case() -> None:
    student = make_student("zoe.devries")
    for typed in ("Zoe.DeVries", "ZOE.DEVRIES", "zoe.devries"):
        client = Client()
        # when they log in with the username in another case
        assert log_in(client, typed) == 302, typed
        # then they are logged in as themselves
        assert client.session[SESSION_KEY] == str(student.pk)
        assert client.get("/").status_code == 302


def test_the_password_is_still_case_sensitive_and_the_page_says_so() -> None:
    make_student("zoe.devries")
    client = Client()
    page = client.post("/login/", {"username": "ZOE.DEVRIES", "password": PASSWORD.upper()})
    assert page.status_code == 200 and SESSION_KEY not in client.session
    assert "(the password is case-sensitive)" in page.content.decode()


def test_staff_log_in_to_the_admin_in_any_case() -> None:
    make_user("Office", staff=True)
    client = Client()
    assert log_in(client, "OFFICE", url="/admin/login/") == 302
    assert client.get("/admin/").status_code == 200


def test_the_username_in_any_case_counts_as_one_account_s_failures() -> None:
    student = make_student("student1")
    client = Client()
    cases = ("student1", "STUDENT1", "Student1", "sTUDENT1")
    assert [log_in(client, cases[n % 4], WRONG) for n in range(10)] == [200] * 10
    # the next try is held back in every case, the right password too
    for typed in ("STUDENT1", "student1"):
        page = client.post("/login/", {"username": typed, "password": PASSWORD})
        assert "Too many failed log-ins for this account." in page.content.decode()
    assert SESSION_KEY not in client.session
    assert student.username == "student1"


def test_a_username_in_any_case_names_its_one_account() -> None:
    # usernames are unique in any case (the database's index: tests/studyflow/test_migrations.py)
    anna, bram = make_user("Anna"), make_user("BRAM")
    for typed in ("Anna", "anna", "ANNA", "aNNA"):
        assert account_named(typed) == anna, typed
    assert account_named("bram") == bram and account_named("Bram") == bram
    assert authenticate(username="anna", password=PASSWORD) == anna
    # and a name that is no account's in any case names none
    assert account_named("nobody") is None and account_named("ann") is None
    assert account_named("anna%") is None and account_named("a_na") is None


def test_an_inactive_account_logs_in_in_no_case() -> None:
    student = make_student("sem.bakker")
    get_user_model().objects.filter(pk=student.pk).update(is_active=False)
    for typed in ("sem.bakker", "SEM.BAKKER"):
        assert authenticate(username=typed, password=PASSWORD) is None


def test_a_session_logged_in_before_the_any_case_backend_stays_logged_in() -> None:
    # given a session made by Django's ModelBackend, before this release
    student = make_student()
    client = Client()
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    # then it is still logged in
    assert client.get("/dashboard/").status_code == 200
    # and a log-in now is the any-case backend's
    fresh = Client()
    assert log_in(fresh, student.username.upper()) == 302
    assert fresh.session[BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[0]


def test_a_refused_log_in_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # ModelBackend is listed after the any-case one for old sessions only: checking the password
    # again would double a refusal's cost (a deliberately slow hash)
    def judged_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("ModelBackend judged a log-in")

    monkeypatch.setattr(ModelBackend, "authenticate", judged_again)
    make_student("sem.bakker")
    for typed, password in (("SEM.BAKKER", WRONG), ("sem.bakker", WRONG), ("nobody", PASSWORD)):
        assert authenticate(username=typed, password=password) is None
    assert authenticate(username="Sem.Bakker", password=PASSWORD) is not None


def test_every_spelling_that_logs_in_to_an_account_shares_its_count_of_failures() -> None:
    # PostgreSQL's upper() makes a dotless i (U+0131) an I, so "m\u0131la" logs in as mila;
    # counted apart from "mila", each such spelling would add a minute's tries at mila's password
    mila = make_student("mila")
    assert authenticate(username="m\u0131la", password=PASSWORD) == mila
    client = Client()
    assert [log_in(client, ("mila", "m\u0131la")[n % 2], WRONG) for n in range(10)] == [200] * 10
    for typed in ("mila", "m\u0131la", "MILA"):
        page = client.post("/login/", {"username": typed, "password": PASSWORD})
        assert "Too many failed log-ins for this account." in page.content.decode(), typed
    assert SESSION_KEY not in client.session
