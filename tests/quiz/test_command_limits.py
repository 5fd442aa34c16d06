"""The limit on quiz commands: the rules (pure), the counting per account, and the student pages
(plain forms and htmx). The API: tests/api/test_command_limits.py."""

from __future__ import annotations

import ast
import logging
import re
import socket
import threading
import types
import uuid
from typing import Any

import pytest
from django.test import Client

from quiz import command_guard
from quiz.command_limits import command_rate, counter_name, page_message
from studyflow.login_limits import Rate
from tests.command_clock import Clock, T
from tests.pages_data import WRONG, make_chapter, make_student, quiz_stream
from tests.quiz.test_pages import hidden, page, send, start
from tests.studyflow.test_settings import load_settings

# --- the rules ------------------------------------------------------------------------------------


def test_a_command_rate_reads_as_the_log_in_rate_does_and_0_is_no_limit() -> None:
    assert command_rate("120/min") == Rate(120, 60)
    assert command_rate(" 2/s ") == Rate(2, 1)
    assert command_rate("0") is command_rate(" 0 ") is None
    for bad in ("0/min", "120", "lots/min", "", "off"):
        with pytest.raises(ValueError, match=r"120/min .*or 0 for no limit"):
            command_rate(bad)


def test_each_account_counts_under_its_own_name_and_the_message_says_how_long_to_wait() -> None:
    assert counter_name(7) != counter_name(8)
    assert page_message(35).endswith("Wait 35 seconds, then try again.")
    assert "not sent" in page_message(1) and "1 second," in page_message(1)


# --- the counting ---------------------------------------------------------------------------------


def test_commands_are_counted_per_account_in_fixed_windows(settings: Any) -> None:
    settings.COMMAND_THROTTLE_RATE = "3/min"
    anna, bram = types.SimpleNamespace(pk=1), types.SimpleNamespace(pk=2)
    # given three commands of one account in a minute
    assert [command_guard.wait_before_command(anna, now=T) for _ in range(3)] == [0, 0, 0]
    # then the fourth waits for the minute's end, and another account is not held back
    assert command_guard.wait_before_command(anna, now=T + 5) == 35
    assert command_guard.wait_before_command(bram, now=T + 5) == 0
    # and in the next minute the account goes on
    assert command_guard.wait_before_command(anna, now=T + 40) == 0


@pytest.mark.django_db  # a command id held back is looked up: was it sent before?
def test_a_command_id_let_through_counts_once_a_window_and_one_held_back_counts_again(
    settings: Any,
) -> None:
    settings.COMMAND_THROTTLE_RATE = "3/min"
    anna = types.SimpleNamespace(pk=1)
    click, other = uuid.uuid4(), uuid.uuid4()
    # given a form's command sent three times (a double click, and once more): one command
    sent = [command_guard.wait_before_command(anna, now=T, command_id=click) for _ in range(3)]
    assert sent == [0, 0, 0]
    # then two other commands fit in the minute, and a third is held back
    assert command_guard.wait_before_command(anna, now=T + 1) == 0
    assert command_guard.wait_before_command(anna, now=T + 2, command_id=other) == 0
    late = uuid.uuid4()
    assert command_guard.wait_before_command(anna, now=T + 5, command_id=late) == 35
    # and held back, its id lets nothing through uncounted: sent again it is held back again
    assert command_guard.wait_before_command(anna, now=T + 6, command_id=late) == 34
    # and in the next minute the first form's command counts again
    assert command_guard.wait_before_command(anna, now=T + 40, command_id=click) == 0
    assert command_guard.wait_before_command(anna, now=T + 41, command_id=late) == 0
    assert command_guard.wait_before_command(anna, now=T + 42) == 0
    assert command_guard.wait_before_command(anna, now=T + 43) == 57


def test_with_the_limit_off_nothing_is_counted(settings: Any) -> None:
    settings.COMMAND_THROTTLE_RATE = "0"
    anna = types.SimpleNamespace(pk=1)
    assert {command_guard.wait_before_command(anna, now=T) for _ in range(500)} == {0}


def test_with_the_cache_down_commands_go_on(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.COMMAND_THROTTLE_RATE = "1/min"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    anna = types.SimpleNamespace(pk=1)
    assert [command_guard.wait_before_command(anna, now=T) for _ in range(3)] == [0, 0, 0]
    assert command_guard.wait_before_command(anna, now=T, command_id=uuid.uuid4()) == 0
    # and the log says so once, with its cause, not once a command
    said = [r for r in caplog.records if r.name == "studyflow.window_counts"]
    assert len(said) == 1 and said[0].levelname == "ERROR" and said[0].exc_info
    assert (
        said[0]
        .getMessage()
        .startswith(
            "Counting failed log-ins and quiz commands is not possible (the cache failed counting "
            "quiz commands)"
        )
    )


def test_with_the_cache_hanging_commands_go_on_after_a_moment(settings: Any) -> None:
    """A Redis that takes connections and never answers (overloaded, or half down): every quiz
    command asks it, and the client's own default (5 s a call) would hold every command, and
    with them the web processes, for that long."""
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never accepts nor answers
    try:
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        loaded = load_settings({"CACHE_URL": url}, show="CACHES")
        assert loaded.returncode == 0, loaded.stderr
        settings.CACHES = ast.literal_eval(loaded.stdout)
        settings.COMMAND_THROTTLE_RATE = "1/min"
        waits: list[int] = []
        counting = threading.Thread(
            target=lambda: waits.append(
                command_guard.wait_before_command(types.SimpleNamespace(pk=1))
            ),
            daemon=True,
        )
        counting.start()
        counting.join(timeout=3)
        assert waits == [0], "the command waited on the cache"
    finally:
        silent.close()


# --- the student pages ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_quiz_page_says_to_wait_and_sends_nothing(client: Client, limited: Clock) -> None:
    student, chapter = make_student(), make_chapter(title="Adding up", streak_goal=3)
    client.force_login(student)
    # given three commands: a start, a wrong answer, the next question
    quiz_id = start(client, chapter)
    assert send(client, quiz_id, "answer", answer=WRONG).status_code == 302
    assert send(client, quiz_id, "next").status_code == 302
    before = quiz_stream(quiz_id)
    # when the student answers again, 5 s later, with a plain form
    limited.at = T + 5
    response = send(client, quiz_id, "answer", answer="my typed answer")
    # then the quiz page comes back with the message and the answer they typed still in its
    # box (a redirect would empty it), and nothing was appended
    assert response.status_code == 429
    html = response.content.decode()
    assert page_message(35) in html and 'value="my typed answer"' in html
    assert quiz_stream(quiz_id) == before
    # and with htmx: the panel is swapped in with the message and the answer (htmx swaps a 429:
    # quiz.html's htmx-config)
    url = f"/quizzes/{quiz_id}/answer/"
    fields = {
        "command_id": hidden(html, url, "command_id"),
        "version": hidden(html, url, "version"),
    }
    htmx = {"HX-Request": "true"}
    response = client.post(url, {**fields, "answer": WRONG}, headers=htmx)
    assert response.status_code == 429
    panel = response.content.decode()
    assert re.match(r'\s*<title>.*</title>\s*<section id="quiz-panel"', panel)
    assert page_message(35) in panel and f'value="{WRONG}"' in panel
    assert '{"code":"429","swap":true}' in page(client, quiz_id)
    assert quiz_stream(quiz_id) == before
    # and the other commands, with nothing typed, lead back to the quiz page with the message
    response = send(client, quiz_id, "reveal")
    assert response.status_code == 302 and response["Location"] == f"/quizzes/{quiz_id}/"
    assert page_message(35) in page(client, quiz_id)
    assert quiz_stream(quiz_id) == before
    # and in the next minute the same form is sent
    limited.at = T + 40
    assert client.post(url, {**fields, "answer": WRONG}).status_code == 302
    assert len(quiz_stream(quiz_id)) == len(before) + 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_answer_is_one_log_line_naming_the_account_and_address(
    client: Client, limited: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    student, chapter = make_student(), make_chapter(title="Adding up", streak_goal=3)
    client.force_login(student)
    quiz_id = start(client, chapter)
    assert send(client, quiz_id, "answer", answer=WRONG).status_code == 302
    assert send(client, quiz_id, "next").status_code == 302
    limited.at = T + 5
    with caplog.at_level(logging.INFO):
        assert send(client, quiz_id, "answer", answer="my typed answer").status_code == 429
    # one line, not Django's "Too Many Requests: ..." besides, which names nobody
    said = [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert said == [
        (
            "quiz.command_guard",
            f"Too many quiz commands of user {student.pk} '{student.username}' from 127.0.0.1: "
            f"refused for 35 s (POST /quizzes/{quiz_id}/answer/)",
        )
    ]
    assert "my typed answer" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_double_click_is_not_counted_and_a_start_over_the_limit_stays_on_the_dashboard(
    client: Client, limited: Clock
) -> None:
    student, chapter = make_student(), make_chapter(title="Adding up", streak_goal=3)
    client.force_login(student)
    quiz_id = start(client, chapter)
    html = page(client, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    fields = {
        "command_id": hidden(html, url, "command_id"),
        "version": hidden(html, url, "version"),
        "answer": WRONG,
    }
    # the same form sent three times is one command (the page sees it was applied): two counted
    for _ in range(3):
        assert client.post(url, fields).status_code == 302
    assert "Too many" not in page(client, quiz_id)
    # one more command is allowed in this minute, then a start is refused on the dashboard
    assert send(client, quiz_id, "next").status_code == 302
    response = client.post(f"/chapters/{chapter.pk}/start/", {"command_id": uuid.uuid4()})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert page_message(40) in client.get("/dashboard/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_start_form_sent_twice_is_one_command(client: Client, limited: Clock) -> None:
    student, chapter = make_student(), make_chapter(title="Adding up", streak_goal=3)
    client.force_login(student)
    # given the dashboard's Start form sent twice (a double click)
    form = {"command_id": uuid.uuid4()}
    first = client.post(f"/chapters/{chapter.pk}/start/", form)
    second = client.post(f"/chapters/{chapter.pk}/start/", form)
    # then both lead to the one quiz
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    quiz_id = uuid.UUID(first["Location"].split("/")[2])
    # and it counted once: two more commands fit in the minute (three a minute), a third not
    assert send(client, quiz_id, "answer", answer=WRONG).status_code == 302
    assert send(client, quiz_id, "next").status_code == 302
    assert "Too many" not in page(client, quiz_id)
    assert send(client, quiz_id, "reveal").status_code == 302
    assert page_message(40) in page(client, quiz_id)


@pytest.mark.django_db(transaction=True)
def test_a_start_form_sent_again_in_a_later_minute_over_the_limit_leads_to_its_quiz(
    client: Client, limited: Clock
) -> None:
    student, chapter = make_student(), make_chapter(title="Adding up", streak_goal=3)
    client.force_login(student)
    form = {"command_id": uuid.uuid4()}
    first = client.post(f"/chapters/{chapter.pk}/start/", form)
    quiz_id = uuid.UUID(first["Location"].split("/")[2])
    # given a later minute's three commands sent
    limited.at = T + 40
    assert send(client, quiz_id, "answer", answer=WRONG).status_code == 302
    assert send(client, quiz_id, "next").status_code == 302
    assert send(client, quiz_id, "reveal").status_code == 302
    before = quiz_stream(quiz_id)
    # when the first start's form is sent again (a tab left open, a page sent back)
    again = client.post(f"/chapters/{chapter.pk}/start/", form)
    # then it leads to its quiz, as it did: it was counted when it started it
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert "Too many" not in page(client, quiz_id)
    assert quiz_stream(quiz_id) == before
    # while a new start is held back
    other = client.post(f"/chapters/{chapter.pk}/start/", {"command_id": uuid.uuid4()})
    assert other["Location"] == "/dashboard/"
    assert page_message(60) in client.get("/dashboard/").content.decode()
