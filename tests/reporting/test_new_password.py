"""A teacher gives a student of their class a new password: asked to confirm, then sent on (303) to
a page that shows it for some minutes, as often as it is opened; the student's other sessions and
API token end. Reloading that page, or the same form sent again, makes no second password; after
those minutes the page says whether it was shown. Nobody else may (another class's teacher, a
student); it is never cached."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reporting import new_passwords
from studyflow.services import INITIAL_PASSWORD_ALPHABET
from tests.held_open import held_open, waited_for_a_lock
from tests.reporting.world import World, make_world

pytestmark = pytest.mark.django_db

SHOWN_ALREADY = "new password was shown already"
NONE_WAITING = "No new password to show"
NOT_SHOWN_IN_TIME = "new password was not shown in time"


@pytest.fixture
def small() -> World:
    return make_world(students_a=2, students_b=1, chapters=1)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(student: Any) -> str:
    return f"/teacher/students/{student.pk}/password/"


def made_url(student: Any) -> str:
    return f"/teacher/students/{student.pk}/password/made/"


def form_key(client: Client, student: Any) -> str:
    """The key of the form on the student's "Give a new password?" page, as the browser has it."""
    page = client.get(url(student)).content.decode()
    found = re.search(r'<input type="hidden" name="key" value="([0-9a-f]+)">', page)
    assert found, page
    return found.group(1)


def make(client: Client, student: Any, key: str) -> Any:
    """Press "Make a new password" on a form with `key`: sent on to the page that shows it."""
    response = client.post(url(student), {"key": key})
    assert response.status_code == 303 and response["Location"] == made_url(student)
    assert "no-store" in response["Cache-Control"]
    return response


def shown_password(html: str) -> str:
    cells = html.split('<dd class="credential">')
    assert len(cells) == 3, html
    return cells[2].split("</dd>")[0]


def kept_in_session(client: Client) -> str:
    """All the teacher's session row holds, as text."""
    return repr(dict(client.session.items()))


def waiting_password(client: Client, student: Any) -> str:
    """The student's new password as it waits in the teacher's session (the page not opened)."""
    return str(client.session[new_passwords.SESSION_KEY][str(student.pk)]["password"])


def clock_moved_on(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """Move the clock (django.utils.timezone.now, which the views and the sessions read) `by` on,
    as tests/reporting/test_pages.py stops it: no waiting."""
    later = timezone.now() + by
    monkeypatch.setattr(timezone, "now", lambda: later)


def logs_in(student: Any, password: str) -> bool:
    return Client().login(username=student.username, password=password)


def password_hash(student: Any) -> str:
    return str(get_user_model().objects.get(pk=student.pk).password)


def test_a_teacher_gives_their_student_a_new_password(small: World) -> None:
    # given a student logged in on a computer, with an API token; their teacher on the page
    pupil = small.students_a[0]
    elsewhere = logged_in(pupil)
    Token.objects.create(user=pupil)
    teacher = logged_in(small.teacher_a)
    page = teacher.get(f"/teacher/students/{pupil.pk}/").content.decode()
    assert f'href="{url(pupil)}"' in page and pupil.username in page
    # when the teacher asks, they are asked to confirm and nothing changes yet
    confirm = teacher.get(url(pupil))
    assert confirm.status_code == 200
    assert "Make a new password" in confirm.content.decode()
    # in a whole sentence, saying when to do it
    said = f"Do this when {pupil.get_full_name()} ({pupil.username}) has forgotten their password."
    assert said in confirm.content.decode()
    assert get_user_model().objects.get(pk=pupil.pk).check_password("pw")
    # then confirming makes it and sends the browser on to a page that shows it, no cache keeps
    make(teacher, pupil, form_key(teacher, pupil))
    done = teacher.get(made_url(pupil))
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    password = shown_password(done.content.decode())
    assert len(password) >= 10 and set(password) <= set(INITIAL_PASSWORD_ALPHABET)
    # and it logs the student in; the old password, the other session and the token are over
    assert logs_in(pupil, password)
    assert not logs_in(pupil, "pw")
    assert elsewhere.get("/dashboard/").status_code == 302
    assert not Token.objects.filter(user=pupil).exists()


def test_reloading_the_page_within_its_minutes_shows_the_same_password_and_makes_no_other(
    small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a teacher shown their student's new password
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, form_key(teacher, pupil))
    password = shown_password(teacher.get(made_url(pupil)).content.decode())
    stored = password_hash(pupil)
    # when they reload the page, at once and a moment before the password waited its minutes
    again = teacher.get(made_url(pupil))
    clock_moved_on(monkeypatch, new_passwords.WAITS - timedelta(seconds=5))
    later = teacher.get(made_url(pupil))
    # then each time it shows the same password, and says for how long
    for response in (again, later):
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert shown_password(page) == password
        assert f"shown on this page for {new_passwords.WAITS_MINUTES} minutes" in page
    # and no other password was made: the one shown still logs the student in
    assert password_hash(pupil) == stored
    assert logs_in(pupil, password)
    # and going Back to the form asks again, still making nothing
    assert "Make a new password" in teacher.get(url(pupil)).content.decode()
    assert password_hash(pupil) == stored


def test_a_password_shown_then_reloaded_after_its_minutes_is_said_to_be_shown_already(
    small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a teacher shown their student's new password
    pupil = small.students_a[0]
    name = pupil.get_full_name()
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, form_key(teacher, pupil))
    password = shown_password(teacher.get(made_url(pupil)).content.decode())
    stored = password_hash(pupil)
    # when they reload the page once the password waited its minutes
    clock_moved_on(monkeypatch, new_passwords.WAITS)
    late = teacher.get(made_url(pupil))
    # then it says the password was shown already and how to make another, without showing it
    page = late.content.decode()
    assert late.status_code == 200 and "no-store" in late["Cache-Control"]
    assert f"{name}'s {SHOWN_ALREADY}" in page
    assert password not in page and '<dd class="credential">' not in page
    assert f'href="{url(pupil)}">Give {name} a new password</a>' in page
    # and the teacher's session keeps only that it was shown, nothing of the password
    assert password not in kept_in_session(teacher)
    # and reloaded, the page says the same; no other password was made: the one shown works
    assert SHOWN_ALREADY in teacher.get(made_url(pupil)).content.decode()
    assert password_hash(pupil) == stored
    assert logs_in(pupil, password)


def test_a_password_is_shown_if_its_page_is_opened_within_the_minutes_it_waits(
    small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a new password made for a student, its page not opened at once
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, form_key(teacher, pupil))
    # when it is opened a moment before the password waited its minutes
    clock_moved_on(monkeypatch, new_passwords.WAITS - timedelta(seconds=5))
    # then it shows the password
    assert logs_in(pupil, shown_password(teacher.get(made_url(pupil)).content.decode()))


def test_a_password_not_shown_in_time_is_dropped_and_the_page_says_so(
    small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a new password made for a student, the redirect to its page never followed
    pupil = small.students_a[0]
    name = pupil.get_full_name()
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, form_key(teacher, pupil))
    password, stored = waiting_password(teacher, pupil), password_hash(pupil)
    # when its page is opened once the password waited its minutes
    clock_moved_on(monkeypatch, new_passwords.WAITS)
    late = teacher.get(made_url(pupil))
    # then it says so plainly, shows nothing of it, and offers to make another
    page = late.content.decode()
    assert late.status_code == 200 and "no-store" in late["Cache-Control"]
    assert f"{name}'s {NOT_SHOWN_IN_TIME}" in page
    assert f"not opened within {new_passwords.WAITS_MINUTES} minutes" in page
    assert "cannot be shown again" in page and "old password, which no longer works" in page
    assert password not in page and '<dd class="credential">' not in page
    assert f'href="{url(pupil)}">Give {name} a new password</a>' in page
    # and the teacher's session keeps nothing of it, only that it was not shown in time
    assert password not in kept_in_session(teacher)
    # and reloaded, the page says the same; no other password was made: the one made works
    assert NOT_SHOWN_IN_TIME in teacher.get(made_url(pupil)).content.decode()
    assert password_hash(pupil) == stored
    assert logs_in(pupil, password) and not logs_in(pupil, "pw")
    # and a new one made then is shown, and replaces it
    make(teacher, pupil, form_key(teacher, pupil))
    again = shown_password(teacher.get(made_url(pupil)).content.decode())
    assert logs_in(pupil, again) and not logs_in(pupil, password)


def test_a_password_not_shown_in_time_leaves_the_session_at_the_next_request(
    small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a new password made for a student, the teacher gone on to other pages meanwhile
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, form_key(teacher, pupil))
    password = waiting_password(teacher, pupil)
    assert teacher.get(f"/teacher/students/{pupil.pk}/").status_code == 200
    assert password in kept_in_session(teacher)  # still waiting: not written at every request
    # when the teacher asks for any page once it waited its minutes
    clock_moved_on(monkeypatch, new_passwords.WAITS)
    assert teacher.get("/teacher/").status_code == 200
    # then their session keeps nothing of it, and its page says it was not shown in time
    assert password not in kept_in_session(teacher)
    page = teacher.get(made_url(pupil)).content.decode()
    assert NOT_SHOWN_IN_TIME in page and password not in page


def test_the_same_form_sent_again_makes_no_second_password(
    small: World, caplog: pytest.LogCaptureFixture
) -> None:
    # given the form of a student's new password, sent twice (a double click) before the page
    # that shows the password was asked for
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    key = form_key(teacher, pupil)
    with caplog.at_level(logging.INFO, logger="studyflow.services"):
        make(teacher, pupil, key)
        stored = password_hash(pupil)
        make(teacher, pupil, key)
    # then one password was made (one log line), and the page shows it
    assert password_hash(pupil) == stored
    made = [r for r in caplog.records if "a new password" in r.getMessage()]
    assert len(made) == 1
    password = shown_password(teacher.get(made_url(pupil)).content.decode())
    assert logs_in(pupil, password)
    # and sent once more after that page was shown (the browser's resend, or a double click's
    # second form answered last), it makes none and its page shows the same password
    make(teacher, pupil, key)
    assert shown_password(teacher.get(made_url(pupil)).content.decode()) == password
    assert password_hash(pupil) == stored and logs_in(pupil, password)
    assert len([r for r in caplog.records if "a new password" in r.getMessage()]) == 1


def test_two_students_pages_in_two_tabs_each_show_their_own(small: World) -> None:
    # given a teacher with two students' forms open in two tabs
    anna, bram = small.students_a
    teacher = logged_in(small.teacher_a)
    anna_key, bram_key = form_key(teacher, anna), form_key(teacher, bram)
    # when they make both passwords, then look at each page in the other order
    make(teacher, anna, anna_key)
    make(teacher, bram, bram_key)
    brams = shown_password(teacher.get(made_url(bram)).content.decode())
    annas = shown_password(teacher.get(made_url(anna)).content.decode())
    # then each page showed its own student's password
    assert annas != brams
    assert logs_in(anna, annas) and logs_in(bram, brams)
    assert not logs_in(anna, brams) and not logs_in(bram, annas)


def test_a_form_opened_before_the_password_changed_makes_none(small: World) -> None:
    # given a teacher's form, opened before staff gave the student a new password meanwhile
    pupil = small.students_a[0]
    teacher, staff = logged_in(small.teacher_a), logged_in(small.staff)
    stale = form_key(teacher, pupil)
    make(staff, pupil, form_key(staff, pupil))
    staffs = shown_password(staff.get(made_url(pupil)).content.decode())
    # when the teacher sends it
    make(teacher, pupil, stale)
    # then it made none: the teacher's page says so, and the password staff handed out works
    page = teacher.get(made_url(pupil)).content.decode()
    assert NONE_WAITING in page and '<dd class="credential">' not in page
    assert logs_in(pupil, staffs)


def test_a_form_without_a_key_makes_none(small: World) -> None:
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    make(teacher, pupil, "")
    assert teacher.post(url(pupil)).status_code == 303  # no key at all
    assert NONE_WAITING in teacher.get(made_url(pupil)).content.decode()
    assert logs_in(pupil, "pw")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the student's row lock is PostgreSQL's (SQLite runs one writer at a time anyway)",
)
@pytest.mark.parametrize(
    "an_older_password",
    [None, "another student's", "this student's"],
    ids=["first-password", "another-students-not-shown-in-time", "theirs-not-shown-in-time"],
)
def test_a_double_click_sent_at_once_makes_one_password(
    small: World, caplog: pytest.LogCaptureFixture, an_older_password: str | None
) -> None:
    # given the same form sent twice at once: the second while the first's transaction is open
    pupil = small.students_a[0]
    teacher = logged_in(small.teacher_a)
    key = form_key(teacher, pupil)
    second = Client()
    second.cookies = teacher.cookies  # the same browser, the same session
    if an_older_password:  # not shown in time: both sends drop it from the session as they arrive
        whose = small.students_a[1] if an_older_password == "another student's" else pupil
        kept = teacher.session
        kept[new_passwords.SESSION_KEY] = new_passwords.made(
            {}, whose.pk, "abcdefghjk", timezone.now() - new_passwords.WAITS
        )
        kept.save()

    def send_again_on_its_own_connection() -> Any:
        try:
            return second.post(url(pupil), {"key": key})
        finally:
            connection.close()

    with (
        caplog.at_level(logging.INFO, logger="studyflow.services"),
        ThreadPoolExecutor(max_workers=1) as again,
        held_open(lambda: teacher.post(url(pupil), {"key": key})) as first,
    ):
        stored = password_hash(pupil)  # what others see: the old one, until the first commits
        sent_again = again.submit(send_again_on_its_own_connection)
        waited_for_a_lock(sent_again)  # the student's row, locked by the first
    # then the second waited for the first, made no password, and leads to the page that shows
    # the first one's: both redirects' pages show it, whichever the browser shows last (the
    # second, which read the session before the first saved the password, did not write it back)
    assert first.status_code == 303 and sent_again.result(timeout=30).status_code == 303
    assert password_hash(pupil) != stored
    assert len([r for r in caplog.records if "a new password" in r.getMessage()]) == 1
    password = shown_password(teacher.get(made_url(pupil)).content.decode())
    assert shown_password(teacher.get(made_url(pupil)).content.decode()) == password
    assert logs_in(pupil, password)


def test_only_the_students_teachers_and_staff_may(small: World) -> None:
    pupil = small.students_a[0]
    key = form_key(logged_in(small.teacher_a), pupil)
    for page in (url(pupil), made_url(pupil)):
        assert logged_in(small.teacher_b).get(page).status_code == 404
        assert logged_in(small.students_a[1]).get(page).status_code == 403
        assert logged_in(pupil).get(page).status_code == 403
        assert Client().get(page).status_code == 302  # to log in
    assert logged_in(small.teacher_b).post(url(pupil), {"key": key}).status_code == 404
    assert logged_in(small.students_a[1]).post(url(pupil), {"key": key}).status_code == 403
    assert logged_in(pupil).post(url(pupil), {"key": key}).status_code == 403
    assert Client().post(url(pupil), {"key": key}).status_code == 302  # to log in
    assert logged_in(small.teacher_a).post(url(small.teacher_b)).status_code == 404  # no student
    assert logged_in(small.teacher_a).put(url(pupil)).status_code == 405
    assert logged_in(small.teacher_a).post(made_url(pupil), {"key": key}).status_code == 405
    # and none of those refused changed anything
    assert logs_in(pupil, "pw")
    # staff may, and their page shows them the password
    staff = logged_in(small.staff)
    make(staff, pupil, key)
    assert logs_in(pupil, shown_password(staff.get(made_url(pupil)).content.decode()))
