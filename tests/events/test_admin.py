"""The event admin shows events and offers no way to change them."""

import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from events.models import Event
from events.store import NO_STREAM, NewEvent, append

pytestmark = pytest.mark.django_db


def test_admin_lists_and_shows_events_read_only() -> None:
    staff_client = Client()
    # The event first: an append must be the first write of its transaction.
    stream = f"admin-{uuid.uuid4()}"
    [event] = append(stream, [NewEvent("quiz.QuizStarted", {"quiz_id": "q-1", "n": 2})], NO_STREAM)
    admin_user = User.objects.create_superuser("admin", "admin@example.com", "pw")
    staff_client.force_login(admin_user)

    listing = staff_client.get("/admin/events/event/", {"q": stream})
    assert listing.status_code == 200
    assert stream in listing.content.decode()
    assert 'UPPER("events_event"' not in str(listing.context["cl"].queryset.query)  # indexed
    assert "Add event" not in listing.content.decode()

    detail = staff_client.get(f"/admin/events/event/{event.position}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "&quot;quiz_id&quot;: &quot;q-1&quot;" in html
    assert 'name="_save"' not in html

    assert staff_client.get("/admin/events/event/add/").status_code == 403
    # a superuser who types the delete page's address is told why not, not that the page is not
    # for their account (as Django's 403 said), and is taken back to the event
    deleting = staff_client.post(f"/admin/events/event/{event.position}/delete/", {"post": "yes"})
    assert deleting.status_code == 302
    assert deleting["Location"] == f"/admin/events/event/{event.position}/change/"
    said = [str(m) for m in get_messages(deleting.wsgi_request)]
    assert said == [
        "Events cannot be deleted: the event log is append-only (the database refuses it too), "
        "and every report is computed from it."
    ]
    assert Event.objects.filter(position=event.position).exists()


def test_the_admin_writes_every_moment_one_way_in_the_schools_time_zone(settings) -> None:
    # given an event, and the school's time zone far from UTC (a date may differ too)
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    [event] = append(f"admin-{uuid.uuid4()}", [NewEvent("quiz.QuizStarted", {"n": 1})], NO_STREAM)
    staff_client = Client()
    staff_client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    at = event.recorded_at.astimezone(ZoneInfo("Pacific/Kiritimati"))
    school = f"{at:%Y-%m-%d %H:%M:%S}"
    # then the list and the event's own page say it alike, to the second (the page said
    # "Nov. 28, 2026, 12:28 p.m.")
    listing = staff_client.get("/admin/events/event/", {"q": event.stream_id}).content.decode()
    assert (
        f'<span class="nowrap">{at:%Y-%m-%d}</span> <span class="nowrap">{at:%H:%M:%S}</span>'
        in listing
    )
    page = staff_client.get(f"/admin/events/event/{event.position}/change/").content.decode()
    assert f'<div class="readonly">{school}</div>' in page
    assert not re.search(r"[ap]\.m\.|midnight|noon", page)
    # and so does the admin's own record of staff's actions (an object's "History")
    LogEntry.objects.log_actions(
        user_id=User.objects.get().pk,
        queryset=Event.objects.filter(position=event.position),
        action_flag=CHANGE,
    )
    LogEntry.objects.update(action_time=event.recorded_at)
    history = staff_client.get(f"/admin/events/event/{event.position}/history/").content.decode()
    assert f'<th scope="row">{school}</th>' in history


def test_admin_finds_an_event_by_its_id() -> None:
    stream = f"admin-{uuid.uuid4()}"
    [event, other] = append(
        stream,
        [NewEvent("quiz.QuizStarted", {"n": 1}), NewEvent("quiz.QuizStarted", {"n": 2})],
        NO_STREAM,
    )
    staff_client = Client()
    staff_client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    listing = staff_client.get("/admin/events/event/", {"q": f" {event.event_id} "})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert f"/admin/events/event/{event.position}/change/" in html
    assert f"/admin/events/event/{other.position}/change/" not in html
    assert "an event id" in html  # the search box says what it finds


def test_admin_finds_a_quiz_by_the_id_the_pages_show() -> None:
    quiz_id = uuid.uuid4()
    [started] = append(f"quiz-{quiz_id}", [NewEvent("quiz.QuizStarted", {"n": 1})], NO_STREAM)
    [elsewhere] = append(f"admin-{uuid.uuid4()}", [NewEvent("quiz.QuizStarted", {})], NO_STREAM)
    staff_client = Client()
    staff_client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    for term in (str(quiz_id), str(quiz_id).upper(), f"quiz-{quiz_id}"):
        html = staff_client.get("/admin/events/event/", {"q": term}).content.decode()
        assert f"/admin/events/event/{started.position}/change/" in html, term
        assert f"/admin/events/event/{elsewhere.position}/change/" not in html, term


def test_the_event_list_is_narrower_and_links_each_stream_to_its_events() -> None:
    stream = f"quiz-{uuid.uuid4()}"
    [event] = append(stream, [NewEvent("quiz.QuizStarted", {"n": 1})], NO_STREAM)
    staff_client = Client()
    staff_client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    listing = staff_client.get("/admin/events/event/")
    heads = [str(column) for column in listing.context["cl"].list_display]
    assert heads == ["position", "at", "event_type", "version", "stream"]  # no schema version
    # the stream shown short ("quiz-" and 8 digits), as a link to that stream's events
    html = listing.content.decode()
    assert f'<a href="?q={stream}">{stream[:13]}…</a>' in html
    # and its type free to break after the dot only (the list fits a laptop's screen: e2e)
    assert '<td class="field-event_type">quiz.<wbr>QuizStarted</td>' in html
    assert staff_client.get(f"/admin/events/event/?q={stream}").context["cl"].result_count == 1
    # the event's own page still has it all
    detail = staff_client.get(f"/admin/events/event/{event.position}/change/").content.decode()
    assert stream in detail and "Schema version" in detail


def test_the_type_filter_breaks_a_long_type_name_after_its_dot_only() -> None:
    append(f"quiz-{uuid.uuid4()}", [NewEvent("quiz.QuestionAnsweredCorrectly", {})], NO_STREAM)
    staff_client = Client()
    staff_client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    html = staff_client.get("/admin/events/event/").content.decode()
    filter_html = html[html.index('id="changelist-filter"') :]
    assert ">quiz.<wbr>QuestionAnsweredCorrectly</a>" in filter_html
    assert ">All</a>" in filter_html
    # choosing it still filters by the whole type
    chosen = staff_client.get("/admin/events/event/", {"type": "quiz.QuestionAnsweredCorrectly"})
    assert chosen.context["cl"].result_count == 1
