"""What an API request costs PostgreSQL: the statements it sends, the event store's included."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from studyflow.models import Classroom
from tests.api.conftest import School2
from tests.api.play import WRONG, Recorder, new_key, start
from tests.command_clock import Clock, T
from tests.statements import statements_sent

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="counts statements in libpq's trace of a PostgreSQL connection",
)


def test_the_quiz_list_reads_its_page_and_safe_horizon_in_one_statement(school: School2) -> None:
    # given a student with two quizzes, whose client has listed them before (the connection's
    # statements are prepared as they are on a busy server)
    rec = Recorder(school.client("student1"))
    for name in ("words", "choices"):
        start(rec, school.chapters[name].pk)
    client = school.client("student1")
    assert client.get("/api/quizzes/").status_code == 200
    # when it lists them again
    with statements_sent(connection) as sent:
        response = client.get("/api/quizzes/")
    # then: the caller's token and roles, the page (commit-safe: the horizon is part of its
    # statement), and a stream read for each quiz on it
    assert len(response.json()) == 2
    assert len(sent) == 2 + 1 + 2, "\n".join(sent)


def test_a_page_of_classes_is_one_statement_however_long(school: School2) -> None:
    # given staff and classes of many students each
    for name in ("3A", "3B", "3C", "3D"):
        classroom = Classroom.objects.create(school=school.classes["2A"].school, name=name)
        classroom.students.add(*(school.users[s] for s in ("student1", "student2", "student31")))
    client = school.client("admin")
    assert client.get("/api/classes/").status_code == 200
    # when they read a page of one class, and pages of five (the second following a cursor)
    costs = []
    for path in ("/api/classes/?limit=1", "/api/classes/?limit=5"):
        with statements_sent(connection) as sent:
            response = client.get(path)
        costs.append(sent)
        assert response.status_code == 200
    with statements_sent(connection) as sent:
        response = client.get(response.headers["Link"].split(";")[0].strip("<>"))
    costs.append(sent)
    assert response.status_code == 200 and "Link" not in response.headers
    # then each costs the caller's token (staff's role is on the user: no groups to read), and
    # one statement for its classes with their schools and students counted, however many
    # classes it holds
    assert [len(sent) for sent in costs] == [1 + 1] * 3, "\n\n".join(map("\n".join, costs))


def test_over_the_command_limit_a_re_send_costs_one_lookup_and_a_new_key_two(
    school: School2, limited: Clock
) -> None:
    """The limit looks in the database for a re-sent command only over the limit, by unique key:
    a re-send stays cheap, and so does a script's stream of new keys."""
    student = school.client("student1")
    chapter = {"chapter": school.chapters["words"].pk}
    quiz = student.post("/api/quizzes/", chapter, format="json").json()
    url = f"/api/quizzes/{quiz['id']}"
    answer, answer_key = {"answer": WRONG}, {"Idempotency-Key": new_key()}
    assert (
        student.post(f"{url}/answer/", answer, format="json", headers=answer_key).status_code == 200
    )
    # given a re-send in the command's own minute (the limit finds it let through, in the cache)
    with statements_sent(connection) as in_its_minute:
        again = student.post(f"{url}/answer/", answer, format="json", headers=answer_key)
    assert again.status_code == 200
    # when it comes again in a later minute, over the limit (refused commands count too)
    limited.at = T + 40
    for _ in range(3):
        assert student.post(f"{url}/reveal/").status_code == 409
    with statements_sent(connection) as over_the_limit:
        again = student.post(f"{url}/answer/", answer, format="json", headers=answer_key)
    assert again.status_code == 200
    # then the limit looked it up once: its first event
    assert len(over_the_limit) == len(in_its_minute) + 1, "\n".join(over_the_limit)
    assert "events_event" in over_the_limit[1]
    # and a new key over the limit costs the caller's token and two lookups: no event, no outcome
    with statements_sent(connection) as new_key_sent:
        refused = student.post(
            f"{url}/answer/", answer, format="json", headers={"Idempotency-Key": new_key()}
        )
    assert refused.status_code == 429
    assert len(new_key_sent) == 1 + 2, "\n".join(new_key_sent)
