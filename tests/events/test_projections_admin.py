"""The checkpoint admin: for operators only; lag, state and errors per projection; actions queue
tasks, a rebuild after a confirmation."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime

import pytest
import redis
from django.contrib.auth.models import Permission, User
from django.test import Client

from events import projections, runner
from events.models import ProjectionCheckpoint
from tests.projection_support import RedisServer, append_history, postgres_only, settle

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]

URL = "/admin/events/projectioncheckpoint/"


def operator(username: str, *codenames: str) -> Client:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def queued_tasks(server: RedisServer) -> list[str]:
    messages = redis.Redis.from_url(server.url).lrange("celery", 0, -1)
    return [json.loads(raw)["headers"]["task"] for raw in messages]


def test_staff_see_each_projection_with_lag_and_queue_actions(broker: RedisServer) -> None:
    append_history(3)
    settle()
    ProjectionCheckpoint.objects.create(
        name="answers",
        partition=1,
        partitions=4,
        status="failed",
        last_error="Traceback ...\nValueError: no such question",
        failed_position=17,
        failures=3,
        next_attempt_at=datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC),
    )
    client = operator("operator", "view_projectioncheckpoint", "operate_projections")

    page = client.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "answers [1/4]" in html
    # one column a question, so that the list fits a laptop's screen
    heads = [str(column) for column in page.context["cl"].list_display][1:]  # after the tick box
    assert heads == ["projection", "state", "behind", "short_error", "progress", "position"]
    assert '<td class="field-state">Failed</td>' in html
    assert re.search(r'<td class="field-behind">\d+ events?, \d+\.\d s</td>', html)
    assert (
        "ValueError: no such question (at event 17; 3 failures in a row; "
        "next try 2026-03-02 13:00:05)" in html  # in the school's time zone
    )
    assert "Add projection checkpoint" not in html

    pk = ProjectionCheckpoint.objects.get(partition=1).pk
    # a rebuild empties the teachers' reports until it is done: it asks first
    asked = client.post(URL, {"action": "rebuild", "_selected_action": [pk]})
    assert asked.status_code == 200 and "Rebuild <strong>answers</strong>" in asked.content.decode()
    assert "events.rebuild_projection" not in queued_tasks(broker)
    done = client.post(
        URL, {"action": "rebuild", "_selected_action": [pk], "confirmed": "yes"}, follow=True
    )
    assert "Queued a rebuild of answers" in done.content.decode()
    client.post(URL, {"action": "catch_up_now", "_selected_action": [pk]}, follow=True)
    tasks = queued_tasks(broker)
    assert "events.rebuild_projection" in tasks
    assert "events.catch_up_projection" in tasks


def test_a_rebuild_an_update_left_to_start_shows_as_pending(broker: RedisServer) -> None:
    # given wrong_answers caught up by the version before this release's, so stored as ok, and
    # the progress grid by this release's
    append_history(3)
    settle()
    runner.catch_up("wrong_answers", budget_seconds=math.inf)
    version = projections.get("wrong_answers").version
    ProjectionCheckpoint.objects.filter(name="wrong_answers").update(version=version - 1)
    ProjectionCheckpoint.objects.create(
        name="progress", version=projections.get("progress").version
    )
    client = operator("operator", "view_projectioncheckpoint")

    # when the operator reads the list, after `migrate` and before a worker ran the release
    html = client.get(URL).content.decode()

    # then its state says the rebuild waits, behind by the whole log (as the health check says)
    row = re.search(r"<tr>.*?wrong_answers.*?</tr>", html, re.S)
    assert row is not None
    pending = f"Rebuild pending (version {version - 1} → {version})"
    assert f'<td class="field-state">{pending}</td>' in row[0]
    assert not re.search(r'<td class="field-behind">0 events', row[0])
    assert '<td class="field-state">OK</td>' in html  # the progress grid's
    # and its page says it too
    pk = ProjectionCheckpoint.objects.get(name="wrong_answers").pk
    assert pending in client.get(f"{URL}{pk}/change/").content.decode()
    # and the state filter finds it under "Rebuild pending", not under "OK"
    only_pending = client.get(URL, {"state": "rebuild_pending"}).context["cl"].result_list
    assert [checkpoint.name for checkpoint in only_pending] == ["wrong_answers"]
    only_ok = client.get(URL, {"state": "ok"}).context["cl"].result_list
    assert only_ok and "wrong_answers" not in {checkpoint.name for checkpoint in only_ok}


def test_staff_without_the_permissions_neither_see_nor_rebuild(broker: RedisServer) -> None:
    checkpoint = ProjectionCheckpoint.objects.create(name="answers")
    # a content editor: staff, with permissions on questions only
    editor = operator("editor", "view_question", "change_question")
    assert editor.get(URL).status_code == 403
    assert "Projection checkpoints" not in editor.get("/admin/").content.decode()
    # someone who may look but not act: no actions offered, none carried out
    viewer = operator("viewer", "view_projectioncheckpoint")
    page = viewer.get(URL).content.decode()
    assert page.count("answers") >= 1 and "Rebuild (queued" not in page
    sent = {"action": "rebuild", "_selected_action": [checkpoint.pk], "confirmed": "yes"}
    viewer.post(URL, sent, follow=True)
    assert "events.rebuild_projection" not in queued_tasks(broker)


def test_people_who_are_not_staff_are_kept_out() -> None:
    student = User.objects.create_user("student", password="pw")
    client = Client()
    client.force_login(student)
    assert client.get(URL).status_code == 302  # to the admin login
