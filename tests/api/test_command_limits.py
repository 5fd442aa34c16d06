"""The limit on quiz commands over the API: 429 `throttled` with Retry-After, nothing appended,
per student account, reads never counted, a re-sent command counted once (the rules, the pages:
tests/quiz/test_command_limits)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import caches

from events.store import read_stream
from studyflow import window_counts
from tests.api.conftest import PASSWORD, School2
from tests.api.play import WRONG, new_key
from tests.command_clock import Clock, T
from tests.hung_cache import Monotonic, hung_redis


def events_of(quiz_id: str) -> list[Any]:
    return read_stream(f"quiz-{quiz_id}")


def key() -> dict[str, str]:
    return {"Idempotency-Key": new_key()}


def test_over_the_limit_a_command_is_refused_and_nothing_is_appended(
    school: School2, limited: Clock
) -> None:
    student = school.client("student1")
    # given three commands in this minute: a start, a wrong answer, the next question
    quiz = student.post("/api/quizzes/", {"chapter": school.chapters["words"].pk}, format="json")
    assert quiz.status_code == 201
    url = f"/api/quizzes/{quiz.json()['id']}"
    assert student.post(f"{url}/answer/", {"answer": WRONG}, format="json").status_code == 200
    assert student.post(f"{url}/next/").status_code == 200
    before = events_of(quiz.json()["id"])
    # when a fourth comes 5 s later
    limited.at = T + 5
    refused = student.post(f"{url}/answer/", {"answer": WRONG}, format="json")
    # then it is refused in the API's error shape, with the seconds left in the minute
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused.json()["detail"] == (
        "Too many quiz commands for this account; nothing was recorded. "
        "Wait 35 seconds, then try again."
    )
    assert refused.headers["Retry-After"] == "35"
    # and nothing was appended, whichever command it is
    assert student.post(f"{url}/reveal/").status_code == 429
    assert student.post(f"{url}/next/").status_code == 429
    assert student.post("/api/quizzes/", {"chapter": 1}, format="json").status_code == 429
    assert events_of(quiz.json()["id"]) == before
    # and reads go on: they are never counted
    for path in (f"{url}/", f"{url}/events/", "/api/quizzes/", "/api/courses/"):
        assert student.get(path).status_code == 200, path
    # and in the next minute the student goes on
    limited.at = T + 40
    answered = student.post(f"{url}/answer/", {"answer": WRONG}, format="json")
    assert answered.status_code == 200 and answered.json()["result"]["correct"] is False
    assert len(events_of(quiz.json()["id"])) == len(before) + 1


def test_the_limit_is_per_student_account_not_per_address(school: School2, limited: Clock) -> None:
    chapter = {"chapter": school.chapters["words"].pk}
    first = school.client("student1")
    for _ in range(3):
        assert first.post("/api/quizzes/", chapter, format="json").status_code in (200, 201)
    assert first.post("/api/quizzes/", chapter, format="json").status_code == 429
    # a classmate behind the same address (every test client is 127.0.0.1) is not held back
    classmate = school.client("student2")
    assert classmate.post("/api/quizzes/", chapter, format="json").status_code == 201


def test_a_refused_command_is_one_log_line_naming_the_account_and_address(
    school: School2, limited: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    chapter = {"chapter": school.chapters["words"].pk}
    student = school.client("student1")
    for _ in range(3):
        assert student.post("/api/quizzes/", chapter, format="json").status_code in (200, 201)
    with caplog.at_level(logging.INFO):
        refused = student.post("/api/quizzes/", chapter, format="json")
    assert refused.status_code == 429
    # one line, not Django's "Too Many Requests: /api/quizzes/" besides, which names nobody
    said = [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    user = school.users["student1"]
    assert said == [
        (
            "quiz.command_guard",
            f"Too many quiz commands of user {user.pk} 'student1' from 127.0.0.1: "
            "refused for 40 s (POST /api/quizzes/)",
        )
    ]


def test_a_re_sent_command_counts_once_and_gets_its_first_response_at_the_limit(
    school: School2, limited: Clock, counts_in: str
) -> None:
    """A client retrying after a lost response, near the limit: its Idempotency-Key names a
    command already counted and decided, which gets its first response, never a 429."""
    student = school.client("student1")
    chapter = {"chapter": school.chapters["words"].pk}
    start_key, answer_key, reveal_key = (key() for _ in range(3))
    # given a start sent three times (its response lost twice): one command
    starts = [
        student.post("/api/quizzes/", chapter, format="json", headers=start_key) for _ in range(3)
    ]
    assert [response.status_code for response in starts] == [201, 201, 201]
    started = starts[0].json()
    url = f"/api/quizzes/{started['id']}"
    # and two more, the minute's three: an answer, and a reveal refused (no open question)
    answered = student.post(f"{url}/answer/", {"answer": WRONG}, format="json", headers=answer_key)
    assert answered.status_code == 200
    refused = student.post(f"{url}/reveal/", headers=reveal_key)
    assert refused.status_code == 409 and refused.json()["code"] == "no_open_question"
    first = events_of(started["id"])
    # when a new command comes, it is held back
    assert student.post(f"{url}/next/", headers=key()).status_code == 429

    def re_sent() -> list[tuple[int, Any]]:
        return [
            (response.status_code, response.json())
            for response in (
                student.post("/api/quizzes/", chapter, format="json", headers=start_key),
                student.post(
                    f"{url}/answer/", {"answer": WRONG}, format="json", headers=answer_key
                ),
                student.post(f"{url}/reveal/", headers=reveal_key),
            )
        ]

    # then each of the three, sent again, gets its first response
    firsts = [(201, started), (200, answered.json()), (409, refused.json())]
    assert re_sent() == firsts
    # and so in a later minute, once new commands have used it up
    limited.at = T + 40
    assert student.post(f"{url}/next/", headers=key()).status_code == 200
    assert student.post(f"{url}/reveal/", headers=key()).status_code == 200
    assert student.post(f"{url}/next/", headers=key()).status_code == 200
    assert student.post(f"{url}/answer/", {"answer": WRONG}, format="json").status_code == 429
    assert re_sent() == firsts
    # and no re-send appended anything: only the three new commands did
    assert events_of(started["id"])[: len(first)] == first
    assert len(events_of(started["id"])) == len(first) + 3


def test_no_key_carries_a_new_command_past_the_limit(
    school: School2, limited: Clock, counts_in: str
) -> None:
    student = school.client("student1")
    chapter = {"chapter": school.chapters["words"].pk}
    answer_key = key()
    started = student.post("/api/quizzes/", chapter, format="json").json()
    url = f"/api/quizzes/{started['id']}"
    answered = student.post(f"{url}/answer/", {"answer": WRONG}, format="json", headers=answer_key)
    assert answered.status_code == 200
    assert student.post(f"{url}/next/").status_code == 200
    before = events_of(started["id"])
    # given the minute's three commands sent, when a script sends new keys, each twice
    for _ in range(3):
        fresh = key()
        for _ in range(2):
            refused = student.post(
                f"{url}/answer/", {"answer": WRONG}, format="json", headers=fresh
            )
            assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    # and a key that is no UUID, which counts as a command without one
    bad = {"Idempotency-Key": "not-a-uuid"}
    assert student.post(f"{url}/reveal/", headers=bad).status_code == 429
    # and a used key for another request: let through as a re-send, it is refused as one
    reused = student.post(f"{url}/reveal/", headers=answer_key)
    assert reused.status_code == 409 and reused.json()["code"] == "command_id_reused"
    # then nothing was appended
    assert events_of(started["id"]) == before
    # and another student's key is theirs: the same key is a new command of this student's
    classmate = school.client("student2")
    for _ in range(3):
        assert classmate.post("/api/quizzes/", chapter, format="json").status_code in (200, 201)
    assert (
        classmate.post("/api/quizzes/", chapter, format="json", headers=answer_key).status_code
        == 429
    )


def test_with_the_limit_off_nothing_is_counted(
    school: School2, limited: Clock, settings: Any
) -> None:
    settings.COMMAND_THROTTLE_RATE = "0"
    student = school.client("student1")
    quiz = student.post("/api/quizzes/", {"chapter": school.chapters["words"].pk}, format="json")
    url = f"/api/quizzes/{quiz.json()['id']}"
    # More than the default rate (120) inside one minute of the test's clock: "0" is off, not
    # the default.
    for _ in range(61):
        assert student.post(f"{url}/answer/", {"answer": WRONG}, format="json").status_code == 200
        assert student.post(f"{url}/next/").status_code == 200


# --- a cache that hangs ---------------------------------------------------------------------------


def test_with_the_cache_hanging_it_is_asked_once_a_pause_not_once_a_command(
    school: School2,
    settings: Any,
    redis_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each call to a hung cache waits for its whole timeout (1 s, settings.CACHES): asked by
    every command, it held each for that long, and a worker took one command a second."""
    clock = Monotonic(500.0)
    monkeypatch.setattr(window_counts, "cache_outage", window_counts.CacheOutage(clock))
    settings.COMMAND_THROTTLE_RATE = "120/min"
    recovered = settings.CACHES  # redis_server's
    student = school.client("student1")
    with hung_redis() as hung, caplog.at_level(logging.INFO, logger="studyflow.window_counts"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": hung.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},  # the site's
            }
        }
        # given a burst of 10 commands (some with an Idempotency-Key, counted once) and a log-in
        started = student.post(
            "/api/quizzes/", {"chapter": school.chapters["words"].pk}, format="json"
        )
        assert started.status_code == 201
        url = f"/api/quizzes/{started.json()['id']}"
        statuses = []
        for _ in range(4):
            answer = {"answer": WRONG}
            statuses.append(student.post(f"{url}/answer/", answer, format="json").status_code)
            statuses.append(student.post(f"{url}/next/", headers=key()).status_code)
        statuses.append(student.post(f"{url}/reveal/").status_code)
        login = {"username": "student1", "password": PASSWORD}
        logged_in = school.client(None).post("/api/auth/token/", login, format="json")
        # then every one went through, and the cache was asked once: by the first command
        assert statuses == [200] * 9 and logged_in.status_code == 200
        assert hung.connections == 1
        # and the health check, probing meanwhile, says it is down without asking it either
        assert school.client(None).get("/api/health/").json()["cache"] == "down"
        assert hung.connections == 1
        # and the log said so once, naming all that goes unlimited
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1
        assert errors[0].startswith(
            "Counting failed log-ins and quiz commands is not possible (the cache failed "
            "counting quiz commands): they go on unlimited"
        )
        # when the cache is back within the pause, it is not asked yet
        settings.CACHES = recovered
        assert student.post(f"{url}/next/").status_code == 200
        counted = caches["default"].make_key("*quiz-commands:*")
        assert redis_server.keys(counted) == []
        # and after the pause it counts again, and the log says so
        clock.at += window_counts.CACHE_PAUSE_SECONDS
        assert student.post(f"{url}/answer/", {"answer": WRONG}, format="json").status_code == 200
        assert len(redis_server.keys(counted)) == 1
        assert caplog.records[-1].getMessage().startswith("Counting is possible again")
        assert hung.connections == 1
