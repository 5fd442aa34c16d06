"""Who sees which report: every page and endpoint, for every kind of caller.

Teachers see their own classes and their students, staff everything, a student only their own
answers (API); others get 403, and a class or student outside the caller's reach is a 404."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from rest_framework.test import APIClient

from quiz import services
from tests.reporting.world import Feeder, World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def small() -> World:
    return make_world(students_a=3, students_b=2, chapters=1)


def api_client(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def page_client(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def callers(w: World) -> dict[str, Any]:
    return {
        "anonymous": None,
        "outsider": w.outsider,
        "student": w.students_a[0],
        "other teacher": w.teacher_b,
        "teacher": w.teacher_a,
        "staff": w.staff,
    }


def assert_error(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body.get("detail"), str)
    if "EXCEPTION_HANDLER" in settings.REST_FRAMEWORK:
        assert isinstance(body.get("code"), str)


CLASS_ENDPOINTS = ["progress/", "activity/", "export.csv", "export.xlsx"]


@pytest.mark.parametrize("endpoint", CLASS_ENDPOINTS)
def test_class_endpoints(small, endpoint):
    url = f"/api/reports/classes/{small.class_a.pk}/{endpoint}"
    expected = {
        "anonymous": 401,
        "outsider": 403,
        "student": 403,
        "other teacher": 404,
        "teacher": 200,
        "staff": 200,
    }
    for name, user in callers(small).items():
        response = api_client(user).get(url)
        if expected[name] == 200:
            assert response.status_code == 200, (name, response.content[:300])
        else:
            assert_error(response, expected[name])
    missing = f"/api/reports/classes/999999/{endpoint}"
    assert_error(api_client(small.staff).get(missing), 404)


def test_a_refusal_says_why_in_the_apis_words(small):
    url = f"/api/reports/classes/{small.class_a.pk}/progress/"
    refused = api_client(small.students_a[0]).get(url)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Reports are for teachers and staff.",
        "code": "permission_denied",
    }
    missing = api_client(small.teacher_b).get(url)  # another teacher's class: as if none
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such class.", "code": "not_found"}
    # and a path no route knows keeps the plain message, not what the resolver tried
    unknown = api_client(small.teacher_a).get("/api/reports/nothing-here/")
    assert unknown.json() == {"detail": "Not found.", "code": "not_found"}


def test_question_endpoints(small):
    chapter = small.chapters[0].pk
    question = next(iter(small.accepted))
    urls = [
        f"/api/reports/questions/?chapter={chapter}",
        f"/api/reports/questions/?chapter={chapter}&class={small.class_a.pk}",
        f"/api/reports/questions/{question}/wrong-answers/",
        f"/api/reports/questions/{question}/wrong-answers/?class={small.class_a.pk}",
    ]
    expected = {"anonymous": 401, "outsider": 403, "student": 403}
    for url in urls:
        for name, user in callers(small).items():
            response = api_client(user).get(url)
            if name in expected:
                assert_error(response, expected[name])
            elif name == "other teacher" and "class=" in url:
                assert_error(response, 404)  # not their class
            else:
                assert response.status_code == 200, (name, url)
    teacher = api_client(small.teacher_a)
    assert_error(teacher.get("/api/reports/questions/"), 400)
    assert_error(teacher.get("/api/reports/questions/?chapter=abc"), 400)
    assert_error(teacher.get("/api/reports/questions/?chapter=999999"), 404)
    assert_error(teacher.get(f"/api/reports/questions/?chapter={chapter}&class=x"), 400)
    assert_error(teacher.get("/api/reports/questions/999999/wrong-answers/"), 404)


def test_student_answers_endpoint(small):
    student = small.students_a[0]
    url = f"/api/reports/students/{student.pk}/answers/"
    expected = {
        "anonymous": 401,
        "outsider": 403,
        "other teacher": 404,
        "teacher": 200,
        "staff": 200,
        "student": 200,  # themself
    }
    for name, user in callers(small).items():
        response = api_client(user).get(url)
        if expected[name] == 200:
            assert response.status_code == 200, name
            assert response.json() == []
        else:
            assert_error(response, expected[name])
    # another student's answers, or no one's: not theirs, so not found (as for a quiz)
    assert_error(api_client(small.students_a[1]).get(url), 404)
    assert_error(api_client(student).get(url.replace(str(student.pk), "999999")), 404)
    # a teacher cannot look up a student of another class, nor the student without a class
    assert_error(api_client(small.teacher_a).get(url.replace(str(student.pk), "999999")), 404)
    lonely = f"/api/reports/students/{small.lonely.pk}/answers/"
    assert_error(api_client(small.teacher_a).get(lonely), 404)
    assert api_client(small.staff).get(lonely).status_code == 200


def test_activity_rejects_a_bad_since(small):
    url = f"/api/reports/classes/{small.class_a.pk}/activity/"
    client = api_client(small.teacher_a)
    assert_error(client.get(url + "?since=yesterday"), 400)
    assert_error(client.get(url + "?since=2026-02-30T10:00:00Z"), 400)
    assert_error(client.get(url + "?since=2026-02-03T10:00:00"), 400)  # no offset
    assert client.get(url + "?since=2026-02-03T10:00:00%2B01:00").status_code == 200
    # an offset's "+" sent unescaped arrives as a space: still read as the offset it was
    assert client.get(url + "?since=2026-02-03T10:00:00+01:00").status_code == 200
    assert client.get(url + "?since=2026-02-03%2010:00:00+01:00").status_code == 200
    assert_error(client.get(url + "?since=2026-02-03 10:00:00 nonsense"), 400)
    # the calendar's edges, where UTC cannot hold the moment: an error, not a crash
    assert_error(client.get(url + "?since=0001-01-01T00:00:00%2B14:00"), 400)
    assert_error(client.get(url + "?since=9999-12-31T23:59:59-14:00"), 400)
    assert client.get(url + "?since=0001-01-01T00:00:00Z").status_code == 200


def test_activity_reads_a_since_whose_offset_the_database_would_refuse(small):
    # Python reads offsets up to 23:59, PostgreSQL only up to 15:59: such a moment is still one
    # instant, compared in UTC, not a statement the database refuses (a 503 inviting a retry).
    url = f"/api/reports/classes/{small.class_a.pk}/activity/"
    client = api_client(small.teacher_a)
    for since in ("2026-02-03T10:00:00%2B16:00", "2026-02-03T10:00:00-23:59"):
        response = client.get(url + "?since=" + since)
        assert response.status_code == 200, (since, response.json())
        assert response.json() == []
        # and the class page's feed, which reads its since alike, shows its items, not a 500
        feed = page_client(small.teacher_a).get(
            f"/teacher/classes/{small.class_a.pk}/feed/?since=" + since
        )
        assert feed.status_code == 200, since


def pages(w: World) -> list[tuple[str, bool]]:
    """(url, class-bound): class-bound pages are 404 for a teacher of another class."""
    c = w.class_a.pk
    return [
        ("/teacher/", False),
        (f"/teacher/classes/{c}/", True),
        (f"/teacher/classes/{c}/grid/", True),
        (f"/teacher/classes/{c}/feed/", True),
        (f"/teacher/classes/{c}/export.csv", True),
        (f"/teacher/classes/{c}/export.xlsx", True),
        (f"/teacher/students/{w.students_a[0].pk}/", True),
        (f"/teacher/chapters/{w.chapters[0].pk}/questions/", False),
        (f"/teacher/chapters/{w.chapters[0].pk}/questions/?class={c}", True),
    ]


def test_pages(small):
    for url, class_bound in pages(small):
        for name, user in callers(small).items():
            response = page_client(user).get(url)
            if name == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith(settings.LOGIN_URL)
            elif name in ("outsider", "student"):
                assert response.status_code == 403, (name, url)
            elif name == "other teacher" and class_bound:
                assert response.status_code == 404, (name, url)
            else:
                assert response.status_code == 200, (name, url, response.content[:500])
    staff = page_client(small.staff)
    assert staff.get("/teacher/classes/999999/").status_code == 404
    assert staff.get("/teacher/students/999999/").status_code == 404
    # A user who is no student (a teacher here) has no student page, even for staff.
    assert staff.get(f"/teacher/students/{small.teacher_b.pk}/").status_code == 404
    assert staff.get("/teacher/chapters/999999/questions/").status_code == 404


def test_a_page_asked_for_a_class_it_cannot_show_is_404_not_all_students(small):
    # A `class` that names no class of the caller's is as unknown as another teacher's class:
    # showing every student instead would pass their figures off as that class's.
    questions = f"/teacher/chapters/{small.chapters[0].pk}/questions/"
    for user in (small.teacher_a, small.staff):
        client = page_client(user)
        for asked in ("abc", "1.5", "-1", "0", " 1", "999999", "9" * 30, "\u0661"):
            response = client.get(questions, {"class": asked})
            assert response.status_code == 404, (user.username, asked)
            assert "We could not find that page" in response.content.decode()
        # an empty one is the form's "All students", and their own class is theirs
        assert client.get(questions, {"class": ""}).status_code == 200
        assert client.get(questions, {"class": small.class_a.pk}).status_code == 200
    other = page_client(small.teacher_b).get(questions, {"class": small.class_a.pk})
    assert other.status_code == 404


def test_a_refused_or_missing_page_keeps_the_users_own_header(small):
    # a student on a teacher's page: the 403 has their "My chapters" to go back by
    refused = page_client(small.students_a[0]).get("/teacher/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "This page is not for your account" in html
    assert '<nav aria-label="Main">' in html and '<a href="/dashboard/">My chapters</a>' in html
    # another teacher's class: the 404 has their "Classes"
    missing = page_client(small.teacher_b).get(f"/teacher/classes/{small.class_a.pk}/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "We could not find that page" in html and '<a href="/teacher/">Classes</a>' in html
    # someone logged out gets no links, as before
    nobody = page_client(None).get("/no-such-page/")
    assert nobody.status_code == 404 and '<nav aria-label="Main">' not in nobody.content.decode()


def test_teacher_sees_only_their_classes_in_the_list(small):
    body = page_client(small.teacher_b).get("/teacher/").content.decode()
    assert f"/teacher/classes/{small.class_b.pk}/" in body
    assert f"/teacher/classes/{small.class_a.pk}/" not in body
    assert "<h1>Your classes</h1>" in body
    body = page_client(small.staff).get("/teacher/").content.decode()
    assert f"/teacher/classes/{small.class_a.pk}/" in body
    assert f"/teacher/classes/{small.class_b.pk}/" in body
    assert "<h1>All classes</h1>" in body
    # The admin's "View site" leads staff to these reports (their home is the admin itself).
    assert 'href="/teacher/"' in page_client(small.staff).get("/admin/").content.decode()


def test_read_models_are_read_only_in_the_admin(small):
    client = page_client(small.staff)
    small.staff.is_superuser = True
    small.staff.save()
    for model in (
        "studentprogress",
        "studentday",
        "questionstats",
        "questionstudent",
        "wronganswer",
        "classday",
        "classfeeditem",
    ):
        listing = client.get(f"/admin/reporting/{model}/")
        assert listing.status_code == 200, model
        assert client.get(f"/admin/reporting/{model}/add/").status_code == 403
        # a delete address typed by hand says why not (not "not for your account")
        deleting = client.post(f"/admin/reporting/{model}/1/delete/", {"post": "yes"})
        assert deleting.status_code == 302, model
        said = " ".join(str(m) for m in get_messages(deleting.wsgi_request))
        assert "Report rows cannot be deleted: the workers write them" in said, model
        # no "Show counts" (a count per class and chapter); asked for anyway, it is no 500
        assert "_facets" not in listing.content.decode(), model
        assert client.get(f"/admin/reporting/{model}/?_facets=True").status_code == 200, model
    filtered = client.get(
        f"/admin/reporting/studentprogress/?status=stuck&class={small.class_a.pk}"
        f"&chapter_id={small.chapters[0].pk}"
    )
    assert filtered.status_code == 200


def test_a_filter_value_that_is_no_id_is_a_notice_not_an_error(small):
    small.staff.is_superuser = True
    small.staff.save()
    client = page_client(small.staff)
    for query in ("classroom_id=abc", "class=abc", "chapter_id=1x"):
        model = "classday" if query.startswith("classroom_id") else "studentprogress"
        response = client.get(f"/admin/reporting/{model}/?{query}")
        assert response.status_code == 302, query  # the admin's "?e=1" redirect
        assert response["Location"].endswith("?e=1")


@pytest.mark.django_db(transaction=True)  # an append must be its transaction's first write
def test_read_model_admin_finds_a_student_by_username(small):
    small.staff.is_superuser = True
    small.staff.save()
    client = page_client(small.staff)
    student, other = small.students_a[0], small.students_a[1]
    for model in ("studentprogress", "studentday", "questionstudent"):
        page = client.get(f"/admin/reporting/{model}/", {"q": student.username.upper()})
        assert page.status_code == 200, model
        assert "username" in page.content.decode(), model  # the box says what it takes
    for who in (student, other):  # a progress row each
        services.start_quiz(actor=who, chapter_id=small.chapters[0].pk, command_id=uuid.uuid4())
    Feeder().catch_up(("progress",))
    for term in (student.username.upper(), f" {student.pk} "):  # a username in any case, an id
        rows = client.get("/admin/reporting/studentprogress/", {"q": term})
        found = set(rows.context["cl"].queryset.values_list("student_id", flat=True))
        assert found == {student.pk}, term
        sql = str(rows.context["cl"].queryset.query)
        assert 'UPPER("reporting_studentprogress"' not in sql  # an indexed lookup
    # a row names its student and chapter, not only their ids
    listing = client.get("/admin/reporting/studentprogress/").content.decode()
    assert f"{student.username} ({student.pk})" in listing
    assert f"{small.chapters[0].title} ({small.chapters[0].pk})" in listing
    assert " min</td>" in listing  # time spent in minutes, not raw milliseconds
