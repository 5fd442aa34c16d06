"""Playing quizzes over the API, recording every response (for the leak scan and flow tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient

from tests.api.conftest import School2

WRONG = "definitely not it"


@dataclass
class Recorder:
    """An APIClient that keeps every (method, path, status, body) it saw."""

    client: APIClient
    seen: list[tuple[str, str, int, Any]] = field(default_factory=list)
    sent_answers: set[str] = field(default_factory=set)

    def get(self, path: str, expect: int = 200) -> Any:
        response = self.client.get(path)
        return self._keep("GET", path, response, expect)

    def post(self, path: str, body: Any = None, expect: int = 200, key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else None
        if isinstance(body, dict) and isinstance(body.get("answer"), str):
            self.sent_answers.add(body["answer"])
        response = self.client.post(path, body, format="json", headers=headers)
        return self._keep("POST", path, response, expect)

    def _keep(self, method: str, path: str, response: Any, expect: int) -> Any:
        body = response.json() if response.content else None
        self.seen.append((method, path, response.status_code, body))
        assert response.status_code == expect, (method, path, response.status_code, body)
        return body


def wrong_answer(school: School2, question: dict[str, Any]) -> str:
    """A wrong answer to the question: WRONG, or for a choice question a key that is not right
    (anything else is no answer to it, a 400)."""
    right = school.correct_answer(question["id"])
    keys = [choice["key"] for choice in question["choices"] if choice["key"] != right]
    return keys[0] if keys else WRONG


def start(rec: Recorder, chapter_id: int, expect: int = 201) -> dict[str, Any]:
    return rec.post("/api/quizzes/", {"chapter": chapter_id}, expect=expect)


def play_to_passed(rec: Recorder, school: School2, chapter_id: int) -> tuple[str, list[str]]:
    """DESIGN.md's flow: a wrong answer, a reveal, then correct answers until the streak passes.

    Returns the quiz id and the statuses seen, in order.
    """
    state = start(rec, chapter_id)
    quiz = f"/api/quizzes/{state['id']}"
    statuses = [state["status"]]
    assert state["status"] == "question_open" and state["question"] is not None

    state = rec.post(f"{quiz}/answer/", {"answer": wrong_answer(school, state["question"])})
    assert state["result"]["correct"] is False and state["streak"] == 0
    statuses.append(state["status"])
    state = rec.post(f"{quiz}/next/")
    statuses.append(state["status"])
    state = rec.post(f"{quiz}/reveal/")
    assert state["revealed_answer"], state
    statuses.append(state["status"])
    rec.get(f"{quiz}/")
    for _ in range(50):
        state = rec.post(f"{quiz}/next/")
        statuses.append(state["status"])
        rec.get(f"{quiz}/")
        answer = school.correct_answer(state["question"]["id"])
        state = rec.post(f"{quiz}/answer/", {"answer": answer})
        assert state["result"]["correct"] is True, state
        statuses.append(state["status"])
        if state["status"] == "passed":
            break
    rec.get("/api/quizzes/")
    rec.get(f"{quiz}/events/")
    return str(state["id"]), statuses


def new_key() -> str:
    return str(uuid.uuid4())
