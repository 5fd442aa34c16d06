"""Steps the browser tests share, so each is written once: a student's on the quiz page (start a
chapter, answer, go on, wait for the panel's state), a double click on a form's button and the page
it ends on, and the demo teacher's set-ups (class 2A, its first chapter, its busiest student, a
page logged in as the teacher at a width).

The fixtures (`new_page`, `login`, `demo_school`...) are in tests/e2e/conftest.py; these are plain
functions, given the fixtures they need."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count

from quiz.models import Chapter
from reporting.models import Answer
from studyflow.models import Classroom
from tests.e2e.conftest import WIDE

# A test taken twice: with JavaScript (htmx's swaps) and without (every form posted, every page
# rendered again by the server).
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])

# --- a student on the quiz page -------------------------------------------------------------------


def wait_for_status(page: Any, status: str) -> None:
    page.wait_for_selector(f'#quiz-panel[data-status="{status}"]')
    # After a page load, htmx (deferred) takes over the forms only by the load event. A key pressed
    # before that posts the form the plain way: it works, but it adds a history entry that a test
    # of the back button does not expect (seen once, under a loaded machine).
    page.wait_for_load_state("load")


def start_chapter(page: Any, chapter_id: int) -> None:
    """From the dashboard, start (or go on with) a chapter: its first question open."""
    page.locator(f"#chapter-{chapter_id} button").click()
    wait_for_status(page, "question_open")


def answer(page: Any, text: str, status: str) -> None:
    """Type an answer, press Check, and wait for the quiz to be in `status`."""
    page.locator("#answer").fill(text)
    page.get_by_role("button", name="Check").click()
    wait_for_status(page, status)


def next_question(page: Any) -> None:
    page.get_by_role("button", name="Next question").click()
    wait_for_status(page, "question_open")


def quiz_id_of(page: Any) -> uuid.UUID:
    match = re.search(r"/quizzes/([0-9a-f-]+)/", page.url)
    assert match, page.url
    return uuid.UUID(match.group(1))


# --- any page's form ------------------------------------------------------------------------------


def double_click(page: Any, button: Any) -> None:
    """A person's double click on a form's button: the second click once the first has sent the
    form, while its answer is still on the way (a dblclick). Playwright's own dblclick clicks
    twice at once, and the browser then sends the form only once; a fixed pause between the
    clicks sent it once too when the machine was busy (the first form was not yet sent)."""
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(lambda request: request.method == "POST"):
        page.mouse.click(x, y)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)


def wait_for_the_page_the_last_form_leads_to(page: Any, forms: list[Any]) -> None:
    """Until the page the last form answered redirects to is loaded: the page a double click ends
    on (`forms`: the POST requests, as the page sends them). The second form waits on the server
    for the first (a row it locks), so the first's page may be shown meanwhile and then replaced by
    the second's; a page read before could be the one about to go. A form the browser gave up for
    the next has no answer, and is passed over."""
    while len(forms) < 2:  # the second form's request may still be on its way to the test
        page.wait_for_event("request", lambda request: request.method == "POST")
    answered = [form for form in forms if form.response() is not None]  # each, once answered
    assert answered, "neither form was answered"
    last = answered[-1]
    while last.redirected_to is None:  # its redirect's request, still on its way to the test
        page.wait_for_event("request")
    shown = last.redirected_to.response()
    assert shown is not None and shown.ok, last.redirected_to.url
    shown.finished()
    page.wait_for_load_state("load")


# --- the demo school's teacher (after the `demo_school` fixture) ---------------------------------


def demo_class() -> Classroom:
    """The demo teacher's class."""
    return Classroom.objects.get(name="2A")


def demo_chapter() -> Chapter:
    """The demo course's first chapter."""
    chapter = Chapter.objects.order_by("pk").first()
    assert chapter is not None
    return chapter


def busiest_student(classroom: Classroom) -> int:
    """The student of the class with the most answers and reveals (the demo's history is random)."""
    busiest = (
        Answer.objects.filter(student_id__in=classroom.students.values("pk"))
        .values("student_id")
        .annotate(answers=Count("pk"))
        .order_by("-answers")
        .first()
    )
    assert busiest is not None
    return int(busiest["student_id"])


def demo_teacher_page(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    *,
    width: int = WIDE,
    js: bool = True,
    touch: bool = False,
) -> Any:
    """A new page at this width, logged in as the demo teacher (on their classes)."""
    page = new_page(width=width, js=js, touch=touch)
    login(page, "teacher", "teacher")
    return page


def demo_question_page(
    new_page: Callable[..., Any], login: Callable[..., None], *, width: int = WIDE
) -> Any:
    """The demo teacher on the first chapter's question difficulty page for class 2A."""
    page = demo_teacher_page(new_page, login, width=width)
    page.goto(f"/teacher/chapters/{demo_chapter().pk}/questions/?class={demo_class().pk}")
    return page
