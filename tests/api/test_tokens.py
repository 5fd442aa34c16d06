"""API tokens expire after API_TOKEN_DAYS, and a changed password revokes them
(studyflow/tokens.py)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from studyflow import tokens
from tests.api.conftest import PASSWORD, School2

PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def age(key: str, days: float) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=days))


def log_in(school: School2, username: str) -> str:
    response = school.client(None).post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return str(response.json()["token"])


def test_a_token_works_until_it_expires_then_logging_in_gives_a_new_one(
    school: School2, settings: object
) -> None:
    old = school.tokens["student1"]
    # given a token just inside its 30 days: it works, and logging in returns it and its end
    age(old, 29.9)
    assert school.client("student1").get("/api/courses/").status_code == 200
    assert log_in(school, "student1") == old
    created = Token.objects.get(key=old).created
    expires_at = (
        school.client(None)
        .post("/api/auth/token/", {"username": "student1", "password": PASSWORD}, format="json")
        .json()["expires_at"]
    )
    assert expires_at.endswith("Z")
    assert datetime.fromisoformat(expires_at) == created + timedelta(days=30)
    # when it is older than that
    age(old, 30.1)
    # then the API says it has expired, in the error shape
    response = school.client("student1").get("/api/courses/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "Log in again" in response.json()["detail"]
    # and logging in again gives a new token that works
    new = log_in(school, "student1")
    assert new != old
    client = school.client(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/courses/").status_code == 200


def test_the_lifetime_is_the_operators(school: School2, settings: object) -> None:
    settings.API_TOKEN_DAYS = 1  # type: ignore[attr-defined]
    age(school.tokens["student1"], 1.1)
    assert school.client("student1").get("/api/courses/").status_code == 401


def test_a_changed_password_revokes_the_token_and_nothing_else_does(school: School2) -> None:
    user = get_user_model().objects.get(username="student1")
    # given a user saved without a new password (a log-in, a new name)
    user.first_name = "Renamed"
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert school.client("student1").get("/api/courses/").status_code == 200
    # when their password changes (as the admin or manage.py changepassword change it)
    user.set_password("a-new-Password-7")
    user.save()
    # then their token stops working; other users' tokens do not
    assert school.client("student1").get("/api/courses/").status_code == 401
    assert school.client("student2").get("/api/courses/").status_code == 200


def test_the_same_password_hashed_afresh_at_a_log_in_keeps_the_token(school: School2) -> None:
    # given a password stored at fewer hashing rounds than the site's (as after a Django upgrade)
    user = get_user_model().objects.get(username="student1")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "somesalt", iterations=1000)
    user.save(update_fields=["password"])
    # when they log in and Django stores the same password hashed at today's cost
    with override_settings(PASSWORD_HASHERS=[PBKDF2]):
        assert Client().login(username="student1", password=PASSWORD)
    assert get_user_model().objects.get(username="student1").password != user.password
    # then their token still works: the password did not change
    assert school.client("student1").get("/api/courses/").status_code == 200


def renew_at_once(user: object, times: int) -> tuple[list[str], list[BaseException]]:
    """token_for(user) from `times` threads at once: the keys they got and what they raised."""
    keys: list[str] = []
    errors: list[BaseException] = []

    def renew() -> None:
        try:
            keys.append(tokens.token_for(user).key)  # type: ignore[arg-type]
        except BaseException as error:  # any failure fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=renew) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys, errors


@pytest.mark.django_db(transaction=True)
def test_log_ins_renewing_an_expired_token_at_once_all_get_the_one_new_token() -> None:
    user = get_user_model().objects.create_user("racer", password="pw")
    for _ in range(5):
        expired = Token.objects.create(user=user)
        age(expired.key, 31)
        keys, errors = renew_at_once(user, 4)
        assert not errors, errors
        assert len(set(keys)) == 1 and expired.key not in keys
        Token.objects.filter(user=user).delete()
