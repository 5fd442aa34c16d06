"""The teacher pages as laid out in the browser: a student's answers keep their words whole, the
common wrong answers are as readable as their counts, and a class grid of many chapters uses a
wide screen (and scrolls in its box, its student column held, when it truly does not fit)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from quiz import content, services
from quiz.models import Chapter, Question
from reporting import selectors
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.steps import (
    JS,
    busiest_student,
    demo_chapter,
    demo_class,
    demo_question_page,
    demo_teacher_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

LONG_ANSWER = "7" * 300  # typed without a space: it must wrap, not stretch the table


def give_a_long_answer_and_a_reveal(student_id: int) -> None:
    """A wrong answer of 300 digits to an open question, then a shown answer."""
    student = demo_class().students.get(pk=student_id)
    chapter = demo_chapter()
    quiz = services.start_quiz(actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4()).quiz
    for _ in range(20):
        if quiz.status != "question_open":
            quiz = services.next_question(
                actor=student, quiz_id=quiz.id, command_id=uuid.uuid4()
            ).quiz
        assert quiz.question is not None
        if quiz.question.kind == "open":
            break
        quiz = services.reveal_answer(actor=student, quiz_id=quiz.id, command_id=uuid.uuid4()).quiz
    services.answer_question(
        actor=student, quiz_id=quiz.id, answer=LONG_ANSWER, command_id=uuid.uuid4()
    )
    quiz = services.next_question(actor=student, quiz_id=quiz.id, command_id=uuid.uuid4()).quiz
    services.reveal_answer(actor=student, quiz_id=quiz.id, command_id=uuid.uuid4())
    call_command("projections", "catch-up", stdout=io.StringIO())


# Per answer cell: its text, and on how many lines each of its words lies (a word broken in two
# lies on two). A word is a run without a space; the long run is left out (it may break).
ANSWER_WORDS = """cells => cells.map(cell => {
    const words = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest(".long-run")) continue;
        for (const match of node.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            words.push([match[0], tops.size]);
        }
    }
    return {text: cell.textContent, words};
})"""


def answer_cells_at(page: Any, widths: tuple[int, ...]) -> dict[int, list[dict[str, Any]]]:
    """The answer cells' words, at each of these window widths; asserting that no word is broken
    in two and that the table stays in its box (nothing to scroll to sideways)."""
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        cells = page.eval_on_selector_all(".answers td.given", ANSWER_WORDS)
        broken = [(word, lines) for cell in cells for word, lines in cell["words"] if lines > 1]
        assert not broken, (width, broken)
        box = page.eval_on_selector(
            ".answers", "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
        )
        assert box[0] <= box[1], (width, box)
        found[width] = cells
    return found


def test_a_students_answers_never_break_a_word_and_stay_in_their_box(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    """ "revealed" read "reveale / d" at 1280 px: the whole cell could break anywhere, so the
    table squeezed its column to a letter. Only a run too long to keep whole may break now."""
    # given the busiest student of the demo class, with answers to questions long and short
    student = busiest_student(demo_class())
    page = demo_teacher_page(new_page, login)
    page.goto(f"/teacher/students/{student}/?all=1")
    # then on a wide screen, a laptop, a tablet and a phone every answer's words are whole
    answer_cells_at(page, (1920, WIDE, 1024, NARROW))
    # and when the student typed 300 digits without a space, and revealed an answer
    give_a_long_answer_and_a_reveal(student)
    page.reload()
    for width, cells in answer_cells_at(page, (1920, WIDE, 1024, NARROW)).items():
        texts = {cell["text"] for cell in cells}
        # then that answer wraps, and every other word is still whole
        assert "revealed" in texts and LONG_ANSWER in texts, width
    snap(page, "teacher-student-answers-words")


FONT_SIZES = """items => items.map(item => [
    parseFloat(getComputedStyle(item.querySelector("code")).fontSize),
    parseFloat(getComputedStyle(item).fontSize),
])"""


def test_the_common_wrong_answers_are_as_large_as_their_counts(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page = demo_question_page(new_page, login)
    sizes = page.eval_on_selector_all(".questions .wrong > li", FONT_SIZES)
    assert sizes
    assert all(answer >= count for answer, count in sizes), sizes


def add_chapters(how_many: int) -> None:
    """More chapters with a live question each, in the demo's course: a column each in the grid."""
    first = demo_chapter()
    for n in range(how_many):
        chapter = Chapter.objects.create(
            course=first.course, title=f"Extra chapter {n + 1}", order=100 + n
        )
        content.create_question(
            chapter=chapter,
            kind="open",
            text="What is 1 + 1?",
            choices=None,
            accepted_answers=["2"],
            worked_answer="2",
        )


GRID_BOX = """wrap => {
    const name = wrap.querySelector("tbody th[scope=row]").getBoundingClientRect();
    return {scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth,
            left: wrap.getBoundingClientRect().left, nameLeft: name.left};
}"""


def test_a_grid_of_many_chapters_uses_a_wide_screen_and_scrolls_only_when_it_must(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    # given a class grid of at least 7 chapters
    add_chapters(3)
    classroom = demo_class()
    page = demo_teacher_page(new_page, login, width=1920)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    assert page.locator("#grid thead th.chapter-head").count() >= 7
    # then on a wide screen it fits: no scrolling sideways in its box
    box = page.eval_on_selector("#grid-wrap", GRID_BOX)
    assert box["scrollWidth"] <= box["clientWidth"], box
    # and its box, with nothing to scroll, is no Tab stop (no focus frame round the whole table)
    assert page.eval_on_selector("#grid-wrap", "wrap => wrap.tabIndex") == -1
    # and where it does not fit, its box scrolls with the students' names held at its edge
    page.set_viewport_size({"width": WIDE, "height": 900})
    box = page.eval_on_selector("#grid-wrap", GRID_BOX)
    assert box["scrollWidth"] > box["clientWidth"], box
    # and is a Tab stop again, so a keyboard can scroll it
    page.wait_for_function("() => document.getElementById('grid-wrap').tabIndex === 0")
    page.keyboard.press("Tab")  # from the last link before the table to its box
    page.focus("#grid-wrap")
    assert page.evaluate("() => document.activeElement.id") == "grid-wrap"
    page.eval_on_selector("#grid-wrap", "wrap => { wrap.scrollLeft = 300; }")
    box = page.eval_on_selector("#grid-wrap", GRID_BOX)
    assert abs(box["nameLeft"] - box["left"]) <= 2, box
    snap(page, "teacher-class-many-chapters")
    # and the other teacher pages keep their reading width
    page.set_viewport_size({"width": 1920, "height": 900})
    page.goto("/teacher/")
    assert page.locator("main").bounding_box()["width"] <= 72 * 16 + 1


STICKY_HEAD = """wrap => {
    const head = wrap.querySelector("thead th").getBoundingClientRect();
    const shown = document.elementFromPoint(head.left + 4, head.top + head.height / 2);
    return {left: wrap.getBoundingClientRect().left, headLeft: head.left,
            onTop: Boolean(shown && shown.closest("thead th") === wrap.querySelector("thead th"))};
}"""


def test_a_grid_scrolled_sideways_on_a_phone_holds_its_student_head_over_the_chapters(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    classroom = demo_class()
    page = demo_teacher_page(new_page, login, width=NARROW)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    # when the teacher scrolls the grid sideways
    page.eval_on_selector("#grid-wrap", "wrap => { wrap.scrollLeft = 250; }")
    # then the "Student" head stays at the box's edge, over the chapters' heads passing under it
    head = page.eval_on_selector("#grid-wrap", STICKY_HEAD)
    assert abs(head["headLeft"] - head["left"]) <= 2 and head["onTop"], head
    snap(page, "teacher-class-phone-scrolled")


FEED_LEFTS = """items => items.map(item => [
    item.className, Math.round(item.querySelector("time").getBoundingClientRect().left)])"""


def test_the_feeds_items_line_up_with_a_bar_or_without(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    classroom = demo_class()
    page = demo_teacher_page(new_page, login)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    items = page.eval_on_selector_all("#feed .feed-item", FEED_LEFTS)
    assert any("good" in kind or "bad" in kind for kind, _ in items), items
    # a right or wrong answer's bar does not push its item's text to the right of the others
    assert len({left for _, left in items}) == 1, items


WRONG_LINES = """items => items.map(item => {
    const top = el => Math.round(el.getBoundingClientRect().top);
    return {answer: item.querySelector("code").textContent,
            code: top(item.querySelector("code")), times: top(item.querySelector(".times")),
            students: top(item.querySelector(".students"))};
})"""


def test_the_question_table_keeps_its_heads_and_short_wrong_answers_on_one_line(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page = demo_question_page(new_page, login)
    # "Discrimination" is one word on one line, not "Discrim- / ination"
    head = page.locator(".questions thead th", has_text="Discrimination")
    assert head.evaluate("th => th.textContent") == "Discrimination"
    # a short wrong answer, how often and by how many students: one line
    lines = page.eval_on_selector_all(".questions .wrong > li", WRONG_LINES)
    short = [line for line in lines if len(line["answer"]) <= 5]
    assert short, lines
    for line in short:
        tops = (line["code"], line["times"], line["students"])
        assert max(tops) - min(tops) <= 8, line  # a few pixels apart on one line: sizes differ
    # and the table still fits its box
    box = page.eval_on_selector(
        ".questions", "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
    )
    assert box[0] <= box[1], box


# Per chart: its box, and each label shown (on a phone some are hidden) with its text's own box
# (a label is wider than a phone's column: its text reaches past its span) and its bar's middle.
CHART_LABELS = """figure => {
    const box = figure.getBoundingClientRect();
    const bars = [...figure.querySelectorAll("rect.bar")];
    const labels = [...figure.querySelectorAll(".chart-labels span")].flatMap((span, i) => {
        if (!span.textContent || getComputedStyle(span).visibility === "hidden") return [];
        const range = document.createRange();
        range.selectNodeContents(span);
        const text = range.getBoundingClientRect();
        const bar = bars[i].getBoundingClientRect();
        return [{text: span.textContent, left: text.left, right: text.right,
                 middle: (text.left + text.right) / 2, bar: bar.left + bar.width / 2}];
    });
    return {left: box.left, right: box.right, labels};
}"""


def test_a_charts_labels_sit_under_their_bars_inside_the_chart(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    """The last day's label was flush with the chart's right edge (and the first with its left),
    where it read as the axis's end rather than a bar's day."""
    classroom, chapter = demo_class(), demo_chapter()
    page = demo_teacher_page(new_page, login)
    pages = (
        f"/teacher/classes/{classroom.pk}/",
        f"/teacher/students/{busiest_student(classroom)}/",
        f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}",
    )
    for path in pages:
        page.goto(path)
        for width in (NARROW, WIDE):
            page.set_viewport_size({"width": width, "height": 900})
            for chart in page.eval_on_selector_all("figure.chart", f"fs => fs.map({CHART_LABELS})"):
                labels = chart["labels"]
                assert len(labels) >= 2, (path, width, chart)
                for label in labels:
                    # then every label is centred under its bar, the first and the last too
                    assert abs(label["middle"] - label["bar"]) <= 1.5, (path, width, label)
                    # and lies wholly inside the chart: not cut at (nor flush with) its edges
                    assert label["left"] >= chart["left"] + 4, (path, width, label)
                    assert label["right"] <= chart["right"] - 4, (path, width, label)


FOCUS = """() => {
    const focused = document.activeElement;
    const box = focused.getBoundingClientRect();
    const after = id => Boolean(
        document.getElementById(id).compareDocumentPosition(focused)
        & Node.DOCUMENT_POSITION_FOLLOWING
    ) && !document.getElementById(id).contains(focused);
    return {text: focused.textContent.trim(), id: focused.id, width: box.width,
            height: box.height, afterGrid: after("grid"), afterFeed: after("feed")};
}"""


@JS
@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_a_keyboard_user_skips_past_the_grid_and_the_feed(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    js: bool,
    width: int,
) -> None:
    """Past the grid's 30-odd students a keyboard user tabbed through every name and chapter."""
    classroom = demo_class()
    page = demo_teacher_page(new_page, login, width=width, js=js)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    hidden = page.locator(".skip-past").first.bounding_box()
    assert hidden is not None and hidden["width"] <= 1  # out of sight until reached
    # when a keyboard user tabs on from the downloads (past "Pause live updates", with scripts)
    page.get_by_role("link", name="Download Excel").focus()
    page.keyboard.press("Tab")
    if js:
        page.keyboard.press("Tab")
    # then the next stop, before the grid's order form, is a link past the grid, shown while it
    # has the focus
    focus = page.evaluate(FOCUS)
    assert focus["text"] == "Skip past the grid" and not focus["afterGrid"], focus
    assert focus["width"] > 100 and focus["height"] >= 24, focus
    # and Enter takes them after the grid, to the live feed's heading
    page.keyboard.press("Enter")
    focus = page.evaluate(FOCUS)
    assert focus["id"] == "feed-title" and focus["afterGrid"], focus
    # where the next stop skips past the feed, to the chart's heading
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert focus["text"] == "Skip past the live feed" and focus["width"] > 100, focus
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS)["id"] == "chart-title"
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert focus["afterFeed"] and focus["afterGrid"], focus
    # and the links are out of sight again
    boxes = [link.bounding_box() for link in page.locator(".skip-past").all()]
    assert len(boxes) == 2 and all(box and box["width"] <= 1 for box in boxes), boxes


# Each piece of the feed kept whole: its text, and on how many lines it lies. Found and measured
# in one evaluation: the feed is replaced every 2 s, and a piece found before a refresh and
# measured after it lies on no line at all.
UNBROKEN = """() => [...document.querySelectorAll("#feed .unbroken")].map(piece => [
    piece.textContent, new Set([...piece.getClientRects()].map(r => Math.round(r.top))).size])"""


def test_a_sum_in_the_feed_never_wraps_inside(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    """The feed broke "Solve for x: x + 7 = 12" as "Solve for x: x / + 7 = 12"."""
    # given a feed whose newest questions hold sums of a few lengths
    classroom = demo_class()
    asked = [i.question_id for i in selectors.feed(classroom.pk, limit=30) if i.question_id]
    sums = ("x + 7 = 12", "3(x + 1) = 2(x + 4)", "1 1/2 + 2 3/4")
    for question, text in zip(dict.fromkeys(asked), sums, strict=False):
        revision = Question.objects.get(pk=question).revisions.order_by("-revision").first()
        assert revision is not None
        content.revise_question(
            question=revision.question,
            text=f"Solve for x, and then check it: {text}",
            choices=revision.choices or None,
            accepted_answers=revision.accepted_answers,
            worked_answer=revision.worked_answer,
        )
    page = demo_teacher_page(new_page, login)
    page.goto(f"/teacher/classes/{classroom.pk}/")
    # then at every width from a small phone's to a desktop's, each sum lies on one line
    for width in range(320, WIDE + 1, 16):
        page.set_viewport_size({"width": width, "height": 900})
        pieces = page.evaluate(UNBROKEN)
        assert {text for text, _ in pieces} >= set(sums), (width, pieces)
        assert all(lines == 1 for _, lines in pieces), (width, pieces)
        # and the page still fits the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
