"""The pages on a phone (375 px) and on a desktop: the header, pages whose tables scroll, the
question difficulty table and a student's chapters and answers as cards, the class page's toolbar
and sort form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.steps import (
    busiest_student,
    demo_chapter,
    demo_class,
    demo_question_page,
    demo_teacher_page,
)

pytestmark = pytest.mark.django_db(transaction=True)


def line_count(tops: list[int]) -> int:
    """How many lines items at these tops take (items of one line differ by a few pixels only)."""
    lines: list[int] = []
    for top in sorted(tops):
        if not lines or top - lines[-1] > 8:
            lines.append(top)
    return len(lines)


def header_lines(page: Any) -> int:
    """How many lines the header's brand, name and links take."""
    return line_count(
        page.eval_on_selector_all(
            ".site-header .brand, .site-header .site-user, .site-header nav > *",
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))",
        )
    )


def test_a_teachers_header_takes_two_lines_on_a_phone_and_one_on_a_desktop(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    page = demo_teacher_page(new_page, login, width=NARROW)
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
    page = demo_teacher_page(new_page, login, width=NARROW)
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
    page = demo_question_page(new_page, login, width=NARROW)
    assert page.locator(".questions .wrong details.who").count() > 0
    snap(page, "teacher-question-difficulty")  # fails if the page scrolls sideways at 375 px


def table_roles(page: Any) -> dict[str, int]:
    """How many tables, rows, header cells and cells chromium's accessibility tree holds: what a
    screen reader is given, after the page's CSS (a table laid out as blocks may lose them)."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    counts = dict.fromkeys(("table", "row", "columnheader", "rowheader", "cell"), 0)
    for node in nodes:
        role = node.get("role", {}).get("value")
        if role in counts:
            counts[role] += 1
    return counts


QUESTION_ROWS = """rows => rows.map(row => {
    const box = row.getBoundingClientRect();
    const cells = [...row.children].map(cell => cell.getBoundingClientRect());
    return {
        top: box.top, height: box.height,
        questionTop: row.querySelector('.q').getBoundingClientRect().top,
        cellTops: cells.map(cell => cell.top),
        left: Math.min(...cells.map(cell => cell.left)),
        right: Math.max(...cells.map(cell => cell.right)),
    };
})"""


def test_each_question_is_a_card_on_a_phone_and_a_row_on_a_desktop(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """On a phone a question's figures and common wrong answers are under its text, all in view:
    not nine columns, the last far off to the right, stretching every row around a few words."""
    classroom, chapter = demo_class(), demo_chapter()
    page = demo_teacher_page(new_page, login, width=NARROW)
    for url in (
        f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}",
        f"/teacher/chapters/{chapter.pk}/questions/",
    ):
        page.set_viewport_size({"width": NARROW, "height": 900})
        page.goto(url)
        rows = page.eval_on_selector_all(".questions tbody tr", QUESTION_ROWS)
        assert len(rows) >= 5
        # Nothing to scroll to sideways, in the page or in the table's box.
        assert page.eval_on_selector(".questions", "t => t.parentElement.scrollWidth") <= NARROW
        for row in rows:
            assert row["left"] >= 0 and row["right"] <= NARROW, row
            # The question heads its card: not in the middle of a tall row.
            assert row["questionTop"] - row["top"] < 24, row
        # Each figure under its column's name: the header row is out of sight.
        assert page.locator(".questions thead").bounding_box()["height"] <= 1
        assert page.locator(".questions td.wrong-cell .wrong li").first.is_visible()
        # A table still, to a screen reader: a row for the header and one for each question.
        roles = table_roles(page)
        assert roles["table"] >= 1 and roles["row"] >= len(rows) + 1, roles
        assert roles["columnheader"] >= 10 and roles["rowheader"] >= len(rows), roles

        page.set_viewport_size({"width": WIDE, "height": 900})
        rows = page.eval_on_selector_all(".questions tbody tr", QUESTION_ROWS)
        for row in rows:  # one line of cells per question, as a table
            assert max(row["cellTops"]) - min(row["cellTops"]) <= 2, row
        assert page.locator(".questions thead").bounding_box()["height"] > 20
    snap(page, "teacher-question-cards")


def test_the_class_toolbar_takes_at_most_two_lines_on_a_phone(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """Download CSV, Download Excel and Pause: two lines on a phone (not a full line each, before
    the table), one on a desktop; each still big enough to tap."""
    classroom = demo_class()
    page = demo_teacher_page(new_page, login, width=NARROW)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    page.locator("#live-pause").wait_for(state="visible")  # shown by live.js
    buttons = ".actions .btn"
    for width, most in ((NARROW, 2), (WIDE, 1)):
        page.set_viewport_size({"width": width, "height": 900})
        boxes = page.eval_on_selector_all(
            buttons,
            "bs => bs.map(b => [b.getBoundingClientRect().top, b.offsetHeight,"
            " b.getBoundingClientRect().right])",
        )
        assert len(boxes) == 3
        assert line_count([round(top) for top, _, _ in boxes]) <= most, (width, boxes)
        assert all(height >= 44 and right <= width for _, height, right in boxes), (width, boxes)
    snap(page, "teacher-class-toolbar")


CARD_ROWS = """rows => rows.map(row => {
    const cells = [...row.children].map(cell => cell.getBoundingClientRect());
    return {
        left: Math.min(...cells.map(cell => cell.left)),
        right: Math.max(...cells.map(cell => cell.right)),
        cellTops: cells.map(cell => Math.round(cell.top)),
    };
})"""

# Each scroll box of a table: how far its table reaches, and how wide the box is.
SCROLL_BOXES = "wraps => wraps.map(w => [w.scrollWidth, w.clientWidth])"

# The name a cell shows from its data-label (the "/ alt" part of `content` is not shown).
SHOWN_LABELS = """cells => cells.map(cell => [cell.dataset.label,
    getComputedStyle(cell, "::before").content])"""


LABELLED_HEIGHTS = """rows => rows.map(row => Object.fromEntries(
    [...row.querySelectorAll("td[data-label]")].map(
        td => [td.dataset.label, td.getBoundingClientRect().height])))"""


def test_a_students_chapters_and_answers_are_cards_on_a_phone_and_rows_on_a_desktop(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """On a phone a student's page has nothing to scroll sideways to: each chapter and each answer
    is a card, the answer given and how it went in view, not off to the right of its box."""
    student = busiest_student(demo_class())
    page = demo_teacher_page(new_page, login, width=NARROW)
    page.goto(f"/teacher/students/{student}/")
    tables = ":is(.chapter-progress, .answers)"
    assert page.locator(".answers tbody tr.correct, .answers tbody tr.incorrect").count() > 0
    chapters = page.locator(".chapter-progress tbody tr").count()
    answers = page.locator(".answers tbody tr").count()
    assert chapters >= 2 and answers >= 2

    # The table boxes hold their tables: no sideways scrolling inside them either.
    boxes = page.eval_on_selector_all(".table-wrap", SCROLL_BOXES)
    assert len(boxes) == 2 and all(scroll <= client for scroll, client in boxes), boxes
    for row in page.eval_on_selector_all(f"{tables} tbody tr", CARD_ROWS):
        assert row["left"] >= 0 and row["right"] <= NARROW, row
    # Each figure under its column's name: the header rows are out of sight.
    for table in (".chapter-progress", ".answers"):
        assert page.locator(f"{table} thead").bounding_box()["height"] <= 1
    labels = page.eval_on_selector_all(f"{tables} td[data-label]", SHOWN_LABELS)
    assert labels and all(f'"{name}"' in shown for name, shown in labels), labels
    assert {name for name, _ in labels} == {
        "Answers",
        "Mistakes",
        "Best streak",
        "Time",
        "Answer",
        "Result",
        "Took",
    }
    # "Best streak" keeps to one line in a chapter's card: its cell no taller than "Answers".
    heights = page.eval_on_selector_all(".chapter-progress tbody tr", LABELLED_HEIGHTS)
    for row in heights:
        assert abs(row["Best streak"] - row["Answers"]) <= 1, heights
    # Still tables, to a screen reader: a row for each header and each chapter and answer.
    roles = table_roles(page)
    assert roles["table"] >= 2 and roles["row"] >= chapters + answers + 2, roles
    assert roles["columnheader"] >= 12 and roles["rowheader"] >= chapters + answers, roles

    # On a desktop, tables as they were: one line of cells a row, under a visible header.
    page.set_viewport_size({"width": WIDE, "height": 900})
    for row in page.eval_on_selector_all(f"{tables} tbody tr", CARD_ROWS):
        assert max(row["cellTops"]) - min(row["cellTops"]) <= 2, row
    for table in (".chapter-progress", ".answers"):
        assert page.locator(f"{table} thead").bounding_box()["height"] > 20
    # with the heads of the figures at the right, over their figures
    aligns = page.eval_on_selector_all(
        ".chapter-progress thead th", "heads => heads.map(h => getComputedStyle(h).textAlign)"
    )
    assert aligns[2:] == ["right"] * 4, aligns
    snap(page, "teacher-student-cards")


def test_a_student_without_answers_has_one_line_saying_so_on_a_phone(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    """The row saying so spans the card, not the first column's share of it."""
    classroom = demo_class()
    newcomer = get_user_model().objects.create_user("newcomer", first_name="Sam", last_name="Bos")
    newcomer.groups.add(Group.objects.get(name="students"))
    classroom.students.add(newcomer)
    page = demo_teacher_page(new_page, login, width=NARROW)
    page.goto(f"/teacher/students/{newcomer.pk}/")
    empty = page.locator(".answers tbody td[colspan]")
    assert empty.inner_text() == "No answers yet."
    box = empty.bounding_box()
    wrap = page.locator(".answers").bounding_box()
    assert box["width"] >= wrap["width"] - 20, (box, wrap)  # the card's width, not a column's


# Each figure of a question's card: its name from data-label (without the soft hyphen a name may
# have had, to find it in any case), and its cell's height and room.
FIGURE_CELLS = """rows => rows.map(row => Object.fromEntries(
    [...row.querySelectorAll("td[data-label]")].map(cell => [
        cell.dataset.label.replaceAll("\\u00ad", ""),
        {label: cell.dataset.label, height: cell.getBoundingClientRect().height,
         scrollWidth: cell.scrollWidth, clientWidth: cell.clientWidth},
    ])))"""


def test_discrimination_is_not_broken_mid_word_in_a_questions_card_on_a_phone(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    """The name "Discrimination" heads its figure in one piece, not as "Discrim-" over "ination":
    its cell is no taller than the Facility cell beside it, whose name takes one line."""
    classroom, chapter = demo_class(), demo_chapter()
    page = demo_teacher_page(new_page, login, width=NARROW)
    for url in (
        f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}",
        f"/teacher/chapters/{chapter.pk}/questions/",
    ):
        page.goto(url)
        rows = page.eval_on_selector_all(".questions tbody tr", FIGURE_CELLS)
        assert len(rows) >= 5
        for row in rows:
            discrimination, facility = row["Discrimination"], row["Facility"]
            assert discrimination["label"] == "Discrimination", discrimination  # no soft hyphen
            assert discrimination["height"] <= facility["height"] + 1, row
            assert discrimination["scrollWidth"] <= discrimination["clientWidth"], row


def test_the_class_sort_form_takes_at_most_two_lines_on_a_phone(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """Its name, the list of orders, "reverse" and Sort: two lines on a phone (they took three:
    the name, the list and "reverse", then Sort), one on a desktop; each control still labelled
    and big enough to tap."""
    classroom = demo_class()
    page = demo_teacher_page(new_page, login, width=NARROW)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    assert page.get_by_label("Order students by").evaluate("e => e.tagName") == "SELECT"
    assert page.get_by_label("reverse").evaluate("e => e.type") == "checkbox"
    for width, most in ((NARROW, 2), (WIDE, 1)):
        page.set_viewport_size({"width": width, "height": 900})
        items = page.eval_on_selector_all(
            ".sort-form > *",
            "items => items.map(i => { const box = i.getBoundingClientRect();"
            " return {middle: box.top + box.height / 2, height: box.height, right: box.right}; })",
        )
        assert len(items) == 4
        # By their middles: a label's top is below a taller list's top on the same line.
        assert line_count([round(item["middle"]) for item in items]) <= most, (width, items)
        assert all(item["right"] <= width for item in items), (width, items)
        select, button = items[1], items[3]
        assert select["height"] >= 44 and button["height"] >= 44, (width, items)
    snap(page, "teacher-class-sort-form")
