"""The limit on quiz commands over the API: 429 `throttled` with Retry-After, nothing appended,
per student account, reads never counted (the rules, the pages: tests/quiz/test_command_limits)."""

from __future__ import annotations

from typing import Any

from events.store import read_stream
from tests.api.conftest import School2
from tests.api.play import WRONG, new_key
from tests.command_clock import Clock, T


def events_of(quiz_id: str) -> list[Any]:
    return read_stream(f"quiz-{quiz_id}")


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
    assert "Too many quiz commands" in refused.json()["detail"]
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


def test_a_re_sent_command_counts_like_any_other(school: School2, limited: Clock) -> None:
    """A replay of an Idempotency-Key is a request the server answers: it counts (a client
    retrying a lost response sends a few, never a minute's worth)."""
    student = school.client("student1")
    key = {"Idempotency-Key": new_key()}
    chapter = {"chapter": school.chapters["words"].pk}
    codes = [
        student.post("/api/quizzes/", chapter, format="json", headers=key).status_code
        for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]


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
