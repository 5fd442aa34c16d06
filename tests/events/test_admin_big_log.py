"""The event list at a school group's size: counted, filtered and drilled down by date without a
read of the whole log (bench/staff_pages.py times it over a million events)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

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


def toplinks(html: str) -> list[str]:
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', html, re.S)
    assert nav is not None
    return [
        link.replace("&amp;", "&")
        for link in re.findall(r'<a href="([^"]*)"(?! class="date-back")', nav.group(1))
    ]


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
    by_type = html[html.index('data-filter-title="type"') :]
    by_type = by_type[: by_type.index("</ul>")]
    listed = re.findall(r'href="\?type=([^"&]+)"', by_type)
    # every type the quiz appends, those not in the log yet too, and the one chosen by a link
    assert listed == sorted({*domain.EVENT_TYPES, "old.Retired"})
    assert re.search(r'<li class="selected">\s*<a href="\?type=old.Retired">', by_type)


def type_reads(queries: Any) -> list[str]:
    """The queries of a page that look for events by type."""
    return [q["sql"] for q in queries if '"events_event"."type" =' in q["sql"]]


def test_a_type_no_event_has_is_looked_for_once_and_the_page_says_so() -> None:
    # given a log without a single event of a type no app appends (a typo in a link)
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)])
    client = staff()
    # when staff open the list by that type
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/events/event/", {"type": "quiz.QuizPased"})
    # then the log was asked once whether it has any (it has no index on type: each such query
    # reads all of it), not again for the list, its count and its dates
    assert len(type_reads(queries)) == 1, type_reads(queries)
    assert "LIMIT 1" in type_reads(queries)[0]
    # and the page lists none, and says why
    html = page.content.decode()
    assert page.context["cl"].result_count == 0
    assert paginator_text(html) == "0 events"
    assert "No event in the log is of the type quiz.QuizPased, so none is listed." in html
    # the type still shown as chosen, among the types the apps append
    assert re.search(r'<li class="selected">\s*<a href="\?type=quiz.QuizPased">', html)


def test_an_old_type_the_log_holds_is_listed_by_its_link() -> None:
    # given events of a type no app appends any more, and of one it does
    [old] = append(f"quiz-{uuid.uuid4()}", [NewEvent("quiz.QuizRetired", {})], NO_STREAM)
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)])
    # when staff open the list by the old type, then its event is listed, with no message
    page = staff().get("/admin/events/event/", {"type": "quiz.QuizRetired"})
    assert [e.position for e in page.context["cl"].result_list] == [old.position]
    assert "No event in the log" not in page.content.decode()


def test_a_type_the_apps_append_is_not_looked_for_first() -> None:
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)])
    client = staff()
    # when staff choose a type the quiz appends, none of it in the log yet
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/events/event/", {"type": "quiz.QuizPassed"})
    # then no query asks first whether the log has it: the list is simply empty
    assert not [sql for sql in type_reads(queries) if "LIMIT 1" in sql]
    assert page.context["cl"].result_count == 0
    assert "No event in the log" not in page.content.decode()


# --- the deepest page ----------------------------------------------------------------------------


@postgres_only
def test_a_page_past_the_deepest_reads_no_events_and_says_where_older_ones_are(
    monkeypatch,
) -> None:
    # given a list of 3 pages by an estimate, of which the list shows the first 2
    log_many([datetime(2026, 3, 2, 9, tzinfo=UTC)] * 300)
    analyze()
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 100)
    monkeypatch.setattr(admin_counts, "DEEPEST_PAGE", 2)
    client = staff()
    # when staff open the third page
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/events/event/", {"p": 3})
    # then no events were read (reading them reads past every newer one), none is listed
    assert not [q["sql"] for q in queries if "OFFSET" in q["sql"]]
    assert list(page.context["cl"].result_list) == []
    # and the page says how far the list goes, and how to reach older events
    html = page.content.decode()
    assert "Page 3 is further back than the list goes: it shows its first 2 pages" in html
    assert "choose a year, a month or a day above the list" in html
    # its page links go up to the deepest, no further
    assert paginator_text(html) == "1 2 about 300 events"
    # and the deepest page is listed, as before
    deepest = client.get("/admin/events/event/", {"p": 2})
    assert len(deepest.context["cl"].result_list) == 100
    assert "further back" not in deepest.content.decode()


@postgres_only
def test_no_page_past_the_deepest_is_linked(monkeypatch) -> None:
    # given a list of 30 pages by an estimate, of which the list shows the first 12
    log_many([datetime(2026, 3, 2, 9, tzinfo=UTC)] * 30)
    analyze()
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 10)
    monkeypatch.setattr(admin_counts, "DEEPEST_PAGE", 12)
    paginator = EstimatedCountPaginator(Event.objects.order_by("-position"), 1)
    # then the pages near the one shown are linked up to the deepest
    # (the "…" after them: there are more events)
    assert list(paginator.get_elided_page_range(10)) == [1, 2, "…", 7, 8, 9, 10, 11, 12, "…"]
    # and a page past it links the pages up to it, as if at it
    assert list(paginator.get_elided_page_range(20)) == [1, 2, "…", 9, 10, 11, 12, "…"]
    # a counted list, too, links none past it
    monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 1000)
    counted = EstimatedCountPaginator(Event.objects.order_by("-position"), 1)
    assert list(counted.get_elided_page_range(1)) == [1, 2, 3, 4, "…"]
    assert not counted.estimated


# --- the date drill-down -------------------------------------------------------------------------

TIMES = [
    datetime(2025, 9, 1, 7, tzinfo=UTC),
    datetime(2025, 9, 1, 8, tzinfo=UTC),
    datetime(2025, 9, 3, 12, tzinfo=UTC),
    datetime(2025, 11, 30, 23, 30, tzinfo=UTC),  # 1 December in Amsterdam
    datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 1 January 2026 in Amsterdam
    datetime(2026, 3, 2, 9, tzinfo=UTC),
    datetime(2026, 3, 2, 10, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # the night the clocks go forward
]


def expected_links(kind: Literal["year", "month", "day"], **chosen: int) -> list[str]:
    """The links Django's own date hierarchy shows at that level (its DISTINCT date_trunc)."""
    field = "recorded_at"
    periods = Event.objects.filter(
        **{f"{field}__{part}": value for part, value in chosen.items()}
    ).datetimes(field, kind)
    links = []
    for period in periods:
        parts = {"year": period.year}
        if kind in ("month", "day"):
            parts["month"] = period.month
        if kind == "day":
            parts["day"] = period.day
        query = "&".join(f"{field}__{part}={value}" for part, value in sorted(parts.items()))
        links.append(f"?{query}")
    return links


@pytest.mark.parametrize("estimated", [False, True], ids=["counted", "estimated"])
def test_the_drill_down_lists_the_periods_djangos_own_would(monkeypatch, estimated) -> None:
    # given events over two years, some near midnight in the school's time zone
    log_at(TIMES)
    if estimated:  # a long list: its periods found through the index, not from its rows
        monkeypatch.setattr(admin_counts, "ESTIMATE_ABOVE", 0)
    client = staff()
    # when staff drill down from all dates to a year and a month
    with CaptureQueriesContext(connection) as queries:
        years = client.get("/admin/events/event/").content.decode()
        year = client.get("/admin/events/event/", {"recorded_at__year": 2025}).content.decode()
        month = client.get(
            "/admin/events/event/", {"recorded_at__year": 2026, "recorded_at__month": 3}
        ).content.decode()
    # then each level links the periods that hold an event, as Django's hierarchy did
    assert toplinks(years) == expected_links("year")
    assert toplinks(years) == ["?recorded_at__year=2025", "?recorded_at__year=2026"]
    assert toplinks(year) == expected_links("month", year=2025)
    assert len(toplinks(year)) == 2  # September; December (30 November 23:30 UTC is in it)
    assert toplinks(month) == expected_links("day", year=2026, month=3)
    assert len(toplinks(month)) == 2  # 2 and 29 March
    # without reading every event of the list to find them
    assert not [q["sql"] for q in queries if "DATE_TRUNC" in q["sql"].upper()]


def test_a_drilled_month_lists_its_events_newest_first_by_position() -> None:
    # given a month's events, one of them appended after later ones (an import of old events)
    march = [datetime(2026, 3, day, 9, tzinfo=UTC) for day in (2, 5, 9)]
    early, middle, late = log_at(march)
    [april] = log_at([datetime(2026, 4, 1, 9, tzinfo=UTC)])
    [imported] = log_at([datetime(2026, 3, 1, 9, tzinfo=UTC)])
    # when staff open that month
    page = staff().get("/admin/events/event/", {"recorded_at__year": 2026, "recorded_at__month": 3})
    # then its events are listed as the whole log is: the last appended first
    shown = [event.position for event in page.context["cl"].result_list]
    assert shown == [imported.position, late.position, middle.position, early.position]
    assert april.position not in shown


def rows_read(queryset: Any) -> int:
    """The rows PostgreSQL reads for `queryset` (kept, and passed over by a filter)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def read(node: dict[str, Any]) -> int:
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        return own * node.get("Actual Loops", 1) + sum(read(n) for n in node.get("Plans", []))

    return read(plan[0]["Plan"]["Plans"][0])  # what the page's LIMIT reads from


@postgres_only
def test_a_month_long_ago_is_read_from_its_own_newest_event_not_the_logs() -> None:
    # given a month long ago, and twice as many events after it
    october = datetime(2025, 10, 1, tzinfo=UTC)
    log_many([october + timedelta(minutes=40 * n) for n in range(1000)])
    log_many([datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=40 * n) for n in range(2000)])
    analyze()
    # when staff open that month
    page = staff().get(
        "/admin/events/event/", {"recorded_at__year": 2025, "recorded_at__month": 10}
    )
    changelist = page.context["cl"]
    # then its newest events are listed, as before
    assert [e.position for e in changelist.result_list] == list(
        Event.objects.filter(recorded_at__lt=datetime(2025, 11, 1, tzinfo=UTC))
        .order_by("-position")
        .values_list("position", flat=True)[:100]
    )
    # read from the month's own newest event back, not past the 2,000 events after it
    assert rows_read(changelist.queryset[:100]) < 500


@postgres_only
def test_a_list_at_the_logs_newest_end_is_not_bounded() -> None:
    # given events of this month and of a month before
    log_at([datetime(2026, 2, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)])
    client = staff()
    for month, bounded in ((3, False), (2, True)):
        with CaptureQueriesContext(connection) as queries:
            client.get(
                "/admin/events/event/", {"recorded_at__year": 2026, "recorded_at__month": month}
            )
        # then only the list that ends before the log does looks for its newest position
        assert any('"position" +' in q["sql"] for q in queries) == bounded, month


@postgres_only
def test_a_range_of_dates_and_the_first_and_last_are_read_through_the_index() -> None:
    log_at([datetime(2026, 3, 2, 9, tzinfo=UTC)])
    day = Event.objects.filter(
        recorded_at__gte=datetime(2026, 3, 2, tzinfo=UTC),
        recorded_at__lt=datetime(2026, 3, 3, tzinfo=UTC),
    )
    for query in (day.values("position"), Event.objects.order_by("recorded_at")[:1]):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            # on a table this small PostgreSQL would read it all: is there an index to use?
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = on")
        assert "events_recorded_at" in plan, plan
