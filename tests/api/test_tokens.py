"""API tokens expire after API_TOKEN_DAYS, and a changed password revokes them
(studyflow/tokens.py)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.api.conftest import PASSWORD, School2


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
    # given a token just inside its 30 days: it works, and logging in returns it
    age(old, 29.9)
    assert school.client("student1").get("/api/courses/").status_code == 200
    assert log_in(school, "student1") == old
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
