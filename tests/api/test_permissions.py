"""The permission matrix: every caller by every endpoint, one table, one test.

student1 and teacher are in class 2A, student31 and teacher2 in 2B; admin is staff. Quiz rows use
student1's quiz: its owner, the teacher of 2A and staff may read it; any other student and the
teacher of 2B get 404 (never reveal that it exists); only the owner may send it commands (teachers
and staff 403). A cell holding a set accepts any of its statuses.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD, School2
from tests.api.play import Recorder, start

CALLERS = ["anonymous", "student1", "student31", "teacher", "teacher2", "admin"]

# (method, path template, body) -> expected status per caller, in CALLERS order.
# Rows run top to bottom and callers left to right, so student1's commands see a known state:
# answer (question open -> answered), next (-> open), reveal (open -> revealed).
MATRIX: list[tuple[str, str, Any, tuple[int | set[int], ...]]] = [
    ("POST", "/api/auth/token/", {"username": "student1", "password": PASSWORD}, (200,) * 6),
    ("GET", "/api/health/", None, (200,) * 6),
    ("GET", "/api/schema/", None, (200,) * 6),
    ("GET", "/api/docs/", None, (200,) * 6),
    ("GET", "/api/courses/", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/quizzes/", None, (401, 200, 200, 403, 403, 403)),
    ("POST", "/api/quizzes/", {"chapter": "{words}"}, (401, 200, 201, 403, 403, 403)),
    ("GET", "/api/quizzes/{quiz}/", None, (401, 200, 404, 200, 404, 200)),
    ("POST", "/api/quizzes/{quiz}/answer/", {"answer": "no"}, (401, 200, 404, 403, 403, 403)),
    ("POST", "/api/quizzes/{quiz}/next/", None, (401, 200, 404, 403, 403, 403)),
    ("POST", "/api/quizzes/{quiz}/reveal/", None, (401, 200, 404, 403, 403, 403)),
    ("GET", "/api/quizzes/{quiz}/events/", None, (401, 200, 404, 200, 404, 200)),
    ("GET", "/api/classes/", None, (401, 403, 403, 200, 200, 200)),
    ("GET", "/api/events/", None, (401, 403, 403, 403, 403, 200)),
    ("GET", "/api/content/questions/?chapter={words}", None, (401, 403, 403, 403, 403, 200)),
]

# The teacher reports (reporting/api.py): a teacher of 2B on class 2A is 403 or 404.
NOT_THEIRS = {403, 404}
REPORT_ROWS: list[tuple[str, str, Any, tuple[int | set[int], ...]]] = [
    (
        "GET",
        "/api/reports/classes/{class_2a}/progress/",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/classes/{class_2a}/activity/",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/questions/?chapter={words}&class={class_2a}",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/questions/{question}/wrong-answers/?class={class_2a}",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/students/{student1}/answers/",
        None,
        (401, 200, NOT_THEIRS, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/classes/{class_2a}/export.csv",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
    (
        "GET",
        "/api/reports/classes/{class_2a}/export.xlsx",
        None,
        (401, 403, 403, 200, NOT_THEIRS, 200),
    ),
]


def reports_are_routed() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/reports/classes/1/progress/")
    except Resolver404:
        return False
    return True


def fill(template: Any, names: dict[str, Any]) -> Any:
    if isinstance(template, str):
        text = template.format(**names)
        return int(text) if text.isdigit() and template.startswith("{") else text
    if isinstance(template, dict):
        return {key: fill(value, names) for key, value in template.items()}
    return template


def test_permission_matrix(school: School2) -> None:
    quiz = start(Recorder(school.client("student1")), school.chapters["words"].pk)
    names = {
        "quiz": quiz["id"],
        "words": school.chapters["words"].pk,
        "class_2a": school.classes["2A"].pk,
        "student1": school.users["student1"].pk,
        "question": quiz["question"]["id"],
    }
    rows = MATRIX + (REPORT_ROWS if reports_are_routed() else [])
    failures = []
    for method, template, body, expected in rows:
        path = fill(template, names)
        for caller, want in zip(CALLERS, expected, strict=True):
            client = school.client(None if caller == "anonymous" else caller)
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, fill(body, names), format="json")
            allowed = want if isinstance(want, set) else {want}
            if response.status_code not in allowed:
                failures.append(f"{method} {path} as {caller}: {response.status_code}, want {want}")
            if response.status_code >= 400 and response["Content-Type"] == "application/json":
                error = response.json()
                assert {"detail", "code"} <= set(error), (method, path, caller, error)
    assert not failures, "\n".join(failures)
