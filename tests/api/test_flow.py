"""A whole quiz played over HTTP to `passed` (DESIGN.md's flow), then its events read back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from events.models import Event
from tests.api.conftest import School2
from tests.api.play import Recorder, play_to_passed

# read_all returns only events below the cluster-wide snapshot xmin (commit-safe order), so a long
# transaction anywhere on the PostgreSQL server delays when new events show up: poll, don't assume.
VISIBLE_WITHIN_SECONDS = 60


def eventually(read: Callable[[], Any], done: Callable[[Any], bool]) -> Any:
    deadline = time.monotonic() + VISIBLE_WITHIN_SECONDS
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def follow(staff: Recorder, query: str, limit: int) -> list[dict]:
    """Every event the log shows now, following next_cursor from the start."""
    seen: list[dict] = []
    cursor = ""
    for _ in range(1000):
        page = staff.get(f"/api/events/?limit={limit}{query}&cursor={cursor}")
        if not page["results"]:
            break
        seen.extend(page["results"])
        cursor = page["next_cursor"]
    return seen


def test_quiz_played_to_passed_then_events_read_back(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    quiz_id, statuses = play_to_passed(rec, school, school.chapters["words"].pk)

    assert statuses[:4] == [
        "question_open",
        "answered_incorrectly",
        "question_open",
        "answer_revealed",
    ]
    assert statuses[-1] == "passed"
    assert statuses[-3:] == ["answered_correctly", "question_open", "passed"]

    # The student's own view of the stream, in version order.
    own = rec.get(f"/api/quizzes/{quiz_id}/events/")
    types = [event["type"] for event in own]
    assert types[:2] == ["quiz.QuizStarted", "quiz.QuestionAssigned"]
    assert types.count("quiz.QuestionAnsweredIncorrectly") == 1
    assert types.count("quiz.AnswerRevealed") == 1
    assert types.count("quiz.QuestionAnsweredCorrectly") == 3
    assert types[-1] == "quiz.QuizPassed"
    # Every moment of the API is in UTC, as the reports write theirs.
    assert all(event["recorded_at"].endswith("Z") for event in own)
    student_id = school.users["student1"].pk
    for event in own:
        assert event["data"]["quiz_id"] == quiz_id
        assert event["data"]["student_id"] == student_id
        assert {"command_id", "correlation_id", "causation_id", "actor_id"} <= set(
            event["metadata"]
        )

    # Staff read the same events from the global log, following next_cursor page by page.
    staff = Recorder(school.client("admin"))
    stream = f"quiz-{quiz_id}"
    seen = eventually(lambda: follow(staff, f"&stream={stream}", 2), lambda s: len(s) == len(own))
    assert [e["event_id"] for e in seen] == [e["event_id"] for e in own]
    assert seen == own

    # The type filter, repeated or comma-separated.
    page = staff.get(
        f"/api/events/?stream={stream}&type=quiz.QuizPassed&type=quiz.QuizStarted&limit=1000"
    )
    assert [e["type"] for e in page["results"]] == ["quiz.QuizStarted", "quiz.QuizPassed"]
    page = staff.get(f"/api/events/?stream={stream}&type=quiz.AnswerRevealed,quiz.QuizPassed")
    assert [e["type"] for e in page["results"]] == ["quiz.AnswerRevealed", "quiz.QuizPassed"]


def test_event_log_visits_every_event_once_across_quizzes(school: School2) -> None:
    for student in ("student1", "student2", "student31"):
        play_to_passed(Recorder(school.client(student)), school, school.chapters["choices"].pk)
    staff = Recorder(school.client("admin"))
    total = Event.objects.count()
    every = eventually(
        lambda: staff.get("/api/events/?limit=1000")["results"], lambda e: len(e) == total
    )
    paged = follow(staff, "", 7)
    assert [e["event_id"] for e in paged] == [e["event_id"] for e in every]
    assert len({e["event_id"] for e in paged}) == len(paged)
    assert len({e["stream_id"] for e in paged}) == 3
