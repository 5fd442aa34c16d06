"""The pages on a phone (375 px) and on a desktop: the header, and pages whose tables scroll."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from quiz.models import Chapter
from studyflow.models import Classroom
from tests.e2e.conftest import NARROW, WIDE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_school() -> None:
    call_command("seed_demo", "--history", "2", stdout=io.StringIO())
    call_command("projections", "catch-up", stdout=io.StringIO())


def header_lines(page: Any) -> int:
    """How many lines the header's brand, name and links take."""
    tops = page.eval_on_selector_all(
        ".site-header .brand, .site-header .site-user, .site-header nav > *",
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))",
    )
    lines: list[int] = []
    for top in sorted(tops):
        if not lines or top - lines[-1] > 8:  # items of one line differ by a few pixels only
            lines.append(top)
    return len(lines)


def test_a_teachers_header_takes_two_lines_on_a_phone_and_one_on_a_desktop(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    page = new_page(width=NARROW)
    login(page, "teacher", "teacher")
    assert page.url.endswith("/teacher/")
    assert header_lines(page) == 2
    # The links together on the second line, the name beside the brand on the first.
    link_tops = page.eval_on_selector_all(
        ".site-header nav > *", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(link_tops) == 3 and len(set(link_tops)) == 1, link_tops
    assert page.locator(".site-header .site-user").inner_text() == "Marieke Hoekstra"
    page.set_viewport_size({"width": WIDE, "height": 900})
    assert header_lines(page) == 1
    snap(page, "teacher-header")


def test_a_long_name_does_not_push_the_header_to_three_lines(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    get_user_model().objects.filter(username="teacher").update(
        first_name="Anna-Catharina Wilhelmina", last_name="van den Berg-Oosterhuis"
    )
    page = new_page(width=NARROW)
    login(page, "teacher", "teacher")
    assert header_lines(page) == 2
    # The whole name is still there, for a screen reader; only the view of it is cut short.
    assert "Oosterhuis" in page.locator(".site-header .site-user").inner_text()


def test_the_question_difficulty_page_does_not_scroll_sideways_on_a_phone(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """Its wide table scrolls in its own box; nothing in it (the hidden words of a "Who" button
    among them) may stretch the page itself."""
    classroom = Classroom.objects.get(name="2A")
    chapter = Chapter.objects.order_by("pk").first()
    assert chapter is not None
    page = new_page(width=NARROW)
    login(page, "teacher", "teacher")
    page.goto(f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}")
    assert page.locator(".questions .wrong details.who").count() > 0
    snap(page, "teacher-question-difficulty")  # fails if the page scrolls sideways at 375 px
