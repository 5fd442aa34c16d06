"""A student never receives an accepted answer: scan every body of a whole quiz flow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.api.conftest import School2
from tests.api.play import Recorder, play_to_passed

ANSWER_KEYS = {"accepted_answers", "accepted_answer", "accepted", "worked_answer", "answers"}


def strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield ((*path, str(key)), str(key))
            yield from strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*path, str(index)))
    elif isinstance(value, str):
        yield path, value


def leaks(body: Any, secrets: set[str], sent: set[str]) -> list[str]:
    found = []
    for path, text in strings(body):
        field = path[-1] if path else ""
        if field in ANSWER_KEYS:
            found.append(f"field {'.'.join(path)}")
            continue
        if field == "revealed_answer":
            continue  # checked separately: only after a reveal
        if path[-2:] == ("data", "answer") and text in sent:
            continue  # the student's own answer, echoed in their quiz's events
        for secret in secrets:
            if secret.casefold() in text.casefold():
                found.append(f"{'.'.join(path)} = {text!r}")
    return found


def test_no_accepted_answer_in_any_student_response(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    rec.get("/api/courses/")
    play_to_passed(rec, school, school.chapters["words"].pk)
    play_to_passed(rec, school, school.chapters["choices"].pk)
    secrets = {
        answer
        for question_id, answers in school.accepted.items()
        for answer in answers
        if len(answer) > 3  # choice keys ("A") are also shown as choices: check the fields instead
    }
    problems = []
    for method, path, _status, body in rec.seen:
        for leak in leaks(body, secrets, rec.sent_answers):
            problems.append(f"{method} {path}: {leak}")
        for state in body if isinstance(body, list) else [body]:
            if (
                isinstance(state, dict)
                and state.get("revealed_answer") is not None
                and state.get("status") != "answer_revealed"
            ):
                problems.append(f"{method} {path}: revealed_answer outside a reveal")
    assert len(rec.seen) > 20
    assert not problems, "\n".join(problems)
