"""Staff read the event log in the admin, in a real browser: at a laptop's 1280 px its list fits
between the admin's sidebar and its filters, without a sideways scrollbar, every cell readable."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from quiz import services
from tests.e2e.conftest import WIDE
from tests.pages_data import PASSWORD, WRONG, make_chapter, make_student, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_event_log_fits_a_laptop_screen_beside_the_sidebar_and_the_filters(
    new_page: Callable[..., Any], login: Callable[[Any, str, str], None]
) -> None:
    # given the longest event type there is in the log (a wrong answer), and staff at 1280 px
    # with the admin's sidebar open
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    student = make_student()
    quiz = services.start_quiz(
        actor=student, chapter_id=make_chapter().pk, command_id=uuid.uuid4()
    ).quiz
    services.answer_question(actor=student, quiz_id=quiz.id, answer=WRONG, command_id=uuid.uuid4())
    page = new_page(width=WIDE)
    login(page, "boss", PASSWORD)
    # when they open the event log
    page.goto("/admin/events/event/")
    assert page.locator("#nav-sidebar").is_visible()
    assert page.locator("#changelist-filter").is_visible()
    # then the list fits its box: no scrollbar under it, none under the page
    box = page.locator(".results").evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert box[0] <= box[1], f"the event log is {box[0]} px wide in {box[1]} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE
    # and every cell reads whole: position, version and stream on one line each, the time as
    # its date over its time at most, the type broken after its dot at most, nothing cut off
    row = page.locator("#result_list tbody tr", has_text="QuestionAnsweredIncorrectly")
    for cell in ("th.field-position", "td.field-version", "td.field-stream"):
        assert lines(row.locator(cell)) == 1, cell
    assert [lines(part) for part in row.locator("td.field-at span").all()] == [1, 1]
    assert lines(row.locator("td.field-event_type")) <= 2
    overflow = row.locator("th, td").evaluate_all(
        "cells => cells.map(c => c.scrollWidth - c.clientWidth)"
    )
    assert max(overflow) <= 0, overflow


def lines(element: Any) -> int:
    """How many lines the element's text takes (one box per line)."""
    return int(
        element.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e); "
            "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
        )
    )
