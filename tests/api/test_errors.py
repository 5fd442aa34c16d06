"""The one error shape, and requests no client can turn into a 500."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from quiz import errors as quiz_errors
from reporting import api as reports_api
from studyflow.exceptions import api_exception_handler, flatten_errors
from tests.api.conftest import School2

# --- pure: the handler's translation --------------------------------------------------------------


def test_flatten_errors_gives_dotted_fields_and_message_lists() -> None:
    detail = {"a": ["bad", "worse"], "b": {"c": ["deep"]}, "items": [{"x": ["one"]}, {}]}
    assert flatten_errors(detail) == {
        "a": ["bad", "worse"],
        "b.c": ["deep"],
        "items.0.x": ["one"],
    }
    assert flatten_errors(["plain"]) == {"non_field_errors": ["plain"]}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (quiz_errors.QuizNotFound(), 404, "not_found"),
        (quiz_errors.NotAStudent(), 403, "permission_denied"),
        (quiz_errors.ChapterNotFound(), 404, "not_found"),
        (quiz_errors.InvalidAnswer("Too long."), 400, "invalid"),
        (quiz_errors.CommandRejected("no_open_question", "No question."), 409, "no_open_question"),
        (quiz_errors.CommandRejected("question_open", "Answer first."), 409, "question_open"),
        (quiz_errors.CommandRejected("quiz_passed", "Done."), 409, "quiz_passed"),
        (OperationalError("connection refused"), 503, "service_unavailable"),
        (exceptions.ParseError(), 400, "parse_error"),
        (exceptions.Throttled(wait=3), 429, "throttled"),
    ],
)
def test_errors_map_to_status_and_code(error: Exception, status: int, code: str) -> None:
    response = api_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status
    assert response.data["code"] == code
    assert isinstance(response.data["detail"], str) and response.data["detail"]


@pytest.mark.parametrize(
    ("wait", "detail", "retry_after"),
    [
        (8, "Too many requests. Wait 8 seconds, then try again.", "8"),
        (0.2, "Too many requests. Wait 1 second, then try again.", "1"),
        (600, "Too many requests. Wait 10 minutes, then try again.", "600"),
        (None, "Too many requests. Try again later.", None),
    ],
)
def test_a_throttles_429_says_how_long_to_wait_as_the_pages_do(
    wait: float | None, detail: str, retry_after: str | None
) -> None:
    response = api_exception_handler(exceptions.Throttled(wait=wait), {})
    assert response is not None and response.status_code == 429
    assert response.data == {"detail": detail, "code": "throttled"}
    assert response.headers.get("Retry-After") == retry_after


class AlwaysOver(BaseThrottle):
    """A throttle of DRF's kind that any view might take: always over, 7.4 s to wait."""

    def allow_request(self, request: Any, view: Any) -> bool:
        return False

    def wait(self) -> float:
        return 7.4


class Throttled(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AlwaysOver]

    def get(self, request: Any) -> Response:
        return Response({})


def test_any_throttled_view_answers_429_in_a_sentence_with_retry_after() -> None:
    response = Throttled.as_view()(APIRequestFactory().get("/api/anything/"))
    response.render()
    assert response.status_code == 429 and response["Retry-After"] == "8"
    assert json.loads(response.content) == {
        "detail": "Too many requests. Wait 8 seconds, then try again.",
        "code": "throttled",
    }


def test_unknown_exceptions_are_left_to_djangos_500_handler() -> None:
    assert api_exception_handler(RuntimeError("bug"), {}) is None


# --- over HTTP ------------------------------------------------------------------------------------


def error_of(response: Any, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and isinstance(body["code"], str)
    return body


def test_unknown_api_path_is_json_404_and_pages_stay_html(school: School2) -> None:
    client = school.client("student1")
    assert error_of(client.get("/api/nope/"), 404)["code"] == "not_found"
    page = client.get("/definitely-not-a-page/")
    assert page.status_code == 404
    assert not page["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    ["/api/quizzes/not-a-uuid/", "/api/nope/", "/api/nope", "/api/", "/api/reports/x/a.csv"],
)
@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_path_is_json_404(school: School2, path: str, debug: bool) -> None:
    # `make run` has DEBUG on, where Django would answer with its HTML debug page.
    with override_settings(DEBUG=debug):
        client = school.client("student1")
        assert error_of(client.get(path), 404)["code"] == "not_found"
        assert error_of(client.post(path, {}), 404)["code"] == "not_found"


def test_an_api_path_without_its_final_slash(school: School2) -> None:
    client = school.client("student1")
    redirect = client.get("/api/health?x=1")
    assert redirect.status_code == 301 and redirect["Location"] == "/api/health/?x=1"
    # A redirect would lose a POST's body: the 404 says what is wrong instead.
    body = error_of(client.post("/api/quizzes", {"chapter_id": 1}), 404)
    assert body["detail"] == "Not found. API paths end with a slash: /api/quizzes/"


def test_wrong_method_is_405(school: School2) -> None:
    assert error_of(school.client("student1").delete("/api/quizzes/"), 405)["code"] == (
        "method_not_allowed"
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ('{"chapter": 1', "application/json", 400),
        ("\xff\xfe", "application/json", 400),
        ("[]", "application/json", 400),
        ("12", "application/json", 400),
        ('{"chapter": NaN}', "application/json", 400),
        ("chapter=1", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "text/xml", 415),
        # nested deeper than the decoder's recursion limit: a 2 KB body once gave a 500
        ("[" * 1000 + "]" * 1000, "application/json", 400),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "application/json", 400),
    ],
)
def test_malformed_bodies(school: School2, raw: str, content_type: str, status: int) -> None:
    response = school.client("student1").post("/api/quizzes/", raw, content_type=content_type)
    error_of(response, status)
    anonymous = school.client(None).post("/api/auth/token/", raw, content_type=content_type)
    error_of(anonymous, status)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", [f"quizzes/{uuid.UUID(int=1)}/answer/", "quizzes/"])
def test_huge_body_is_413(school: School2, settings: Any, debug: bool, path: str) -> None:
    settings.DEBUG = debug  # `make run` has DEBUG on: still JSON, not Django's debug page
    raw = '{"answer": "' + "x" * 3_000_000 + '"}'
    response = school.client("student1").post(f"/api/{path}", raw, content_type="application/json")
    assert error_of(response, 413)["code"] == "request_too_large"
    anonymous = school.client(None).post("/api/auth/token/", raw, content_type="application/json")
    assert error_of(anonymous, 413)["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("too_much", "status", "logger"),
    [
        ("body", 413, "django.security.RequestDataTooBig"),
        ("query", 400, "django.security.TooManyFieldsSent"),
    ],
)
def test_a_request_over_a_size_limit_is_a_warning_in_the_log_not_an_error(
    school: School2, caplog: pytest.LogCaptureFixture, too_much: str, status: int, logger: str
) -> None:
    # One client's oversized request is not a fault of ours: an operator alerting on ERROR
    # was paged by it. The security logger's name stays, for whoever filters on it.
    client = school.client("student1")
    with caplog.at_level(logging.INFO):
        if too_much == "body":
            raw = '{"answer": "' + "x" * 3_000_000 + '"}'
            path = f"/api/quizzes/{uuid.UUID(int=1)}/answer/"
            response = client.post(path, raw, content_type="application/json")
        else:
            response = client.get("/api/quizzes/?" + "&".join(f"p{n}=1" for n in range(1_001)))
    error_of(response, status)
    said = [(r.name, r.levelname, bool(r.exc_info)) for r in caplog.records]
    assert (logger, "WARNING", False) in said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], said


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_too_many_query_parameters_is_a_400(school: School2, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    query = "&".join(f"p{n}=1" for n in range(1_001))  # Django's cap is 1,000 fields
    response = school.client("student1").get(f"/api/quizzes/?{query}")
    assert error_of(response, 400)["code"] == "bad_request"


@pytest.mark.parametrize("key", ["not-a-uuid", "", "123", "x" * 500])
def test_idempotency_key_must_be_a_uuid(school: School2, key: str) -> None:
    response = school.client("student1").post(
        "/api/quizzes/",
        {"chapter": school.chapters["words"].pk},
        format="json",
        headers={"Idempotency-Key": key},
    )
    body = error_of(response, 400)
    assert "Idempotency-Key" in body["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "?cursor=garbage",
        "?cursor=" + "9" * 400,
        "?cursor=%00%01",
        "?limit=0",
        "?limit=1001",
        "?limit=-5",
        "?limit=abc",
        "?type=" + "t" * 300,
        "?stream=" + "s" * 300,
    ],
)
def test_bad_event_query_is_400(school: School2, query: str) -> None:
    error_of(school.client("admin").get(f"/api/events/{query}"), 400)


@pytest.mark.parametrize("query", ["?stream=", "?limit=", "?stream=&limit=&type=&cursor="])
def test_an_empty_event_query_parameter_is_one_not_given(school: School2, query: str) -> None:
    # As on the API's other lists (`/api/quizzes/?limit=`, a report's `class=`): a client that
    # fills in its template's optional parameters with nothing gets the unfiltered first page.
    response = school.client("admin").get(f"/api/events/{query}")
    assert response.status_code == 200, response.json()
    assert set(response.json()) == {"results", "next_cursor"}


def test_unknown_params_are_ignored(school: School2) -> None:
    response = school.client("student1").get("/api/courses/?foo=bar&limit=%00")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_database_down_is_503() -> None:
    from rest_framework.test import APIClient

    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: a real refused connection
    try:
        response = APIClient().get("/api/health/")
        assert response.status_code == 503
        assert response.json()["database"] == "down"
        assert response["Retry-After"] == "5"
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token abc")
        response = client.get("/api/courses/")
        assert error_of(response, 503)["code"] == "service_unavailable"
        assert response["Retry-After"] == "5"
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


# --- the reports' query parameters: a bad one is bad input, as in a body --------------------------


@pytest.mark.parametrize(
    ("endpoint", "query", "parameter"),
    [
        ("questions/", "", "chapter"),
        ("questions/", "?chapter=", "chapter"),
        ("questions/", "?chapter=abc", "chapter"),
        ("questions/", "?chapter=0", "chapter"),
        ("questions/", "?chapter=2147483648", "chapter"),
        ("questions/", "?class={class_2a}", "chapter"),
        ("questions/", "?chapter={words}&class=abc", "class"),
        ("questions/", "?chapter={words}&class=-1", "class"),
        ("questions/{question}/wrong-answers/", "?class=abc", "class"),
        ("questions/{question}/wrong-answers/", "?class=99999999999", "class"),
        ("classes/{class_2a}/activity/", "?since=garbage", "since"),
        ("classes/{class_2a}/activity/", "?since=2026-02-30T10:00:00Z", "since"),
        ("classes/{class_2a}/activity/", "?since=2026-02-03T10:00:00", "since"),
    ],
)
def test_a_bad_report_query_parameter_is_invalid_input_naming_it(
    school: School2, endpoint: str, query: str, parameter: str
) -> None:
    ids = {
        "class_2a": school.classes["2A"].pk,
        "words": school.chapters["words"].pk,
        "question": next(iter(school.accepted)),
    }
    url = f"/api/reports/{endpoint}{query}".format(**ids)
    body = error_of(school.client("teacher").get(url), 400)
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    [message] = body["errors"][parameter]
    assert body["detail"] == f"{parameter}: {message}"


def test_the_schema_documents_the_reports_400_as_the_error_shape(school: School2) -> None:
    schema = school.client("admin").get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert "errors" in error["properties"]
    for path in (
        "/api/reports/questions/",
        "/api/reports/questions/{question_id}/wrong-answers/",
        "/api/reports/classes/{classroom_id}/activity/",
    ):
        response = schema["paths"][path]["get"]["responses"]["400"]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


REPORT_PATHS = [
    "/api/reports/classes/{classroom_id}/progress/",
    "/api/reports/classes/{classroom_id}/activity/",
    "/api/reports/questions/",
    "/api/reports/questions/{question_id}/wrong-answers/",
    "/api/reports/students/{student_id}/answers/",
    "/api/reports/classes/{classroom_id}/export.csv",
    "/api/reports/classes/{classroom_id}/export.xlsx",
]


def test_the_schema_documents_the_reports_503_as_the_rest_of_the_api_does(school: School2) -> None:
    paths = school.client("admin").get("/api/schema/?format=json").json()["paths"]
    assert {path for path in paths if path.startswith("/api/reports/")} == set(REPORT_PATHS)
    courses_503 = paths["/api/courses/"]["get"]["responses"]["503"]
    assert "Retry-After" in courses_503["description"]
    for path in REPORT_PATHS:
        assert paths[path]["get"]["responses"]["503"] == courses_503, path


def test_the_schema_declares_retry_after_on_every_429_and_503(school: School2) -> None:
    # Every 429 and 503 the API sends has Retry-After in whole seconds (the exception handler,
    # the health check): the schema says so as a header, not only in the description's words.
    schema = school.client("admin").get("/api/schema/?format=json").json()
    declared = schema["components"]["headers"]["RetryAfter"]
    assert declared["schema"] == {"type": "integer", "minimum": 1}
    assert declared["required"] is True
    waits = {
        (path, method, code): response.get("headers", {}).get("Retry-After")
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if code in ("429", "503")
    }
    # the log-in's and the commands' 429s, the API's 503s and the health check's own
    assert ("/api/auth/token/", "post", "429") in waits
    assert ("/api/quizzes/{quiz_id}/answer/", "post", "429") in waits
    assert ("/api/courses/", "get", "503") in waits
    assert ("/api/health/", "get", "503") in waits
    assert all(
        header == {"$ref": "#/components/headers/RetryAfter"} for header in waits.values()
    ), waits


def test_the_schema_says_a_student_may_read_their_own_answers(school: School2) -> None:
    # access.student_for: a student is answered 200 for themself and 404 for another, so the 403
    # is for callers of no role only, and must not say teachers and staff alone are let in.
    paths = school.client("admin").get("/api/schema/?format=json").json()["paths"]
    responses = paths["/api/reports/students/{student_id}/answers/"]["get"]["responses"]
    assert "student" in responses["403"]["description"]
    assert "student" in responses["404"]["description"]
    assert (
        school.client("student1")
        .get(f"/api/reports/students/{school.users['student1'].pk}/answers/")
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/reports/questions/", reports_api.QuestionQuery),
        ("/api/reports/questions/{question_id}/wrong-answers/", reports_api.ClassQuery),
        ("/api/reports/classes/{classroom_id}/activity/", reports_api.ActivityQuery),
    ],
)
def test_the_schema_documents_the_reports_query_parameters_as_they_are_read(
    school: School2, path: str, query: type[serializers.Serializer]
) -> None:
    paths = school.client("admin").get("/api/schema/?format=json").json()["paths"]
    documented = {
        parameter["name"]: parameter
        for parameter in paths[path]["get"]["parameters"]
        if parameter["in"] == "query"
    }
    fields = query().fields
    assert set(documented) == set(fields)
    for name, field in fields.items():
        parameter = documented[name]
        assert parameter.get("required", False) == field.required, name
        assert parameter["description"] == field.help_text, name
        if isinstance(field, reports_api.IdParam):
            assert parameter["schema"] == {
                "type": "integer",
                "minimum": field.min_value,
                "maximum": field.max_value,
            }, name
        else:
            assert parameter["schema"] == {"type": "string", "format": "date-time"}, name
