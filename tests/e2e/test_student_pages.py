"""A student practises a chapter in a real browser, with and without JavaScript (and their teacher
reads the quiz, with nothing to press)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from quiz import selectors
from studyflow.models import Classroom
from tests.e2e.accessibility import AxeCheck
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.steps import JS, double_click, quiz_id_of, start_chapter, wait_for_status
from tests.pages_data import (
    PASSWORD,
    WRONG,
    answer_events,
    make_chapter,
    make_student,
    make_user,
    right_answer,
)

pytestmark = pytest.mark.django_db(transaction=True)


def panel_status(page: Any) -> str:
    return str(page.locator("#quiz-panel").get_attribute("data-status"))


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def submit_answer(page: Any, text: str) -> None:
    """Type an answer and press Enter, as a keyboard user does (focus starts in the field).

    htmx moves focus to the new field when the swap settles, a moment after the swap: wait for it.
    """
    page.wait_for_selector("#answer:focus")
    assert focused_id(page) == "answer"
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def press_next(page: Any) -> None:
    """Focus lands on "Next question" after an answer: Enter goes on."""
    page.wait_for_selector(".next-form button:focus")
    page.keyboard.press("Enter")
    wait_for_status(page, "question_open")


def summary_rows(page: Any) -> list[int]:
    """How many figures each row of the passed card's summary holds, top to bottom."""
    tops = page.eval_on_selector_all(
        ".summary > div", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    return [tops.count(top) for top in sorted(set(tops))]


def start_a_quiz(
    new_page: Callable[..., Any], login: Callable[..., None], *, js: bool
) -> tuple[Any, Any, uuid.UUID]:
    """A new student, logged in, on a new chapter's quiz with its first question open:
    (the page, the student, the quiz id)."""
    student = make_student()
    chapter = make_chapter()
    page = new_page(js=js)
    login(page, student.username, PASSWORD)
    start_chapter(page, chapter.pk)
    return page, student, quiz_id_of(page)


def test_the_quiz_column_is_centred_on_a_wide_screen_and_fills_a_phone(
    new_page: Callable[..., Any], login: Callable[..., None], snap: Callable[..., None]
) -> None:
    # given a student on a quiz, on a laptop's screen
    page, _, _ = start_a_quiz(new_page, login, js=True)
    page.set_viewport_size({"width": WIDE, "height": 900})

    def box(selector: str) -> dict[str, float]:
        found = page.locator(selector).bounding_box()
        assert found, selector
        return found

    # then the quiz's column (the way back, the panel) stands in the middle of the page, as the
    # log-in card and the dashboard's chapters do, not at the left with the right half empty
    panel, crumb = box("#quiz-panel"), box(".crumb")
    left, right = panel["x"], WIDE - (panel["x"] + panel["width"])
    assert panel["width"] < WIDE / 2 + 100  # a column for reading, not the page's width
    assert abs(left - right) <= 20, (left, right)  # a scroll bar's width apart at most
    assert abs(crumb["x"] - panel["x"]) <= 1 and crumb["width"] <= panel["width"] + 1
    snap(page, "quiz-wide")
    # and on a phone it still takes the width, as before
    page.set_viewport_size({"width": NARROW, "height": 900})
    panel, main = box("#quiz-panel"), box("main")
    assert abs(panel["width"] - (main["width"] - 32)) <= 1, (panel, main)  # main's padding
    assert panel["x"] <= 17


def dashboard_status(page: Any, chapter_id: int, expected: str, timeout: float = 30.0) -> str:
    """Poll the dashboard until the progress read model has caught up."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        call_command("projections", "catch-up", "progress")
        page.goto("/dashboard/")
        status = str(page.locator(f"#chapter-{chapter_id}").get_attribute("data-status"))
        if status == expected:
            break
        time.sleep(0.2)
    return status


@JS
def test_a_student_practises_a_chapter_until_it_passes(
    new_page: Callable[..., Any], login: Callable[..., None], snap: Callable[..., None], js: bool
) -> None:
    student = make_student()
    chapter = make_chapter(title="Adding halves", streak_goal=3)
    mode = "js" if js else "nojs"
    page = new_page(js=js)

    page.goto("/login/")
    snap(page, f"{mode}-01-login")
    login(page, student.username, "wrong password")
    assert page.get_by_role("alert").inner_text().startswith("That username and password don")
    snap(page, f"{mode}-02-login-error")
    login(page, student.username, PASSWORD)
    assert page.url.endswith("/dashboard/")
    assert page.locator(f"#chapter-{chapter.pk}").get_attribute("data-status") == "not_started"
    snap(page, f"{mode}-03-dashboard")

    start_chapter(page, chapter.pk)
    quiz_id = quiz_id_of(page)
    assert page.get_by_text("A decimal comma is fine").is_visible()
    assert page.locator(".streak .visually-hidden").inner_text() == (
        "Streak: 0 of 3 correct in a row"
    )
    snap(page, f"{mode}-04-question")

    # An empty answer is refused on the form, and nothing is sent.
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer-error")
    assert page.locator("#answer-error").inner_text() == "Type an answer first."
    assert answer_events(quiz_id) == []
    snap(page, f"{mode}-05-empty-answer")

    # Right once (with a Dutch decimal comma), then wrong: the streak starts over.
    page.locator("#answer").focus()
    submit_answer(page, right_answer(quiz_id, comma=True))
    wait_for_status(page, "answered_correctly")
    assert "1 of 3 in a row" in page.locator("#result").inner_text()
    assert page.locator(".dot.filled").count() == 1
    snap(page, f"{mode}-06-right")
    press_next(page)
    submit_answer(page, WRONG)
    wait_for_status(page, "answered_incorrectly")
    assert re.search(r"streak (starts over|starts again)", page.locator("#result").inner_text())
    assert page.locator(".dot.filled").count() == 0
    snap(page, f"{mode}-07-wrong")
    press_next(page)

    # Show the answer.
    page.get_by_role("button", name="Show the answer").click()
    wait_for_status(page, "answer_revealed")
    assert "plus a half makes" in page.locator("#worked-answer").inner_text()
    snap(page, f"{mode}-08-revealed")
    press_next(page)

    # streak_goal right in a row passes the chapter.
    for n in range(1, 4):
        submit_answer(page, right_answer(quiz_id))
        if n < 3:
            wait_for_status(page, "answered_correctly")
            assert page.locator(".dot.filled").count() == n
            press_next(page)
    wait_for_status(page, "passed")
    assert page.get_by_role("heading", name="You passed this chapter!").is_visible()
    summary = page.locator(".summary").inner_text()
    assert "Questions answered\n5" in summary  # the shown answer apart, as teachers count
    assert "Wrong answers\n1" in summary and "Answers shown\n1" in summary
    assert page.title() == "Passed: Adding halves · Studyflow"  # with htmx too, without a reload
    # Its four figures in one row on a desktop and two by two on a phone, none left alone.
    assert summary_rows(page) == [4]
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert summary_rows(page) == [2, 2]
    page.set_viewport_size({"width": WIDE, "height": 900})
    snap(page, f"{mode}-09-passed")

    # The way back to the chapters has the focus; beside it, the chapter can be practised again:
    # a fresh quiz, its streak at 0, at an address of its own.
    page.wait_for_selector(".passed-actions a:focus")
    assert page.locator(".passed-actions a:focus").inner_text() == "Back to my chapters"
    with page.expect_navigation():
        page.get_by_role("button", name="Practise again").click()
    wait_for_status(page, "question_open")
    assert quiz_id_of(page) != quiz_id
    assert page.locator(".streak .visually-hidden").inner_text() == (
        "Streak: 0 of 3 correct in a row"
    )
    assert page.locator(".dot.filled").count() == 0
    assert page.title() == "Adding halves · Studyflow"
    snap(page, f"{mode}-10-practise-again")

    # Back is the passed quiz, as it was; from there, back to the chapters.
    page.go_back()
    wait_for_status(page, "passed")
    page.get_by_role("link", name="Back to my chapters").click()
    page.wait_for_url("**/dashboard/")
    assert dashboard_status(page, chapter.pk, "passed") == "passed"  # practising keeps it passed
    snap(page, f"{mode}-11-dashboard-passed")


@JS
def test_a_double_click_answers_once(
    new_page: Callable[..., Any], login: Callable[..., None], js: bool
) -> None:
    page, _, quiz_id = start_a_quiz(new_page, login, js=js)
    page.locator("#answer").fill(WRONG)
    answers: list[str] = []
    page.on("request", lambda r: answers.append(r.url) if r.method == "POST" else None)
    double_click(page, page.locator(".answer-form button"))
    wait_for_status(page, "answered_incorrectly")
    page.wait_for_load_state("networkidle")
    # with JS, htmx drops the second (hx-sync="this:drop"); without, the server gets both
    assert len(answers) == (1 if js else 2)
    assert len(answer_events(quiz_id)) == 1
    assert page.locator(".messages").count() == 0  # no "out of date" note for a double click


@JS
def test_a_double_click_on_start_is_one_command(
    new_page: Callable[..., Any], login: Callable[..., None], settings: Any, js: bool
) -> None:
    # given a site that allows two quiz commands a day
    settings.COMMAND_THROTTLE_RATE = "2/day"
    student, chapter = make_student(), make_chapter()
    page = new_page(js=js)
    login(page, student.username, PASSWORD)
    starts: list[str] = []
    page.on("request", lambda r: starts.append(r.url) if r.url.endswith("/start/") else None)
    # when the student double-clicks Start
    double_click(page, page.locator(f"#chapter-{chapter.pk} button"))
    wait_for_status(page, "question_open")
    page.wait_for_load_state("networkidle")
    assert len(starts) == 2  # the browser did send the form twice
    # then that was one command: one quiz, and the answer after it is the second command
    quiz_id = quiz_id_of(page)
    assert list(selectors.quiz_ids_of(student.pk)) == [str(quiz_id)]
    submit_answer(page, WRONG)
    wait_for_status(page, "answered_incorrectly")
    assert len(answer_events(quiz_id)) == 1


@JS
def test_a_double_click_on_practise_again_is_one_quiz(
    new_page: Callable[..., Any], login: Callable[..., None], js: bool
) -> None:
    # given a student on the card of a chapter they just passed
    student, chapter = make_student(), make_chapter(streak_goal=1)
    page = new_page(js=js)
    login(page, student.username, PASSWORD)
    start_chapter(page, chapter.pk)
    passed = quiz_id_of(page)
    page.locator("#answer").fill(right_answer(passed))
    page.get_by_role("button", name="Check").click()
    wait_for_status(page, "passed")
    starts: list[str] = []
    page.on("request", lambda r: starts.append(r.url) if r.url.endswith("/start/") else None)
    # when they double-click Practise again
    double_click(page, page.get_by_role("button", name="Practise again"))
    wait_for_status(page, "question_open")
    page.wait_for_load_state("networkidle")
    assert len(starts) == 2  # the browser did send the form twice
    # then that started one quiz
    fresh = quiz_id_of(page)
    assert sorted(selectors.quiz_ids_of(student.pk)) == sorted([str(passed), str(fresh)])


def test_the_back_button_shows_the_quiz_as_it_is_without_js(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page, _, quiz_id = start_a_quiz(new_page, login, js=False)
    page.locator("#answer").fill(WRONG)
    page.locator("#answer").press("Enter")
    wait_for_status(page, "answered_incorrectly")
    page.get_by_role("button", name="Next question").click()
    wait_for_status(page, "question_open")
    version = page.locator("#quiz-panel").get_attribute("data-version")

    # Back lands on an entry that showed the wrong answer: it is fetched again and shows the quiz
    # as it is now (the new open question), never the old page.
    page.go_back()
    wait_for_status(page, "question_open")
    assert page.locator("#quiz-panel").get_attribute("data-version") == version
    page.go_back()
    wait_for_status(page, "question_open")
    assert page.locator("#quiz-panel").get_attribute("data-version") == version
    # Answering there answers the question on screen, once.
    page.locator("#answer").fill(right_answer(quiz_id))
    page.locator("#answer").press("Enter")
    wait_for_status(page, "answered_correctly")
    assert len(answer_events(quiz_id)) == 2


def test_the_back_button_with_js_leaves_and_comes_back_to_the_current_quiz(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page, _, quiz_id = start_a_quiz(new_page, login, js=True)
    submit_answer(page, WRONG)
    wait_for_status(page, "answered_incorrectly")
    press_next(page)
    version = page.locator("#quiz-panel").get_attribute("data-version")
    page.go_back()  # htmx swaps do not add history entries: back is the dashboard
    page.wait_for_url("**/dashboard/")
    page.go_forward()
    wait_for_status(page, "question_open")
    assert page.locator("#quiz-panel").get_attribute("data-version") == version
    assert len(answer_events(quiz_id)) == 1


def test_a_stale_tab_does_not_answer_the_new_question(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    first, _, quiz_id = start_a_quiz(new_page, login, js=True)
    second = first.context.new_page()
    second.goto(first.url)
    wait_for_status(second, "question_open")

    submit_answer(first, WRONG)
    wait_for_status(first, "answered_incorrectly")
    press_next(first)

    second.locator("#answer").fill(WRONG)
    second.locator("#answer").press("Enter")
    second.wait_for_selector(".message.warning")
    assert "out of date" in second.locator(".message.warning").inner_text()
    assert panel_status(second) == "question_open"
    assert len(answer_events(quiz_id)) == 1


@JS
def test_an_answer_sent_after_logging_out_in_another_tab_leads_back_to_the_quiz(
    new_page: Callable[..., Any], login: Callable[..., None], js: bool
) -> None:
    page, student, quiz_id = start_a_quiz(new_page, login, js=js)
    other = page.context.new_page()
    other.goto("/dashboard/")
    with other.expect_navigation():
        other.get_by_role("button", name="Log out").click()

    page.locator("#answer").fill(WRONG)
    page.locator("#answer").press("Enter")
    # With htmx the log-in page must load as a page, not inside the quiz panel.
    page.wait_for_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(student.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/quizzes/{quiz_id}/")
    wait_for_status(page, "question_open")
    assert answer_events(quiz_id) == []


def test_focus_reads_the_question_and_a_choice_is_named_by_its_letter(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    # given a student on a multiple-choice chapter
    student = make_student()
    chapter = make_chapter(kind="choice")
    page = new_page()
    login(page, student.username, PASSWORD)
    start_chapter(page, chapter.pk)
    # then where focus starts, the question is read with it (after "Next" nothing else says it)
    page.wait_for_selector("fieldset.choices:focus")
    described = page.evaluate("document.activeElement.getAttribute('aria-describedby')").split()
    assert "question-text" in described
    assert page.locator("#question-text").inner_text().startswith("Which is")
    # and each choice is named with its letter, as the worked answer and a voice command name it
    assert page.get_by_role("button", name=re.compile(r"^A\s*:\s*\d+$")).count() == 1
    assert page.get_by_role("button", name=re.compile(r"^B\s*:\s*\d+$")).count() == 1
    # and a choice sent when the server fails keeps the keyboard user's place
    page.route("**/answer/", lambda route: route.fulfill(status=500, body="broken"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "B"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#quiz-alert').innerText.length > 0")
    page.wait_for_function("() => document.activeElement.value === 'B'")


def test_an_answer_that_does_not_go_through_says_so(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page, _, quiz_id = start_a_quiz(new_page, login, js=True)
    alert = page.locator("#quiz-alert")
    assert alert.inner_text() == ""
    # when the server fails the answer
    page.route("**/answer/", lambda route: route.fulfill(status=500, body="broken"))
    submit_answer(page, WRONG)
    # then the student is told, and nothing was answered
    page.wait_for_function("() => document.querySelector('#quiz-alert').innerText.length > 0")
    assert alert.inner_text() == "That did not go through. Please try again."
    assert alert.get_attribute("role") == "alert"
    assert panel_status(page) == "question_open" and answer_events(quiz_id) == []
    # when the connection is lost
    page.unroute("**/answer/")
    page.route("**/answer/", lambda route: route.abort())
    page.locator("#answer").press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#quiz-alert').innerText.includes('could not be reached')"
    )
    # when the session has ended (the server refuses the request): trying again won't do
    page.unroute("**/answer/")
    page.route("**/answer/", lambda route: route.fulfill(status=403, body="no"))
    page.locator("#answer").press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#quiz-alert').innerText.includes('expired')"
    )
    # and when it goes through again, the alert is gone
    page.unroute("**/answer/")
    page.locator("#answer").press("Enter")
    wait_for_status(page, "answered_incorrectly")
    assert alert.inner_text() == ""
    assert len(answer_events(quiz_id)) == 1


@JS
def test_an_answer_over_the_command_limit_waits_in_its_box(
    new_page: Callable[..., Any], login: Callable[..., None], settings: Any, js: bool
) -> None:
    # given a site that allows one quiz command a day, used up by starting the quiz
    settings.COMMAND_THROTTLE_RATE = "1/day"
    page, _, quiz_id = start_a_quiz(new_page, login, js=js)
    # when the student answers
    submit_answer(page, "42")
    # then they are told to wait, nothing is sent, and their answer is still in its box
    message = page.get_by_text("Too many answers and clicks in a short time")
    message.wait_for()
    assert message.is_visible()
    assert page.locator("#answer").input_value() == "42"
    assert panel_status(page) == "question_open" and answer_events(quiz_id) == []
    # and once the limit allows it again, the same answer goes through
    settings.COMMAND_THROTTLE_RATE = "0"
    page.locator("#answer").press("Enter")
    wait_for_status(page, "answered_incorrectly")
    assert len(answer_events(quiz_id)) == 1


def test_their_teacher_reads_the_quiz_with_nothing_to_press(
    new_page: Callable[..., Any], login: Callable[..., None], snap: Callable[..., None]
) -> None:
    # given a student who answered their quiz's first question wrong and opened a quiz of
    # choices, and their teacher
    page, student, quiz_id = start_a_quiz(new_page, login, js=True)
    submit_answer(page, WRONG)
    wait_for_status(page, "answered_incorrectly")
    choices = make_chapter(kind="choice")
    page.goto("/dashboard/")
    start_chapter(page, choices.pk)
    choice_quiz_id = quiz_id_of(page)
    teacher = make_user("t-reads-quiz", group="teachers")
    Classroom.objects.get(students=student).teachers.add(teacher)
    reader = new_page(js=True)
    errors: list[str] = []
    reader.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    reader.on("pageerror", lambda e: errors.append(str(e)))
    reader.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    login(reader, teacher.username, PASSWORD)

    # when the teacher opens the student's quiz
    reader.goto(f"/quizzes/{quiz_id}/")
    wait_for_status(reader, "answered_incorrectly")

    # then they see what the student sees, with no form or button in it, and whose quiz it is
    main = reader.locator("main")
    assert main.locator("form").count() == 0 and main.locator("button").count() == 0
    assert main.locator("input, textarea").count() == 0
    assert reader.locator(".result.bad").is_visible()
    note = reader.locator("#onlooker-note").inner_text()
    assert note.startswith(f"Quiz of {student.first_name}, ")
    assert note.endswith("you are seeing it as their teacher; only they can answer.")
    assert reader.get_by_role("link", name="My chapters").count() == 0
    snap(reader, "teacher-reads-a-quiz")
    axe = AxeCheck()
    axe.check(reader, "quiz read by their teacher, a wrong answer")
    # and a question of choices shows its choices, none of them to press
    reader.goto(f"/quizzes/{choice_quiz_id}/")
    wait_for_status(reader, "question_open")
    assert reader.locator("main button, main form").count() == 0
    assert reader.locator(".choices.read-only .choice").count() == 2
    axe.check(reader, "quiz read by their teacher, a question of choices")
    axe.assert_no_violations()
    # and nothing went wrong in the browser
    assert errors == []
    reader.goto(f"/quizzes/{quiz_id}/")

    # when they follow the way back, they are on the student's page
    with reader.expect_navigation():
        reader.get_by_role("link", name=f"← {student.first_name}").click()
    assert reader.url.endswith(f"/teacher/students/{student.pk}/")
    assert errors == []
