"""On a phone (375 px) or a touch screen every link, button and list a student or a teacher taps is
at least 44 px high and wide: a thumb's size (WCAG 2.5.5), not only the 24 px of WCAG 2.2's
minimum (2.5.8), which the header's links and the class page's sort links met and no more. Each
page is walked in the states it shows, and none of them scrolls sideways. A desktop with a mouse
keeps its layout."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from reporting.views import students as student_pages
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.steps import (
    answer,
    busiest_student,
    demo_chapter,
    demo_class,
    demo_teacher_page,
    next_question,
    quiz_id_of,
    start_chapter,
    wait_for_status,
)
from tests.pages_data import PASSWORD, WRONG, make_chapter, make_student, right_answer

pytestmark = pytest.mark.django_db(transaction=True)

THUMB = 44  # px: WCAG 2.5.5's target size, the size of a fingertip

# Links inside a sentence keep to their line (WCAG 2.5.8's exception for inline targets): a 44 px
# box would push the lines of their sentence apart. Each is named with the reason. (The live feed's
# names were one: each item is now its student's link, as tall as its lines and 44 px at least.)
INLINE_IN_PROSE = ", ".join(
    (
        # "Forgot the password? Give Anna a new password." on a student's page.
        '[aria-labelledby="login-title"] p a',
    )
)

# Every visible a, button, submit input, select and summary (a closed <details>' contents are not
# shown): its tag and words, its height (a link broken over two lines by its shortest line) and
# width, and whether it is a link in prose. What is out of sight until a keyboard reaches it (the
# skip link off-screen at the left, or anything 1 px and clipped, .visually-hidden) is not tapped.
TAP_TARGETS = """prose => [
    ...document.querySelectorAll("a, button, input[type=submit], select, summary")]
    .filter(el => el.checkVisibility({visibilityProperty: true}))
    .map(el => {
        const box = el.getBoundingClientRect();
        const lines = [...el.getClientRects()].map(line => line.height);
        const words = (el.innerText || el.value || "").trim().slice(0, 40);
        return {
            target: `${el.tagName.toLowerCase()} "${words}"`,
            height: Math.round(Math.min(...lines) * 10) / 10,
            width: Math.round(box.width * 10) / 10,
            right: box.right,
            prose: el.matches(prose),
        };
    })
    .filter(t => t.right > 0 && t.width > 1 && t.height > 1)"""


# The feed's items whose link is shorter or narrower than the item inside its border: a thumb on
# the rest of the item would miss it.
FEED_ITEMS_FILLED = """items => items.flatMap(item => {
    const box = item.getBoundingClientRect();
    const link = item.querySelector("a").getBoundingClientRect();
    const style = getComputedStyle(item);
    const inside = box.width - parseFloat(style.borderLeftWidth);
    const high = box.height - parseFloat(style.borderBottomWidth);
    return link.width >= inside - 0.5 && link.height >= high - 0.5 ? [] : [item.innerText];
})"""


def small_targets(page: Any, name: str, width: int = NARROW) -> list[str]:
    """What on this page, at this width, is smaller than a thumb (links in prose apart); and fails
    if the page scrolls sideways there."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(50)  # let the layout settle
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: scrolls sideways at {width} px ({scroll_width})"
    targets = page.evaluate(TAP_TARGETS, INLINE_IN_PROSE)
    assert targets, f"{name}: no links or buttons found"
    return [
        f"{name}: {t['target']} {t['width']}x{t['height']}"
        for t in targets
        if not t["prose"] and (t["height"] < THUMB or t["width"] < THUMB)
    ]


def test_a_students_pages_are_made_for_a_thumb_on_a_phone(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    # given a student with a chapter of open questions and one of choices
    student = make_student()
    chapter = make_chapter(title="Adding halves", streak_goal=1)
    choices = make_chapter(title="Doubling", kind="choice")
    page = new_page(width=NARROW)
    small: list[str] = []

    # when they log in, once with a wrong password
    page.goto("/login/")
    small += small_targets(page, "log-in")
    login(page, student.username, "wrong password")
    page.get_by_role("alert").wait_for()
    small += small_targets(page, "log-in, wrong password")
    login(page, student.username, PASSWORD)
    small += small_targets(page, "dashboard")

    # and practise: a question, a wrong answer, the answer shown, then right until it is passed
    start_chapter(page, chapter.pk)
    quiz_id = quiz_id_of(page)
    small += small_targets(page, "quiz, question open")
    answer(page, WRONG, "answered_incorrectly")
    small += small_targets(page, "quiz, wrong answer")
    next_question(page)
    page.get_by_role("button", name="Show the answer").click()
    wait_for_status(page, "answer_revealed")
    small += small_targets(page, "quiz, answer shown")
    next_question(page)
    answer(page, right_answer(quiz_id), "passed")
    small += small_targets(page, "quiz, passed")

    # and open a question with a choice of answers, then their dashboard again
    page.goto("/dashboard/")
    small += small_targets(page, "dashboard, a chapter passed")
    start_chapter(page, choices.pk)
    small += small_targets(page, "quiz, choice question open")

    # and their password page, once sent empty
    page.goto("/password/")
    small += small_targets(page, "password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_selector(".field-error")
    small += small_targets(page, "password, errors")

    # then each of them is big enough to tap
    assert not small, "smaller than a thumb:\n" + "\n".join(small)


def test_a_teachers_pages_are_made_for_a_thumb_on_a_phone(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the demo school's teacher, and a student page that shows only a few answers, so that
    # it links to the rest (200 is more than the demo's history gives a student)
    monkeypatch.setattr(student_pages, "STUDENT_ANSWERS_SHOWN", 3)  # where the view reads it
    classroom, chapter = demo_class(), demo_chapter()
    small: list[str] = []

    # when they look at their classes, a class page (sorted by its heads' links and by its form)
    page = demo_teacher_page(new_page, login, width=NARROW)
    small += small_targets(page, "classes")
    page.goto(f"/teacher/classes/{classroom.pk}/")
    page.wait_for_selector("#feed .feed-item")
    assert page.locator("#grid thead a").count() >= 4  # sort links and chapter heads
    small += small_targets(page, "class")
    # (a feed item's link fills it inside its bar: a thumb anywhere on the item lands on it)
    assert page.eval_on_selector_all("#feed .feed-item", FEED_ITEMS_FILLED) == [], "feed"
    with page.expect_navigation():
        page.locator("#grid thead th[aria-sort] a").first.click()
    small += small_targets(page, "class, sorted by a head")

    # and a student, all of their answers, and a new password for them
    page.goto(f"/teacher/students/{busiest_student(classroom)}/")
    assert page.get_by_role("link", name=re.compile("^Show all")).count() == 1
    small += small_targets(page, "student")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Show all")).click()
    small += small_targets(page, "student, all answers")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Give .* a new password$")).click()
    small += small_targets(page, "new password, asked")
    page.get_by_role("button", name="Make a new password").click()
    page.wait_for_selector(".credentials")
    small += small_targets(page, "new password, shown")

    # and a chapter's question difficulty, and their password page
    page.goto(f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}")
    small += small_targets(page, "question difficulty")
    page.locator(".wrong details.who summary").first.click()  # who gave a wrong answer
    small += small_targets(page, "question difficulty, who gave an answer")
    page.goto("/password/")
    small += small_targets(page, "password")

    # and the class page on a tablet, with a touch screen as wide as a laptop's
    tablet = demo_teacher_page(new_page, login, width=WIDE, touch=True)
    tablet.goto(f"/teacher/classes/{classroom.pk}/")
    small += small_targets(tablet, "class, tablet", WIDE)

    # then each of them is big enough to tap
    assert not small, "smaller than a thumb:\n" + "\n".join(small)
    # while a desktop with a mouse keeps its layout: the header's links one line of text high
    desktop = demo_teacher_page(new_page, login, width=WIDE)
    assert desktop.locator(".site-header nav a").first.bounding_box()["height"] < 30
    assert desktop.locator(".site-header").bounding_box()["height"] < 60
    # and the feed's items are as tall as their lines: no 44 px floor with a mouse (read from the
    # style, since whether the demo's feed has a one-line item depends on its simulated history)
    desktop.goto(f"/teacher/classes/{classroom.pk}/")
    floors = desktop.eval_on_selector_all(
        "#feed .feed-item a", "links => [...new Set(links.map(a => getComputedStyle(a).minHeight))]"
    )
    assert floors in (["auto"], ["0px"]), floors
