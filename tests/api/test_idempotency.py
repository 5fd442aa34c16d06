"""Idempotency-Key: the same key gives the same response and records nothing new."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
import requests

from events.store import read_stream
from tests.api.conftest import School2
from tests.api.play import WRONG, Recorder, new_key, start


def stream_types(quiz_id: str) -> list[str]:
    return [event.type for event in read_stream(f"quiz-{quiz_id}")]


def test_start_repeated_ten_times_is_one_quiz_and_the_same_response(school: School2) -> None:
    client = school.client("student1")
    key = new_key()
    responses = [
        client.post(
            "/api/quizzes/",
            {"chapter": school.chapters["words"].pk},
            format="json",
            headers={"Idempotency-Key": key},
        )
        for _ in range(10)
    ]
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    quiz_id = responses[0].json()["id"]
    assert stream_types(quiz_id) == ["quiz.QuizStarted", "quiz.QuestionAssigned"]


def test_answer_repeated_ten_times_is_one_answer_event(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    quiz_id = start(rec, school.chapters["words"].pk)["id"]
    before = stream_types(quiz_id)
    key = new_key()
    bodies = [
        rec.post(f"/api/quizzes/{quiz_id}/answer/", {"answer": WRONG}, key=key) for _ in range(10)
    ]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["status"] == "answered_incorrectly"
    added = stream_types(quiz_id)[len(before) :]
    assert added == ["quiz.QuestionAnsweredIncorrectly"]
    # A different key is a different command: now rejected, as the question is answered.
    rec.post(
        f"/api/quizzes/{quiz_id}/answer/",
        {"answer": WRONG},
        expect=409,
        key=new_key(),
    )


def test_the_same_key_with_another_answer_is_refused_and_records_nothing(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    quiz_id = start(rec, school.chapters["words"].pk)["id"]
    key = new_key()
    rec.post(f"/api/quizzes/{quiz_id}/answer/", {"answer": WRONG}, key=key)
    before = stream_types(quiz_id)
    refused = rec.post(
        f"/api/quizzes/{quiz_id}/answer/", {"answer": "something else"}, expect=409, key=key
    )
    assert refused["code"] == "command_id_reused"
    assert "Idempotency-Key" in refused["detail"]
    assert stream_types(quiz_id) == before


def test_the_same_key_to_start_another_chapter_is_refused(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    key = new_key()
    rec.post("/api/quizzes/", {"chapter": school.chapters["words"].pk}, expect=201, key=key)
    refused = rec.post(
        "/api/quizzes/", {"chapter": school.chapters["choices"].pk}, expect=409, key=key
    )
    assert refused["code"] == "command_id_reused"
    assert [q["chapter"] for q in rec.get("/api/quizzes/")] == [school.chapters["words"].pk]


def test_a_rejected_answer_resent_after_the_quiz_moved_on_is_rejected_again(
    school: School2,
) -> None:
    rec = Recorder(school.client("student1"))
    quiz_id = start(rec, school.chapters["words"].pk)["id"]
    quiz = f"/api/quizzes/{quiz_id}"
    rec.post(f"{quiz}/answer/", {"answer": WRONG})
    key = new_key()
    refused = rec.post(f"{quiz}/answer/", {"answer": WRONG}, expect=409, key=key)
    assert refused["code"] == "no_open_question"
    rec.post(f"{quiz}/next/")  # a question is open now: deciding afresh would answer it
    before = stream_types(quiz_id)
    again = rec.post(f"{quiz}/answer/", {"answer": WRONG}, expect=409, key=key)
    assert again == refused
    assert stream_types(quiz_id) == before


def test_a_start_that_returned_the_open_quiz_returns_it_again_once_that_passed(
    school: School2,
) -> None:
    rec = Recorder(school.client("student1"))
    chapter = school.chapters["words"].pk
    quiz_id = start(rec, chapter)["id"]
    key = new_key()
    first = rec.post("/api/quizzes/", {"chapter": chapter}, expect=200, key=key)
    assert first["id"] == quiz_id
    quiz = f"/api/quizzes/{quiz_id}"
    for _ in range(50):
        question = rec.get(f"{quiz}/")["question"]["id"]
        state = rec.post(f"{quiz}/answer/", {"answer": school.correct_answer(question)})
        if state["status"] == "passed":
            break
        rec.post(f"{quiz}/next/")
    assert state["status"] == "passed"
    again = rec.post("/api/quizzes/", {"chapter": chapter}, expect=200, key=key)
    assert again == first  # the open quiz as it was, not a new quiz
    assert [q["id"] for q in rec.get("/api/quizzes/") if q["chapter"] == chapter] == [quiz_id]


def test_the_same_key_of_another_user_does_not_collide(school: School2) -> None:
    key = new_key()
    one = Recorder(school.client("student1"))
    two = Recorder(school.client("student2"))
    chapter = school.chapters["words"].pk
    a = one.post("/api/quizzes/", {"chapter": chapter}, expect=201, key=key)
    b = two.post("/api/quizzes/", {"chapter": chapter}, expect=201, key=key)
    assert a["id"] != b["id"]


def test_the_same_key_on_another_action_or_quiz_is_refused_and_records_nothing(
    school: School2,
) -> None:
    # given a student who answered with a key, and has a second quiz open
    rec = Recorder(school.client("student1"))
    quiz_id = start(rec, school.chapters["words"].pk)["id"]
    other_id = start(rec, school.chapters["choices"].pk)["id"]
    key = new_key()
    rec.post(f"/api/quizzes/{quiz_id}/answer/", {"answer": WRONG}, key=key)
    before = stream_types(quiz_id), stream_types(other_id)
    # when the same key comes with another action, on this quiz or the other, or with a start
    refusals = [
        rec.post(f"/api/quizzes/{quiz_id}/next/", expect=409, key=key),
        rec.post(f"/api/quizzes/{quiz_id}/reveal/", expect=409, key=key),
        rec.post(f"/api/quizzes/{other_id}/reveal/", expect=409, key=key),
        rec.post(f"/api/quizzes/{other_id}/answer/", {"answer": "A"}, expect=409, key=key),
        rec.post("/api/quizzes/", {"chapter": school.chapters["words"].pk}, expect=409, key=key),
    ]
    # then each is refused as a reused key, and nothing is recorded
    assert {r["code"] for r in refusals} == {"command_id_reused"}
    assert (stream_types(quiz_id), stream_types(other_id)) == before


def test_a_key_applied_on_one_quiz_is_refused_as_reused_where_another_would_refuse(
    school: School2,
) -> None:
    # given a key applied on one quiz, and a second quiz with an answered question
    rec = Recorder(school.client("student1"))
    quiz_id = start(rec, school.chapters["words"].pk)["id"]
    other = f"/api/quizzes/{start(rec, school.chapters['choices'].pk)['id']}"
    rec.post(f"{other}/answer/", {"answer": "A"})
    key = new_key()
    rec.post(f"/api/quizzes/{quiz_id}/answer/", {"answer": WRONG}, key=key)
    # when the key comes with a command the second quiz would refuse on its own
    refused = rec.post(f"{other}/answer/", {"answer": "B"}, expect=409, key=key)
    # then the refusal is the reused key, not that quiz's `no_open_question`
    assert refused["code"] == "command_id_reused"


def test_a_key_first_refused_is_refused_as_reused_on_another_action(school: School2) -> None:
    # given an answer refused (no open question) under a key
    rec = Recorder(school.client("student1"))
    quiz = f"/api/quizzes/{start(rec, school.chapters['words'].pk)['id']}"
    rec.post(f"{quiz}/answer/", {"answer": WRONG})
    key = new_key()
    assert rec.post(f"{quiz}/answer/", {"answer": WRONG}, expect=409, key=key)["code"] == (
        "no_open_question"
    )
    # when the key comes again with the next question, which would now be allowed
    refused = rec.post(f"{quiz}/next/", expect=409, key=key)
    # then it is refused as a reused key, and no question is assigned
    assert refused["code"] == "command_id_reused"
    assert rec.get(f"{quiz}/")["status"] == "answered_incorrectly"


@pytest.mark.slow
def test_twenty_concurrent_identical_answers_are_one_event(school: School2, live_server) -> None:
    token = school.tokens["student1"]
    headers = {"Authorization": f"Token {token}"}
    base = live_server.url
    created = requests.post(
        f"{base}/api/quizzes/",
        json={"chapter": school.chapters["words"].pk},
        headers=headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    quiz_id = created.json()["id"]
    key = str(uuid.uuid4())
    barrier = threading.Barrier(20)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post() -> None:
        barrier.wait()
        response = requests.post(
            f"{base}/api/quizzes/{quiz_id}/answer/",
            json={"answer": WRONG},
            headers={**headers, "Idempotency-Key": key},
            timeout=60,
        )
        with lock:
            results.append((response.status_code, response.text))

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every request gets the first one's response: the key makes them one command.
    assert [status for status, _ in results] == [200] * 20, results
    assert len({text for _, text in results}) == 1
    types = Counter(stream_types(quiz_id))
    assert types["quiz.QuestionAnsweredIncorrectly"] == 1
    assert types["quiz.QuestionAnsweredCorrectly"] == 0
