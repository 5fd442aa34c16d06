"""Pages while the database cannot be reached: a "back in a moment" 503, logged on one line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from quiz import views
from studyflow.exceptions import database_unavailable


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


def error_of(sql: str) -> DatabaseError:
    """The error Django raises for `sql`, run in a transaction of its own."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        connection.cursor().execute(sql)
    return raised.value


def timed_out() -> None:
    """A statement of a page cancelled by its statement timeout (as under load)."""
    with transaction.atomic():
        connection.cursor().execute("SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)")


@pytest.mark.django_db(transaction=True)
def test_a_statement_of_ours_that_fails_is_not_the_database_being_down() -> None:
    # a statement timeout, a lock not taken: OperationalErrors, but the database answered
    assert not database_unavailable(
        error_of("SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)")
    )
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("LOCK django_migrations")  # held until `other` ends its transaction
        assert not database_unavailable(error_of("LOCK django_migrations NOWAIT"))


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_the_database_being_down() -> None:
    # given the server ends this connection (as in a restart)
    connection.ensure_connection()
    own = connection.cursor().connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{**params, "autocommit": True}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [own])
    # then the next statement's error is the database being down
    with pytest.raises(DatabaseError) as raised:
        connection.cursor().execute("SELECT 1")
    assert database_unavailable(raised.value)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_connection_is_the_database_being_down(database_down: None) -> None:
    with pytest.raises(DatabaseError) as raised:
        connection.ensure_connection()
    assert database_unavailable(raised.value)


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_statement_timed_out_is_a_500_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a page whose query the database cancels (a fault to look into, not an outage)
    monkeypatch.setattr(views.LoginView, "post", lambda *args, **kwargs: timed_out())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client(raise_request_exception=False).post("/login/", {})
    # then it is the 500 page, and the log keeps the traceback that finds the query
    assert response.status_code == 500
    [line] = [r for r in caplog.records if r.name == "django.request"]
    assert line.getMessage() == "Internal Server Error: /login/"
    assert line.exc_info is not None
