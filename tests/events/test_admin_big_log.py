"""The event list at a school group's size: counted and filtered without a read of the whole log
(bench/staff_pages.py times it over a million events)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events import admin_counts
from events.admin_counts import EstimatedCountPaginator, count_within
from events.models import Event
from events.store import NO_STREAM, NewEvent, append
from quiz import domain

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL only"
)


def log_at(times: list[datetime]) -> list[Any]:
    """One event a stream at each of `times`, appended in that order."""
    started = [NewEvent("quiz.QuizStarted", {"n": n}) for n in range(len(times))]
    return [
        append(f"quiz-{uuid.uuid4()}", [event], NO_STREAM, recorded_at=at)[0]
        for event, at in zip(started, times, strict=True)
    ]


def log_many(times: list[datetime]) -> None:
    """Many events at `times`, 100 to a stream (quicker to append than one each)."""
    for start in range(0, len(times), 100):
        chunk = times[start : start + 100]
        events = [NewEvent("quiz.QuestionAssigned", {"n": n}) for n in range(len(chunk))]
        append(f"quiz-{uuid.uuid4()}", events, NO_STREAM, recorded_at=chunk[0])


def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")


def paginator_text(html: str) -> str:
    found = re.search(r'<p class="paginator">(.*?)</p>', html, re.S)
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# --- the count -----------------------------------------------------------------------------------


@postgres_only
def test_a_long_list_shows_the_planners_estimate_and_counts_nothing(monkeypatch) -> None:
    # given a log the planner expects to be longer than a list is counted for
    log_many([datetime(2026, 3, 2, 9, tzinfo=UTC)] * 300)
    analyze()
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 100)
    client = staff()
    # when staff open the event list
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/events/event/")
    # then no query counted the log: the page says about how many there are
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert page.context["cl"].paginator.estimated
    assert paginator_text(page.content.decode()).endswith("about 300 events")


@postgres_only
def test_an_estimated_list_links_no_last_pages(monkeypatch) -> None:
    # given a list of 30 pages by an estimate
    log_many([datetime(2026, 3, 2, 9, tzinfo=UTC)] * 30)
    analyze()
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 10)
    paginator = EstimatedCountPaginator(Event.objects.order_by("-position"), 1)
    assert paginator.count == 30 and paginator.estimated
    # then its page links stop after the pages near the one shown: the estimate's last page may
    # be empty (or not the last), and is the slowest to read
    assert list(paginator.get_elided_page_range(1)) == [1, 2, 3, 4, "…"]
    assert list(paginator.get_elided_page_range(12)) == [1, 2, "…", 9, 10, 11, 12, 13, 14, 15, "…"]
    assert list(paginator.get_elided_page_range(29)) == [1, 2, "…", 26, 27, 28, 29, 30]
    # and a page past the estimate is read, not refused
    assert len(paginator.page(31).object_list) == 0


def test_a_short_list_is_counted_exactly() -> None:
    stream = f"quiz-{uuid.uuid4()}"
    append(stream, [NewEvent("quiz.QuizStarted", {}), NewEvent("quiz.QuizPassed", {})], NO_STREAM)
    page = staff().get("/admin/events/event/", {"q": stream})
    assert page.context["cl"].result_count == 2
    assert not page.context["cl"].paginator.estimated
    assert paginator_text(page.content.decode()) == "2 events"


@postgres_only
def test_a_count_taking_too_long_gives_way_and_leaves_the_connection_as_it_was() -> None:
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)] * 2)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    # a count of rows that take 50 ms each, given 10 ms: no count, and no error
    slow = Event.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"])
    assert count_within(slow, 10) is None
    # one in time is the count
    assert count_within(Event.objects.all(), 1000) == 2
    # and the page's other queries keep the site's own limit, after either
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


# --- the type filter -----------------------------------------------------------------------------


def test_the_type_filter_lists_the_apps_types_without_reading_the_log() -> None:
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)])
    client = staff()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/events/event/", {"type": "old.Retired"}).content.decode()
    assert not [q["sql"] for q in queries if 'DISTINCT "events_event"."type"' in q["sql"]]
    by_type = html[html.index("By type") :]
    by_type = by_type[: by_type.index("</ul>")]
    listed = re.findall(r'href="\?type=([^"&]+)"', by_type)
    # every type the quiz appends, those not in the log yet too, and the one chosen by a link
    assert listed == sorted({*domain.EVENT_TYPES, "old.Retired"})
    assert re.search(r'<li class="selected">\s*<a href="\?type=old.Retired">', by_type)
