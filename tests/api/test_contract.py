"""Contract tests, written from API.md: every endpoint, its shape and each of its status codes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings

from quiz import services
from quiz.content import create_question
from quiz.models import Chapter
from reporting.exports import XLSX
from studyflow.models import Classroom, School
from tests.api.conftest import PASSWORD, School2
from tests.api.play import WRONG, Recorder, play_to_passed, start
from tests.held_open import held_open
from tests.pages_data import TEN_THOUSAND_QUESTION

QUIZ_STATE_FIELDS = {"id", "chapter", "status", "streak", "streak_goal", "stuck", "version"}
EVENT_FIELDS = {
    "position",
    "stream_id",
    "version",
    "type",
    "data",
    "metadata",
    "event_id",
    "recorded_at",
}


def is_error(body: dict, code: str | None = None) -> bool:
    return (
        isinstance(body.get("detail"), str)
        and isinstance(body.get("code"), str)
        and (code is None or body["code"] == code)
    )


# --- auth -----------------------------------------------------------------------------------------


def test_token_for_good_credentials_authenticates_later_requests(school: School2) -> None:
    response = school.client(None).post(
        "/api/auth/token/", {"username": "student1", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == school.tokens["student1"]
    client = school.client(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/courses/").status_code == 200


def test_a_revoked_token_stops_working_and_the_next_log_in_makes_a_new_one(
    school: School2,
) -> None:
    # given a student's token
    old = school.tokens["student1"]
    client = school.client("student1")
    # when they revoke it
    response = client.delete("/api/auth/token/")
    assert response.status_code == 204
    # then it no longer authenticates, and revoking again needs a token
    assert client.get("/api/courses/").status_code == 401
    again = client.delete("/api/auth/token/")
    assert again.status_code == 401 and is_error(again.json())
    assert school.client(None).delete("/api/auth/token/").status_code == 401
    # and logging in again gives a new token; other users' tokens still work
    new = token(school.client(None), "student1", PASSWORD).json()["token"]
    assert new != old
    assert school.client("student2").get("/api/courses/").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "student1", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "student1"},
        {},
        {"username": ["student1"], "password": 1},
    ],
)
def test_token_bad_credentials_or_input_is_400(school: School2, body: dict) -> None:
    response = school.client(None).post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert is_error(response.json())


def token(client: Any, username: str, password: str) -> Any:
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_token_endpoint_limits_failed_log_ins_per_account(school: School2) -> None:
    client = school.client(None)
    codes = [token(client, "student1", "guess").status_code for _ in range(12)]
    assert codes == [400] * 10 + [429] * 2
    refused = token(client, "student1", PASSWORD)  # the right password too, or guessing goes on
    assert is_error(refused.json(), "throttled")
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    # in the words of the log-in page, with the seconds of Retry-After
    seconds = "1 second" if wait == 1 else f"{wait} seconds"
    assert refused.json()["detail"] == (
        f"Too many failed log-ins for this account. Wait {seconds}, then try again."
    )
    # other accounts from the same address are not held back
    assert token(client, "student2", "guess").status_code == 400
    assert token(client, "student2", PASSWORD).status_code == 200


def test_the_username_is_taken_in_any_case(school: School2) -> None:
    # given a student typing their username as their phone capitalised it
    for typed in ("Student1", "STUDENT1", "sTuDeNt1"):
        response = token(school.client(None), typed, PASSWORD)
        # then it is their account's token
        assert response.status_code == 200, typed
        assert response.json()["token"] == school.tokens["student1"]
    # but the password's case counts, and nobody's name is anybody's
    assert token(school.client(None), "STUDENT1", PASSWORD.upper()).status_code == 400
    assert token(school.client(None), "STUDENT11", PASSWORD).status_code == 400


def test_the_username_in_any_case_counts_as_one_account_s_failures(school: School2) -> None:
    client = school.client(None)
    cases = ("student1", "STUDENT1", "Student1", "sTUDENT1")
    codes = [token(client, cases[n % 4], "guess").status_code for n in range(11)]
    assert codes == [400] * 10 + [429]
    assert is_error(token(client, "STUDENT1", PASSWORD).json(), "throttled")
    assert is_error(token(client, "student1", PASSWORD).json(), "throttled")


def test_a_class_logging_in_at_once_from_one_address_is_not_throttled(school: School2) -> None:
    client = school.client(None)
    for _ in range(4):  # more log-ins from one address than the limit of failures
        for name in ("student1", "student2", "student31", "teacher"):
            assert token(client, name, PASSWORD).status_code == 200


def test_no_or_bad_credentials_is_401(school: School2) -> None:
    response = school.client(None).get("/api/courses/")
    assert response.status_code == 401
    assert is_error(response.json(), "not_authenticated")
    client = school.client(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/courses/")
    assert response.status_code == 401
    assert is_error(response.json(), "authentication_failed")


def test_session_auth_requires_csrf_for_posts(school: School2) -> None:
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(school.users["student1"])
    assert client.get("/api/quizzes/").status_code == 200
    response = client.post("/api/quizzes/", {"chapter": school.chapters["words"].pk}, format="json")
    assert response.status_code == 403
    assert is_error(response.json(), "permission_denied")


# --- courses --------------------------------------------------------------------------------------


def test_courses_list_chapters_with_question_counts(school: School2) -> None:
    draft(school)  # not counted: no student is asked a draft
    body = school.client("student1").get("/api/courses/").json()
    course = next(c for c in body if c["id"] == school.course.pk)
    assert course["title"] == school.course.title
    assert [
        (c["id"], c["title"], c["question_count"], c["streak_goal"]) for c in course["chapters"]
    ] == [
        (school.chapters["words"].pk, "Secret words", 5, 3),
        (school.chapters["choices"].pk, "Choices", 3, 2),
    ]


# --- quizzes --------------------------------------------------------------------------------------


def test_start_is_201_then_200_for_the_open_quiz(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    chapter = school.chapters["words"].pk
    first = start(rec, chapter, expect=201)
    assert set(first) >= QUIZ_STATE_FIELDS
    assert first["chapter"] == chapter
    assert first["status"] == "question_open"
    assert first["streak"] == 0 and first["streak_goal"] == 3 and first["stuck"] is False
    assert set(first["question"]) >= {"id", "text", "kind", "choices"}
    assert first["question"]["kind"] == "open"
    again = start(rec, chapter, expect=200)
    assert again["id"] == first["id"]


def test_choice_question_has_choices(school: School2) -> None:
    state = start(Recorder(school.client("student1")), school.chapters["choices"].pk)
    assert state["question"]["kind"] == "choice"
    assert {c["key"] for c in state["question"]["choices"]} == {"A", "B"}


@pytest.mark.parametrize("answer", ["E", "1/2", "nope"])
def test_a_choice_answer_that_names_no_choice_is_400_and_no_mistake(
    school: School2, answer: str
) -> None:
    # given a student at a multiple-choice question (keys A and B)
    rec = Recorder(school.client("student1"))
    quiz = f"/api/quizzes/{start(rec, school.chapters['choices'].pk)['id']}"
    before = rec.get(f"{quiz}/events/")
    # when they answer with something that is no choice
    refused = rec.post(f"{quiz}/answer/", {"answer": answer}, expect=400)
    # then it is a bad request naming the choices, and nothing is recorded
    assert is_error(refused, "invalid") and "A, B" in refused["errors"]["answer"][0]
    assert rec.get(f"{quiz}/events/") == before
    # and a key, in any case, is an answer as before
    assert rec.post(f"{quiz}/answer/", {"answer": "b)"})["status"].startswith("answered_")


@pytest.mark.parametrize("answer", ["10.000", "10,000", "10.000 m"])
def test_a_number_right_only_with_a_thousands_separator_is_400_and_no_mistake(
    school: School2, answer: str
) -> None:
    # given a student at a question whose answer is ten thousand
    chapter = school.course.chapters.create(title="Big numbers", order=3)
    create_question(chapter=chapter, **TEN_THOUSAND_QUESTION)
    rec = Recorder(school.client("student1"))
    quiz = f"/api/quizzes/{start(rec, chapter.pk)['id']}"
    before = rec.get(f"{quiz}/events/")
    # when they answer with a thousands point or comma
    refused = rec.post(f"{quiz}/answer/", {"answer": answer}, expect=400)
    # then it is a bad request asking which number they mean, and nothing is recorded
    assert is_error(refused, "invalid") and "Is that 10 or 10000?" in refused["errors"]["answer"][0]
    assert rec.get(f"{quiz}/events/") == before
    # and the number written plainly is an answer as before
    assert rec.post(f"{quiz}/answer/", {"answer": "10000"})["status"] == "answered_correctly"


@pytest.mark.parametrize(
    "body",
    [{}, {"chapter": "x"}, {"chapter": -1}, {"chapter": 10**30}, {"chapter": None}, [1], "null"],
)
def test_start_bad_input_is_400(school: School2, body: object) -> None:
    response = school.client("student1").post("/api/quizzes/", body, format="json")
    assert response.status_code == 400
    assert is_error(response.json(), "invalid")


def test_start_on_missing_chapter_is_400_with_field_error(school: School2) -> None:
    response = school.client("student1").post("/api/quizzes/", {"chapter": 999999}, format="json")
    assert response.status_code == 400
    assert "chapter" in response.json()["errors"]


def test_list_is_the_callers_quizzes_newest_first(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    older = start(rec, school.chapters["words"].pk)
    newer = start(rec, school.chapters["choices"].pk)
    start(Recorder(school.client("student2")), school.chapters["words"].pk)
    body = rec.get("/api/quizzes/")
    assert [q["id"] for q in body] == [newer["id"], older["id"]]
    assert [q["id"] for q in rec.get("/api/quizzes/?limit=1")] == [newer["id"]]
    rec.get("/api/quizzes/?limit=0", expect=400)
    rec.get("/api/quizzes/?limit=abc", expect=400)


def next_link(response: Any) -> str | None:
    """The path and query of a `Link: <path>; rel="next"` header, if there is one."""
    link = response.headers.get("Link")
    if link is None:
        return None
    url, rel = link.split(";")
    assert rel.strip() == 'rel="next"' and url.startswith("</api/"), link
    return url.strip("<>")


def test_a_long_list_of_quizzes_links_to_its_next_page(school: School2) -> None:
    # given a student with two quizzes
    rec = Recorder(school.client("student1"))
    older, newer = (start(rec, school.chapters[name].pk)["id"] for name in ("words", "choices"))
    client = school.client("student1")
    # when they list one at a time
    first = client.get("/api/quizzes/?limit=1")
    # then the first page is the newest, and its Link leads to the rest
    assert [q["id"] for q in first.json()] == [newer]
    path = next_link(first)
    assert path is not None and "limit=1" in path
    second = client.get(path)
    assert [q["id"] for q in second.json()] == [older]
    assert next_link(second) is None
    # and a list that fits on its page has no Link
    assert next_link(client.get("/api/quizzes/")) is None
    rec.get("/api/quizzes/?before=0", expect=400)


def catch_up(client: Any, held: list[str]) -> None:
    """A client keeping the student's quizzes: from the first page on, it takes the quizzes it
    does not hold yet, following `next`, until it meets one it holds (newest first: the rest
    are older, held already)."""
    path: str | None = "/api/quizzes/?limit=1"
    while path is not None:
        response = client.get(path)
        assert response.status_code == 200
        for quiz in response.json():
            if quiz["id"] in held:
                return
            held.append(quiz["id"])
        path = next_link(response)


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="a transaction held open beside another writer needs PostgreSQL",
)
def test_a_quiz_whose_start_commits_late_is_listed_to_a_client_catching_up(
    school: School2,
) -> None:
    """A start numbered before another can commit after it (commit order is not the order of
    positions), and after a client has read past it: newest first by position, the client never
    meets it (on the next page it was not there yet, and on the first it sorts below a quiz the
    client holds)."""
    student, client = school.users["student1"], school.client("student1")

    def start_late() -> str:
        return str(
            services.start_quiz(
                actor=student, chapter_id=school.chapters["choices"].pk, command_id=uuid.uuid4()
            ).quiz.id
        )

    # given a start whose transaction stays open, and a later start that commits first
    held: list[str] = []
    with held_open(start_late) as late:
        later = start(Recorder(client), school.chapters["words"].pk)["id"]
        # when a client catches up while the first start is still open, then again after it
        catch_up(client, held)
    catch_up(client, held)
    # then it holds both quizzes, the later start first
    assert held == [later, late]


def test_a_next_page_link_names_no_scheme_or_host(school: School2) -> None:
    """A real site's server sees plain HTTP from its HTTPS proxy (README, Production): a Link
    built as an absolute URL would say http://, and a client following it would send its token
    in the clear. A path is resolved against the URL the client asked for (RFC 8288): the
    scheme and host it already trusts."""
    rec = Recorder(school.client("student1"))
    for name in ("words", "choices"):
        start(rec, school.chapters[name].pk)
    response = school.client("student1").get("/api/quizzes/?limit=1", headers={"Host": "localhost"})
    link = response.headers["Link"]
    assert link.startswith("</api/quizzes/?") and "http" not in link and "localhost" not in link


def test_a_long_quiz_lists_its_events_a_page_at_a_time(
    school: School2, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a quiz of four events, and pages of three
    monkeypatch.setattr("quiz.api.quizzes.MAX_QUIZ_EVENTS", 3)
    rec = Recorder(school.client("student1"))
    quiz = f"/api/quizzes/{start(rec, school.chapters['words'].pk)['id']}"
    rec.post(f"{quiz}/reveal/")
    rec.post(f"{quiz}/next/")
    client = school.client("student1")
    # when the student lists them
    first = client.get(f"{quiz}/events/")
    # then the first three come, and the Link leads to the others
    assert [e["version"] for e in first.json()] == [1, 2, 3]
    path = next_link(first)
    assert path == f"{quiz}/events/?from_version=4"
    second = client.get(path)
    assert [e["version"] for e in second.json()] == [4]
    assert next_link(second) is None
    assert client.get(f"{quiz}/events/?from_version=5").json() == []
    rec.get(f"{quiz}/events/?from_version=0", expect=400)
    # and another student still does not see the quiz at all, from any version
    assert school.client("student2").get(f"{quiz}/events/?from_version=2").status_code == 404


def test_detail_and_404s(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    state = start(rec, school.chapters["words"].pk)
    assert rec.get(f"/api/quizzes/{state['id']}/") == state
    # a UUID in upper case (Swift's uuidString) names the same quiz, for reads and commands
    upper = state["id"].upper()
    assert rec.get(f"/api/quizzes/{upper}/") == state
    assert rec.post(f"/api/quizzes/{upper}/reveal/")["id"] == state["id"]
    other = Recorder(school.client("student2"))
    for path in ("", "events/"):
        body = other.get(f"/api/quizzes/{state['id']}/{path}", expect=404)
        assert is_error(body, "not_found")
    for verb in ("answer", "reveal", "next"):
        body = other.post(f"/api/quizzes/{state['id']}/{verb}/", {"answer": "x"}, expect=404)
        assert is_error(body, "not_found")
    missing = "00000000-0000-4000-8000-000000000000"
    assert is_error(rec.get(f"/api/quizzes/{missing}/", expect=404), "not_found")
    assert is_error(rec.get("/api/quizzes/not-a-uuid/", expect=404), "not_found")


def test_answer_wrong_then_409s_then_next_reveal(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    state = start(rec, school.chapters["words"].pk)
    quiz = f"/api/quizzes/{state['id']}"
    assert is_error(rec.post(f"{quiz}/next/", expect=409), "question_open")

    state = rec.post(f"{quiz}/answer/", {"answer": WRONG})
    assert state["status"] == "answered_incorrectly"
    assert state["result"]["correct"] is False and isinstance(state["result"]["message"], str)
    assert state["revealed_answer"] is None
    assert is_error(rec.post(f"{quiz}/answer/", {"answer": WRONG}, expect=409), "no_open_question")
    assert is_error(rec.post(f"{quiz}/reveal/", expect=409), "no_open_question")

    state = rec.post(f"{quiz}/next/")
    assert state["status"] == "question_open" and state["question"] is not None
    state = rec.post(f"{quiz}/reveal/")
    assert state["status"] == "answer_revealed"
    assert isinstance(state["revealed_answer"], str) and state["revealed_answer"]


@pytest.mark.parametrize(
    "raw",
    [
        "{}",
        '{"answer": ""}',
        '{"answer": "   "}',
        '{"answer": null}',
        '{"answer": {"x": 1}}',
        '{"answer": "' + "x" * 501 + '"}',
        '{"answer": true}',
        '{"answer": 1e400}',  # infinity once parsed: it was answered as "inf"
        '{"answer": -1e400}',
    ],
)
def test_answer_bad_input_is_400(school: School2, raw: str) -> None:
    state = start(Recorder(school.client("student1")), school.chapters["words"].pk)
    response = school.client("student1").post(
        f"/api/quizzes/{state['id']}/answer/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert is_error(response.json(), "invalid")
    assert "answer" in response.json()["errors"]


def test_full_quiz_then_commands_are_409_quiz_passed(school: School2) -> None:
    rec = Recorder(school.client("student1"))
    quiz_id, statuses = play_to_passed(rec, school, school.chapters["words"].pk)
    assert statuses[-1] == "passed"
    quiz = f"/api/quizzes/{quiz_id}"
    for verb, body in (("answer", {"answer": "x"}), ("reveal", None), ("next", None)):
        assert is_error(rec.post(f"{quiz}/{verb}/", body, expect=409), "quiz_passed")
    events = rec.get(f"{quiz}/events/")
    assert all(set(e) >= EVENT_FIELDS for e in events)
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert {e["stream_id"] for e in events} == {f"quiz-{quiz_id}"}
    assert events[0]["type"] == "quiz.QuizStarted"
    assert events[-1]["type"] == "quiz.QuizPassed"
    assert rec.get(f"{quiz}/")["version"] == len(events)


# --- teacher and staff ----------------------------------------------------------------------------


def test_classes_teacher_sees_own_staff_all(school: School2) -> None:
    body = school.client("teacher").get("/api/classes/").json()
    assert [(c["name"], c["school"], c["student_count"]) for c in body] == [
        ("2A", school.classes["2A"].school.name, 2)
    ]
    assert set(body[0]) >= {"id", "name", "school", "student_count"}
    names = {c["name"] for c in school.client("admin").get("/api/classes/").json()}
    assert {"2A", "2B"} <= names


def more_schools(school: School2) -> None:
    """Three more schools of classes named as the test school's and as each other's (the order
    goes on to the class name, and past a school's classes to the next school), two of them
    with students."""
    for school_name in ("Aardvark Academy", "Zebra School", "Middle School"):
        other = School.objects.create(name=school_name)
        for class_name in ("2A", "2B", "1C"):
            Classroom.objects.create(school=other, name=class_name)
    moved = Classroom.objects.get(school__name="Zebra School", name="1C")
    moved.students.add(school.users["student1"], school.users["student31"])


def test_a_teachers_few_classes_come_on_one_page(school: School2) -> None:
    # given many classes, one of them the teacher's
    more_schools(school)
    client = school.client("teacher")
    # when the teacher lists their classes, then they come on one page, with no Link
    for path in ("/api/classes/", "/api/classes/?limit=1"):
        response = client.get(path)
        assert [c["id"] for c in response.json()] == [school.classes["2A"].pk]
        assert next_link(response) is None


def test_staff_follow_the_link_to_every_class_once(school: School2) -> None:
    # given more classes than a page of four holds
    more_schools(school)
    client = school.client("admin")
    everything = client.get("/api/classes/")
    assert next_link(everything) is None
    assert len(everything.json()) == Classroom.objects.count() == 11
    # when staff list them four at a time, following each page's Link
    pages: list[list[dict[str, Any]]] = []
    path: str | None = "/api/classes/?limit=4"
    while path is not None:
        response = client.get(path)
        assert response.status_code == 200
        pages.append(response.json())
        path = next_link(response)
        assert path is None or "limit=4" in path
    # then every class comes once, as the whole list has it (its students counted), in its
    # order: by school name, then class name
    assert [len(page) for page in pages] == [4, 4, 3]
    listed = [c for page in pages for c in page]
    assert listed == everything.json()
    assert [(c["school"], c["name"]) for c in listed[:4]] == [
        ("Aardvark Academy", "1C"),
        ("Aardvark Academy", "2A"),
        ("Aardvark Academy", "2B"),
        ("Middle School", "1C"),
    ]
    zebra = next(c for c in listed if (c["school"], c["name"]) == ("Zebra School", "1C"))
    assert zebra["student_count"] == 2


def test_classes_added_and_removed_between_pages_move_no_other_class(school: School2) -> None:
    # given staff who have read the first page of four
    more_schools(school)
    client = school.client("admin")
    first = client.get("/api/classes/?limit=4")
    path = next_link(first)
    assert path is not None
    # when a class of that page is removed and one sorting before the page's end is added
    Classroom.objects.get(school__name="Aardvark Academy", name="2A").delete()
    Classroom.objects.create(school=School.objects.get(name="Aardvark Academy"), name="2AB")
    rest: list[dict[str, Any]] = []
    while path is not None:
        response = client.get(path)
        rest.extend(response.json())
        path = next_link(response)
    # then the pages after it hold every class after the first page's last, once each (by
    # their places in the list, the first of them would come again: one place has gone)
    whole = [c["id"] for c in client.get("/api/classes/").json()]
    end = whole.index(first.json()[-1]["id"])
    assert [c["id"] for c in rest] == whole[end + 1 :] and len(rest) == 7


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=abc",
        "after=abc",
        "after=0",  # the event log's and the quiz list's cursors are not this list's
        "after=WyJhIiwgImIiLCAxXQ",  # a key, but not as this server spells it
    ],
)
def test_classes_refuse_a_bad_limit_or_cursor(school: School2, query: str) -> None:
    response = school.client("admin").get(f"/api/classes/?{query}")
    assert response.status_code == 400
    assert is_error(response.json(), "invalid")
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def draft(school: School2) -> int:
    """A draft question in the words chapter: its id."""
    return create_question(
        chapter=school.chapters["words"],
        kind="open",
        text="Not ready yet.",
        choices=None,
        accepted_answers=["later"],
        worked_answer="",
        live=False,
    ).pk


def test_content_questions_for_staff_with_accepted_answers(school: School2) -> None:
    chapter = school.chapters["words"].pk
    unfinished = draft(school)
    response = school.client("admin").get(f"/api/content/questions/?chapter={chapter}")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 6
    assert [q["live"] for q in body] == [True] * 5 + [False]
    assert body[-1]["id"] == unfinished
    first = body[0]
    assert set(first) >= {
        "id",
        "chapter",
        "text",
        "kind",
        "choices",
        "accepted_answers",
        "revision",
        "live",
    }
    assert first["chapter"] == chapter and first["revision"] == 1
    assert first["accepted_answers"] == school.accepted[first["id"]]
    admin = school.client("admin")
    for query in ("", "?chapter=", "?chapter=x", "?chapter=0", f"?chapter={10**40}"):
        response = admin.get(f"/api/content/questions/{query}")
        assert response.status_code == 400, query
        assert is_error(response.json(), "invalid")
    unknown = admin.get("/api/content/questions/?chapter=987654")
    assert unknown.status_code == 404
    assert is_error(unknown.json(), "not_found")
    empty = Chapter.objects.create(course=school.chapters["words"].course, title="Empty", order=99)
    assert admin.get(f"/api/content/questions/?chapter={empty.pk}").json() == []


# --- operations -----------------------------------------------------------------------------------


def test_health_needs_no_auth(school: School2) -> None:
    client = school.client(None)
    client.credentials(HTTP_AUTHORIZATION="Token garbage")
    response = client.get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "down"}
    assert body["cache"] in {"ok", "down", "local"}
    assert body["static"] in {"ok", "dev"}
    assert set(body["sweep"]) == {"status", "last_ran_seconds_ago"}
    assert isinstance(body["version"], str) and isinstance(body["problems"], list)
    assert isinstance(body["projections"], list)
    fields = {"name", "lag_events", "lag_seconds", "status", "version", "rows_version"}
    for projection in body["projections"]:
        assert set(projection) >= fields


def test_schema_and_docs_are_served_with_local_assets(school: School2) -> None:
    client = school.client(None)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/quizzes/{quiz_id}/answer/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    # any other method is a 405 in the API's own JSON, not the page's HTML nor the schema's YAML
    for url in ("/api/docs/", "/api/schema/"):
        for method in ("options", "put", "post", "delete"):
            refused = getattr(client, method)(url)
            assert refused.status_code == 405, (url, method)
            assert refused["Content-Type"] == "application/json", (url, method)
            assert refused.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/foo%0Abar/", "/api/quizzes/x%0Ay/next/", "/api/%0A"])
def test_a_path_with_a_newline_is_the_json_404_too(school: School2, path: str, settings) -> None:
    settings.DEBUG = True  # the catch-all route answers, not Django's HTML debug page
    response = school.client(None).get(path)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("extension", "accept", "content_type"),
    [
        ("csv", "text/csv", "text/csv"),
        ("csv", "*/*", "text/csv"),
        ("csv", "application/json", "text/csv"),
        ("xlsx", XLSX, XLSX),
        ("xlsx", "text/csv", XLSX),
    ],
)
def test_an_export_is_the_file_whatever_the_client_accepts(
    school: School2, extension: str, accept: str, content_type: str
) -> None:
    url = f"/api/reports/classes/{school.classes['2A'].pk}/export.{extension}"
    response = school.client("teacher").get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    # and its errors stay JSON whatever was asked for
    refused = school.client("teacher2").get(url, HTTP_ACCEPT=accept)
    assert refused.status_code in (403, 404) and is_error(refused.json())
