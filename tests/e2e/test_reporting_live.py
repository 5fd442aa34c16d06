"""A teacher watches the class grid and the live feed in a real browser while a student answers in
another session; a real Celery worker projects the events. The feed and the grid show it within
5 seconds."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from quiz import services
from tests.e2e.policy import PolicyWatch
from tests.reporting.conftest import worker  # noqa: F401  (the real-worker fixture)
from tests.reporting.world import Feeder, World, make_world, simulate

# Playwright's sync API runs an asyncio loop in this thread; the test body is plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser: Any) -> Iterator[Any]:
    """The session's browser (tests/e2e/conftest.py), its contexts watched for what the site's
    Content-Security-Policy blocks."""
    watch = PolicyWatch(browser)
    yield watch
    watch.assert_nothing_blocked()


def log_in(context: Any, page: Any, live_server: Any, user: Any) -> None:
    """Through the login page when there is one, else with a session cookie."""
    response = page.goto(f"{live_server.url}{settings.LOGIN_URL}")
    if response is not None and response.ok and page.get_by_label("Username").count():
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("pw")
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_feed_and_grid_show_a_new_answer_within_five_seconds(chromium, live_server, worker):  # noqa: F811
    world: World = make_world(students_a=6, students_b=1, chapters=2)
    student = world.students_a[2]
    chapter = world.chapters[1]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    grid = page.locator("#grid")
    assert grid.get_by_role("columnheader", name=chapter.title).count() == 1
    cell = page.locator(f'tr[data-student="{student.pk}"] td[data-chapter="{chapter.pk}"]')
    assert cell.get_attribute("data-status") == "not_started"
    assert "No activity yet." in page.locator("#feed").inner_text()

    # another session: the student starts a quiz and answers wrongly
    started = services.start_quiz(actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4())
    question = started.quiz.question
    assert question is not None
    wrong = "a" if question.kind == "choice" else "surely wrong"  # a choice takes only its keys
    assert wrong != world.accepted[question.id]
    services.answer_question(
        actor=student, quiz_id=started.quiz.id, answer=wrong, command_id=uuid.uuid4()
    )
    answered_at = time.monotonic()

    feed = page.locator("#feed")
    feed.get_by_text("answered incorrectly").wait_for(timeout=5_000)
    assert student.first_name in feed.inner_text()
    in_progress = f'[data-chapter="{chapter.pk}"][data-status="in_progress"]'
    page.locator(f'tr[data-student="{student.pk}"] td{in_progress}').wait_for(
        timeout=max(100, 5_000 - (time.monotonic() - answered_at) * 1000)
    )
    assert time.monotonic() - answered_at < 5.0
    row = page.locator(f'tr[data-student="{student.pk}"] td[data-chapter="{chapter.pk}"]')
    assert "In progress" in row.inner_text()

    # usable at 375 px: the page itself never scrolls sideways (the grid scrolls in its box)
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_the_grid_does_not_refresh_under_the_teachers_hands(chromium, live_server):
    world: World = make_world(students_a=3, students_b=1, chapters=1)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    updated = page.locator("#grid-updated time")  # to the second: it changes with every refresh

    # a teacher who chose another order keeps it while the grid refreshes (every 3 s), also
    # when they click elsewhere before sending it
    page.focus("#sort")
    page.select_option("#sort", "name")
    page.locator("h1").click()
    before = updated.get_attribute("datetime")
    page.wait_for_function(
        "text => document.querySelector('#grid-updated time').dateTime !== text", arg=before
    )
    assert page.locator("#sort").input_value() == "name"
    with page.expect_navigation():
        page.get_by_role("button", name="Sort").click()
    assert "sort=name" in page.url and page.locator("#sort").input_value() == "name"

    # and a keyboard user keeps their place in the table
    link = page.locator("#grid tbody th a").first
    link.focus()
    page.wait_for_timeout(4_000)
    assert page.evaluate("document.activeElement.closest('#grid tbody th') !== null")

    # nor while they are on the table's scroll box by keyboard (a screen reader would read its
    # name again): Tab from the Sort button (on a phone, where the box has something to scroll:
    # only then is it a Tab stop)
    page.set_viewport_size({"width": 375, "height": 900})
    page.wait_for_function("() => document.getElementById('grid-wrap').tabIndex === 0")
    page.get_by_role("button", name="Sort").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "grid-wrap"
    page.evaluate("window.oldGrid = document.querySelector('#grid')")
    page.wait_for_timeout(4_000)
    assert page.evaluate("document.querySelector('#grid') === oldGrid")
    # once the teacher is elsewhere, it refreshes again
    page.locator("h1").click()
    before = updated.get_attribute("datetime")
    page.wait_for_function(
        "text => document.querySelector('#grid-updated time').dateTime !== text", arg=before
    )
    # also after a mouse click on a cell, which focuses the box but shows no focus
    page.locator("#grid td.cell").first.click()
    assert page.evaluate("document.activeElement.id") == "grid-wrap"
    before = updated.get_attribute("datetime")
    page.wait_for_function(
        "text => document.querySelector('#grid-updated time').dateTime !== text", arg=before
    )
    context.close()


def test_the_grid_keeps_words_the_teacher_selected_in_it(chromium, live_server):
    # given a class with some activity, its page open
    world: World = make_world(students_a=3, students_b=1, chapters=1)
    simulate(world, seed=3, steps=20, start=datetime(2026, 2, 2, 7, 30, tzinfo=UTC))
    Feeder().catch_up()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    updated = page.locator("#grid-updated time")  # to the second: it changes with every refresh

    # when the teacher drags across a student's time and last activity, to copy them
    row = page.locator("#grid tbody tr").first
    start, end = row.locator("td.num").first, row.locator("td.num").last
    start.scroll_into_view_if_needed()
    first, last = start.bounding_box(), end.bounding_box()
    page.mouse.move(first["x"] + 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] - 2, last["y"] + last["height"] / 2, steps=12)
    page.mouse.up()
    selected = page.evaluate("window.getSelection().toString()")
    assert selected.strip() and " ".join(selected.split()) in " ".join(row.inner_text().split())

    # then the grid holds still while they are selected (it refreshes every 3 s): a refresh
    # would put new rows in place of the ones the selection lies in, and lose it
    page.evaluate("window.oldGrid = document.querySelector('#grid')")
    page.wait_for_timeout(7_000)  # two polls
    assert page.evaluate("document.querySelector('#grid') === oldGrid")
    assert page.evaluate("window.getSelection().toString()") == selected

    # until a click elsewhere lets the selection go
    page.locator("h1").click()
    assert page.evaluate("window.getSelection().isCollapsed")
    before = updated.get_attribute("datetime")
    page.wait_for_function(
        "text => document.querySelector('#grid-updated time').dateTime !== text", arg=before
    )

    # and a press in the grid, held over a poll, keeps what is under the pointer there
    cell = page.locator("#grid td.cell").first
    box = cell.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate("window.oldGrid = document.querySelector('#grid')")
    page.wait_for_timeout(4_000)
    assert page.evaluate("document.querySelector('#grid') === oldGrid")
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#grid') !== oldGrid")
    context.close()


def test_a_long_answer_wraps_in_the_teachers_tables(chromium, live_server):
    # given a student who typed 500 characters without a space at an open question
    world: World = make_world(students_a=2, students_b=1, chapters=1)
    student = world.students_a[0]
    view = services.start_quiz(
        actor=student, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4()
    ).quiz
    # the chapter has one choice question: if that came up, reveal it and take the next
    while view.question is None or view.question.kind != "open":
        view = services.reveal_answer(actor=student, quiz_id=view.id, command_id=uuid.uuid4()).quiz
        view = services.next_question(actor=student, quiz_id=view.id, command_id=uuid.uuid4()).quiz
    services.answer_question(
        actor=student, quiz_id=view.id, answer="x" * 300 + "y" * 200, command_id=uuid.uuid4()
    )
    Feeder().catch_up()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    # when the teacher reads the student's answers and the chapter's wrong answers
    for path in (
        f"/teacher/students/{student.pk}/",
        f"/teacher/chapters/{world.chapters[0].pk}/questions/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert "xxxxxxxx" in page.content()
        # then every table fits its box: the answer wraps instead of pushing the columns away
        overflowing = page.evaluate(
            "[...document.querySelectorAll('table')]"
            ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
        )
        assert overflowing == 0, path
    context.close()


def test_a_refresh_keeps_where_the_teacher_scrolled(chromium, live_server):
    # given a class with a long activity feed, its grid read on a phone
    world: World = make_world(students_a=6, students_b=1, chapters=3)
    simulate(world, seed=5, steps=80, start=datetime(2026, 2, 2, 7, 30, tzinfo=UTC))
    feeder = Feeder()
    feeder.catch_up()
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    # when the teacher scrolls the grid sideways and the feed down, and both refresh
    page.evaluate(
        """() => {
        window.oldGrid = document.querySelector('#grid-wrap');
        window.oldFeed = document.querySelector('#feed');
        oldGrid.scrollLeft = 120;
        oldFeed.scrollTop = 150;
    }"""
    )
    assert page.evaluate("[oldGrid.scrollLeft, oldFeed.scrollTop]") == [120, 150]
    page.wait_for_function(
        "() => document.querySelector('#grid-wrap') !== oldGrid"
        " && document.querySelector('#feed') !== oldFeed"
    )
    # then both are still where the teacher left them
    kept = page.evaluate(
        "[document.querySelector('#grid-wrap').scrollLeft,"
        " document.querySelector('#feed').scrollTop]"
    )
    assert kept == [120, 150]

    # and when a new item arrives at the top of the feed, the item the teacher reads stays put
    reading = """() => {
        const feed = document.querySelector('#feed');
        const item = [...feed.querySelectorAll('[data-key]')]
            .find(li => li.offsetTop + li.offsetHeight > feed.scrollTop);
        return [item.dataset.key, item.offsetTop - feed.scrollTop];
    }"""
    before = page.evaluate(reading)
    newest = page.evaluate("document.querySelector('#feed [data-key]').dataset.key")
    pupil = world.students_a[0]
    quiz = services.start_quiz(
        actor=pupil, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4()
    ).quiz
    services.reveal_answer(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4())
    feeder.catch_up()
    page.wait_for_function(
        "key => document.querySelector('#feed [data-key]').dataset.key !== key", arg=newest
    )
    assert page.evaluate(reading) == before

    # a keyboard user on the grid's box keeps it: the grid waits for them
    page.get_by_role("button", name="Sort").focus()
    page.keyboard.press("Tab")
    page.evaluate("window.oldGrid = document.querySelector('#grid-wrap')")
    page.wait_for_timeout(4_000)
    assert page.evaluate("document.querySelector('#grid-wrap') === oldGrid")
    assert page.evaluate("document.activeElement.id") == "grid-wrap"
    context.close()


def test_live_updates_leave_a_keyboard_user_in_the_feed_and_can_be_paused(chromium, live_server):
    # given a class with some activity, its grid open
    world: World = make_world(students_a=3, students_b=1, chapters=1)
    simulate(world, seed=3, steps=20, start=datetime(2026, 2, 2, 7, 30, tzinfo=UTC))
    feeder = Feeder()
    feeder.catch_up()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    pupil = world.students_a[0]

    def new_activity() -> None:
        quiz = services.start_quiz(
            actor=pupil, chapter_id=world.chapters[0].pk, command_id=uuid.uuid4()
        ).quiz
        if quiz.status == "question_open":
            services.reveal_answer(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4())
        else:
            services.next_question(actor=pupil, quiz_id=quiz.id, command_id=uuid.uuid4())
        feeder.catch_up()

    # a teacher's Ctrl-click on an item (its student in a new tab) leaves that item's link
    # focused, by the mouse: the feed still refreshes under it
    with context.expect_page() as opened:
        page.locator("#feed a time").nth(1).click(modifiers=["ControlOrMeta"])
    opened.value.close()
    assert page.evaluate("document.activeElement.closest('#feed') !== null")
    page.evaluate("window.oldFeed = document.querySelector('#feed')")
    new_activity()
    page.wait_for_function("() => document.querySelector('#feed') !== oldFeed")

    # when a keyboard user is on a link of the feed and new activity arrives
    on_the_feed_by_keyboard(page)
    page.evaluate("window.oldFeed = document.querySelector('#feed')")
    new_activity()
    page.wait_for_timeout(4_500)
    # then the feed waits for them: their place and their focus stay
    assert page.evaluate("document.querySelector('#feed') === oldFeed")
    assert page.evaluate("document.activeElement.closest('#feed') !== null")

    # when the teacher pauses live updates, nothing refreshes, whatever happens
    pause = page.locator("#live-pause")
    page.get_by_role("button", name="Pause live updates").click()
    # and the button then says what pressing it again does, as the status says the state (a
    # button whose words change is no toggle button: it has no aria-pressed to contradict them)
    assert page.get_by_role("button", name="Resume live updates").is_visible()
    assert pause.inner_text() == "Resume live updates"
    assert pause.get_attribute("aria-pressed") is None
    assert page.locator("#live-state").inner_text() == "Live updates paused."
    assert page.locator("#live-state").is_visible()  # seen too, not only heard
    page.evaluate(
        "window.oldFeed = document.querySelector('#feed');"
        " window.oldGrid = document.querySelector('#grid')"
    )
    polls: list[str] = []
    page.on(
        "request",
        lambda request: (
            polls.append(request.url)
            if "/grid/" in request.url or "/feed/" in request.url
            else None
        ),
    )
    new_activity()
    page.wait_for_timeout(4_500)
    assert page.evaluate(
        "document.querySelector('#feed') === oldFeed && document.querySelector('#grid') === oldGrid"
    )
    # nor does it ask the server: a paused page sends no polls
    assert polls == []
    # and the pause holds through a reload of the page (a new sort, say)
    page.reload()
    page.get_by_role("button", name="Resume live updates").wait_for()
    page.evaluate("window.oldGrid = document.querySelector('#grid')")
    page.wait_for_timeout(4_000)
    assert page.evaluate("document.querySelector('#grid') === oldGrid")
    page.evaluate("window.oldFeed = document.querySelector('#feed')")
    # and pressing it again brings both up to date at once: the press itself asks for both (not
    # the next poll, 2 or 3 s on), and both are replaced. (How long the server then takes to
    # answer is not the point, and a loaded machine may take more than a poll's interval.)
    page.evaluate(
        """() => {
            window.requested = [];
            document.addEventListener("htmx:configRequest", (event) => {
                const trigger = event.detail.triggeringEvent;
                window.requested.push(`${event.detail.elt.id}:${trigger ? trigger.type : "poll"}`);
            });
        }"""
    )
    page.get_by_role("button", name="Resume live updates").click()
    assert pause.inner_text() == "Pause live updates"
    assert page.locator("#live-state").inner_text() == ""
    page.wait_for_function("() => window.requested.length >= 2")
    assert sorted(page.evaluate("window.requested.slice(0, 2)")) == ["feed:resume", "grid:resume"]
    page.wait_for_function(
        "() => document.querySelector('#feed') !== oldFeed"
        " && document.querySelector('#grid') !== oldGrid"
    )

    # and a refresh already on its way when a keyboard user moves into its region does not land
    # there either (live.js's htmx:confirm only decides whether a request starts)
    swaps = page.evaluate(
        """() => {
            const swaps = (id) => {
                const region = document.getElementById(id);
                const detail = {target: region, shouldSwap: true};
                region.dispatchEvent(new CustomEvent("htmx:beforeSwap", {bubbles: true, detail}));
                return detail.shouldSwap;
            };
            window.both = () => [swaps("grid"), swaps("feed")];
            document.querySelector("#grid tbody th a").focus();
            return both();
        }"""
    )
    on_the_feed_by_keyboard(page)
    swaps = [swaps, page.evaluate("both()"), page.evaluate("document.activeElement.blur(); both()")]
    assert swaps == [[False, True], [True, False], [True, True]]
    context.close()


def test_a_teacher_selects_a_feed_items_words_by_dragging_and_clicks_one_to_open_it(
    chromium, live_server
):
    # given a class with some activity, its page open
    world: World = make_world(students_a=3, students_b=1, chapters=1)
    simulate(world, seed=3, steps=20, start=datetime(2026, 2, 2, 7, 30, tzinfo=UTC))
    Feeder().catch_up()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    class_page = f"{live_server.url}/teacher/classes/{world.class_a.pk}/"
    page.goto(class_page)
    navigated: list[str] = []
    page.on("framenavigated", lambda frame: navigated.append(frame.url))
    item = page.locator("#feed .feed-item a").first
    name = item.locator(".name").inner_text()
    student_page = f"{live_server.url}{item.get_attribute('href')}"

    # when the teacher drags across the item's words, from its time to past the student's name
    page.locator("#feed").scroll_into_view_if_needed()
    start, end = item.locator("time").bounding_box(), item.locator(".name").bounding_box()
    y = start["y"] + start["height"] / 2
    page.mouse.move(start["x"] + 1, y)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] + 6, y, steps=12)
    page.mouse.up()
    page.wait_for_timeout(1_000)  # time for a navigation the release might have started
    # then the teacher stays on the class page, those words selected
    assert page.url == class_page and navigated == []
    selected = page.evaluate("window.getSelection().toString()")
    words = " ".join(item.inner_text().split())
    assert name in selected and " ".join(selected.split()) in words, (selected, words)

    # and the feed holds still while they are selected: a refresh would put new items in place
    # of the ones the selection lies in, and lose it
    page.evaluate("window.oldFeed = document.querySelector('#feed')")
    page.wait_for_timeout(4_500)  # two polls
    assert page.evaluate("window.getSelection().toString()") == selected
    assert page.evaluate("document.querySelector('#feed') === oldFeed")
    # until a click elsewhere lets the selection go
    page.locator("h1").click()
    assert page.evaluate("window.getSelection().isCollapsed")
    page.wait_for_function("() => document.querySelector('#feed') !== oldFeed")

    # and a press on an item, held over a poll, is not taken away from under the pointer: its
    # release still opens the student
    second = page.locator("#feed .feed-item a").nth(1)
    second.scroll_into_view_if_needed()  # a click on the heading scrolled the page back up
    box = second.locator("time").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate("window.oldFeed = document.querySelector('#feed')")
    page.wait_for_timeout(4_500)
    assert page.evaluate("document.querySelector('#feed') === oldFeed")
    second_student = f"{live_server.url}{second.get_attribute('href')}"
    with page.expect_navigation():
        page.mouse.up()
    assert page.url == second_student

    # and a plain click on an item opens its student, the whole item a link as before
    page.goto(class_page)
    item = page.locator("#feed .feed-item a").first
    with page.expect_navigation():
        item.locator(".name").click()
    assert page.url == student_page
    context.close()


def on_the_feed_by_keyboard(page: Any) -> None:
    """Tab onto the feed's second item (the feed keeps still for a keyboard user on it)."""
    page.locator("#feed a").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#feed a:focus-visible')")


def test_without_javascript_there_is_no_pause_button_that_does_nothing(chromium, live_server):
    world: World = make_world(students_a=1, students_b=1, chapters=1)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(context, page, live_server, world.teacher_a)
    page.goto(f"{live_server.url}/teacher/classes/{world.class_a.pk}/")
    assert page.locator("#live-pause").count() == 1 and not page.locator("#live-pause").is_visible()
    context.close()
