"""What an API request costs PostgreSQL: the statements it sends, the event store's included."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from tests.api.conftest import School2
from tests.api.play import Recorder, start
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
