"""Pages while the database cannot be reached: a "back in a moment" 503, logged on one line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from quiz import views


@pytest.fixture
def database_down() -> Iterator[None]:
    """The site's database refuses connections for real: nothing listens on port 1."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def request_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("django.request", "studyflow.exceptions")]


@pytest.mark.django_db(transaction=True)
def test_a_page_that_needs_the_database_while_it_is_down_says_back_in_a_moment(
    database_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    # given the database is down
    # when a student logs in (the page's form needs the database to check the password)
    with caplog.at_level(logging.WARNING):
        response = Client(raise_request_exception=False).post(
            "/login/", {"username": "anna", "password": "pw"}
        )
    # then the answer is the site's own 503 page, not a 500 "something went wrong on our side"
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Studyflow is back in a moment" in page
    assert "may not have been saved" in page
    # and the log says it in two lines, without a traceback for each request of the outage
    warning, error = request_log(caplog)
    assert warning.getMessage().startswith("database unavailable: connection failed")
    assert error.getMessage() == "Service Unavailable: /login/"
    assert error.exc_info is None


@pytest.mark.django_db(transaction=True)
def test_an_api_request_with_a_browser_session_while_the_database_is_down_is_a_503_json(
    database_down: None,
) -> None:
    # given the database is down, and a browser's session cookie on an API request (its user is
    # looked up in the database)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    # when the client reads its quizzes
    response = client.get("/api/quizzes/")
    # then it gets the API's error shape
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable; try again shortly.",
        "code": "service_unavailable",
    }
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_fault_of_ours_on_a_page_is_still_a_500_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(views.LoginView, "post", broken)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client(raise_request_exception=False).post("/login/", {})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    [line] = [r for r in caplog.records if r.name == "django.request"]
    assert line.getMessage() == "Internal Server Error: /login/"
    assert line.exc_info is not None
