"""Student pages through Django's test client: every page state and every message."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client

from quiz import selectors
from quiz.content import create_question
from quiz.forms import EMPTY_ANSWER, LONG_ANSWER
from quiz.pages import chapter_card
from quiz.views import STALE_PAGE, quizzes
from reporting.models import StudentProgress
from studyflow.models import Classroom
from tests.pages_data import (
    PASSWORD,
    TEN_THOUSAND_QUESTION,
    WRONG,
    answer_events,
    make_chapter,
    make_student,
    make_user,
    quiz_stream,
    right_answer,
)

# Transactional: an event append must be the first write of its transaction, so the test's own
# writes (users, chapters) must be committed before a page appends.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def student() -> Any:
    return make_student()


@pytest.fixture
def chapter() -> Any:
    return make_chapter(title="Adding up", streak_goal=3)


@pytest.fixture
def browser(client: Client, student: Any) -> Client:
    client.force_login(student)
    return client


def hidden(html: str, form_action: str, name: str) -> str:
    """The value of a hidden field in the form posting to `form_action`."""
    form = re.search(rf'<form[^>]*action="{re.escape(form_action)}".*?</form>', html, re.S)
    assert form, f"no form posting to {form_action}"
    value = re.search(rf'name="{name}" value="([^"]*)"', form.group(0))
    assert value, f"no {name} in the form posting to {form_action}"
    return value.group(1)


def start(client: Client, chapter: Any) -> uuid.UUID:
    response = client.post(f"/chapters/{chapter.pk}/start/", {"command_id": uuid.uuid4()})
    assert response.status_code == 302
    match = re.fullmatch(r"/quizzes/([0-9a-f-]+)/", response["Location"])
    assert match, response["Location"]
    return uuid.UUID(match.group(1))


def page(client: Client, quiz_id: uuid.UUID) -> str:
    response = client.get(f"/quizzes/{quiz_id}/")
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    return response.content.decode()


def send(client: Client, quiz_id: uuid.UUID, action: str, **fields: str) -> Any:
    """Post the form the quiz page shows for `action`, as a browser would."""
    html = page(client, quiz_id)
    url = f"/quizzes/{quiz_id}/{action}/"
    data = {
        "command_id": hidden(html, url, "command_id"),
        "version": hidden(html, url, "version"),
        **fields,
    }
    return client.post(url, data)


def answer(client: Client, quiz_id: uuid.UUID, text: str) -> Any:
    response = send(client, quiz_id, "answer", answer=text)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


# --- log in, log out, home ------------------------------------------------------------------------


def test_login_page_has_labelled_fields(client: Client) -> None:
    html = client.get("/login/").content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert "autofocus" in html


def test_bad_credentials_get_a_clear_message(client: Client, student: Any) -> None:
    response = client.post("/login/", {"username": student.username, "password": "nope"})
    assert response.status_code == 200
    assert "username and password don" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # the username stays, and the cursor waits in the password field for another try
    html = response.content.decode()
    assert re.search(r'<input type="password"[^>]* autofocus', html)
    assert not re.search(r'<input type="text" name="username"[^>]* autofocus', html)
    assert html.count('aria-describedby="login-error"') == 2 and 'id="login-error"' in html
    # a username of spaces: its own error, tied to it, and the cursor back in it
    html = client.post("/login/", {"username": "   ", "password": "nope"}).content.decode()
    assert re.search(
        r'name="username"[^>]* autofocus[^>]*aria-describedby="id_username-error"', html
    )
    assert '<div id="id_username-error"><p class="field-error">' in html
    assert 'aria-describedby="login-error"' not in html


def test_a_student_logs_in_and_lands_on_the_dashboard(client: Client, student: Any) -> None:
    response = client.post("/login/", {"username": student.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/")["Location"] == "/dashboard/"


def test_home_sends_each_role_to_its_start_page(client: Client) -> None:
    assert client.get("/")["Location"].startswith("/login/")
    client.force_login(make_user("t1", group="teachers"))
    assert client.get("/")["Location"] == "/teacher/"
    client.force_login(make_user("s1", staff=True))
    assert client.get("/")["Location"] == "/admin/"
    client.force_login(make_user("nobody"))
    response = client.get("/")
    assert response.status_code == 200
    assert "Your account has no role yet" in response.content.decode()


def test_logout_says_goodbye(browser: Client) -> None:
    response = browser.post("/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "You have logged out" in response.content.decode()
    assert browser.get("/dashboard/")["Location"].startswith("/login/")


def test_pages_need_a_login(client: Client, chapter: Any) -> None:
    assert client.get("/dashboard/")["Location"] == "/login/?next=/dashboard/"
    assert client.get(f"/quizzes/{uuid.uuid4()}/")["Location"].startswith("/login/")
    post = client.post(f"/chapters/{chapter.pk}/start/", {"command_id": uuid.uuid4()})
    assert post["Location"].startswith("/login/")


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_lists_courses_and_chapters_not_started(browser: Client, chapter: Any) -> None:
    html = browser.get("/dashboard/").content.decode()
    assert "Test maths" in html and "Adding up" in html
    assert 'data-status="not_started"' in html
    assert "Not started" in html and ">Start<" in html


def test_a_chapter_with_nothing_to_ask_yet_is_not_on_the_dashboard(
    browser: Client, chapter: Any
) -> None:
    # given a chapter being written: its only question still a draft
    drafts = make_chapter(title="Being written", questions=1)
    drafts.questions.update(live=False)
    # then students do not see it (its Start could only say there is nothing to ask)
    html = browser.get("/dashboard/").content.decode()
    assert "Adding up" in html and "Being written" not in html


def test_a_chapter_made_all_drafts_during_a_quiz_says_so_on_next(browser: Client) -> None:
    # given a student who answered a question of a chapter whose questions then all became drafts
    chapter = make_chapter(title="Being rewritten", questions=2)
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, "surely wrong")
    for question in chapter.questions.all():  # as the admin does: saved, so caches hear of it
        question.live = False
        question.save()
    # when they go on
    send(browser, quiz_id, "next")
    # then they are told there is nothing to practise now and what to do, not to wait for "yet"
    html = page(browser, quiz_id)
    assert "This chapter has no questions to practise right now." in html
    assert "Try again later, or practise another chapter." in html
    assert "as it is now" not in html


def test_a_passed_chapter_made_all_drafts_offers_no_practise_again(
    browser: Client, student: Any
) -> None:
    # given a student who passed a chapter whose questions then all became drafts
    chapter = make_chapter(title="Being rewritten", streak_goal=1, questions=2)
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, right_answer(quiz_id))
    for question in chapter.questions.all():  # as the admin does: saved, so caches hear of it
        question.live = False
        question.save()
    # then the passed card says there is nothing to practise instead of offering it
    html = page(browser, quiz_id)
    assert "You passed this chapter!" in html and not practise_again_form(html, chapter)
    assert "This chapter has no questions to practise right now." in html
    assert "Practise again" not in html
    # and the dashboard still shows the chapter as passed, with the note and no button
    html = browser.get("/dashboard/").content.decode()
    card = re.search(rf'<li [^>]*id="chapter-{chapter.pk}".*?</li>', html, re.S)
    assert card, "the passed chapter is on the dashboard"
    assert 'data-status="passed"' in card.group(0)
    assert "This chapter has no questions to practise right now." in card.group(0)
    assert "<form" not in card.group(0) and "<button" not in card.group(0)
    # and once a question is live again, both offer it again
    live_again = chapter.questions.all()[0]
    live_again.live = True
    live_again.save()
    assert practise_again_form(page(browser, quiz_id), chapter)
    assert f'action="/chapters/{chapter.pk}/start/"' in browser.get("/dashboard/").content.decode()


def test_a_teacher_on_the_dashboard_goes_home(client: Client) -> None:
    client.force_login(make_user("t2", group="teachers"))
    assert client.get("/dashboard/")["Location"] == "/"


def test_start_twice_with_one_command_id_is_one_quiz(browser: Client, chapter: Any) -> None:
    command_id = str(uuid.uuid4())
    first = browser.post(f"/chapters/{chapter.pk}/start/", {"command_id": command_id})
    second = browser.post(f"/chapters/{chapter.pk}/start/", {"command_id": command_id})
    assert first["Location"] == second["Location"]


def test_continue_returns_the_open_quiz(browser: Client, chapter: Any) -> None:
    assert start(browser, chapter) == start(browser, chapter)


def test_start_an_unknown_chapter_is_404(browser: Client) -> None:
    assert browser.post("/chapters/999999/start/", {"command_id": uuid.uuid4()}).status_code == 404


def test_a_teacher_cannot_start_a_quiz(client: Client, chapter: Any) -> None:
    client.force_login(make_user("t3", group="teachers"))
    response = client.post(f"/chapters/{chapter.pk}/start/", {"command_id": uuid.uuid4()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only students can take quizzes."
    ]


# --- the quiz page ------------------------------------------------------------------------------


def test_open_question_page(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    assert "What is" in html
    assert '<label for="answer">Your answer</label>' in html
    assert re.search(r'<input type="text" id="answer" name="answer" value="" autofocus', html)
    assert "A decimal comma is fine" in html
    assert "Streak: 0 of 3 correct in a row" in html
    assert '<span class="streak-label" aria-hidden="true">0 of 3 in a row</span>' in html
    assert html.count('class="dot"') == 3
    assert "Show the answer" in html
    assert "htmx.min.js" in html


def test_wrong_answer_says_the_streak_starts_over(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, right_answer(quiz_id))
    send(browser, quiz_id, "next")
    assert "Streak: 1 of 3" in page(browser, quiz_id)
    answer(browser, quiz_id, WRONG)
    html = page(browser, quiz_id)
    assert 'data-status="answered_incorrectly"' in html
    assert re.search(r'class="result bad".*streak (starts over|starts again)', html, re.S)
    assert f'You answered: <span class="answer-text">{WRONG}</span>' in html
    assert "Streak: 0 of 3" in html
    assert "Next question" in html


def test_a_miss_says_the_streak_starts_over_only_when_there_was_one(
    browser: Client, chapter: Any
) -> None:
    def result(html: str) -> str:
        shown = re.search(r'<div class="result [a-z]+" id="result">(.*?)</div>', html, re.S)
        assert shown
        return shown.group(1)

    quiz_id = start(browser, chapter)
    # no streak yet: showing the answer does not say one starts over, nor does the note before
    assert "Counts as not right.</span>" in page(browser, quiz_id)
    send(browser, quiz_id, "reveal")
    html = page(browser, quiz_id)
    assert "Here is how it works." in result(html) and "streak" not in result(html)
    # nor does a wrong answer then
    send(browser, quiz_id, "next")
    answer(browser, quiz_id, WRONG)
    assert "streak" not in result(page(browser, quiz_id))
    # one right: then both a shown answer and a wrong one end a streak, and say so
    send(browser, quiz_id, "next")
    answer(browser, quiz_id, right_answer(quiz_id))
    send(browser, quiz_id, "next")
    assert "Counts as not right: your streak starts over.</span>" in page(browser, quiz_id)
    send(browser, quiz_id, "reveal")
    assert "Your streak starts over." in result(page(browser, quiz_id))


def test_right_answer_with_a_decimal_comma(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, right_answer(quiz_id, comma=True))
    html = page(browser, quiz_id)
    assert 'class="result good"' in html
    assert "1 of 3 in a row." in html
    assert "Streak: 1 of 3" in html


def test_reveal_shows_the_worked_answer(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    assert send(browser, quiz_id, "reveal").status_code == 302
    html = page(browser, quiz_id)
    assert 'data-status="answer_revealed"' in html
    assert "Here is how it works." in html and "plus a half makes" in html


def test_next_question_opens_a_new_question(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, WRONG)
    send(browser, quiz_id, "next")
    html = page(browser, quiz_id)
    assert 'data-status="question_open"' in html


def test_passing_shows_the_summary(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, WRONG)
    send(browser, quiz_id, "next")
    send(browser, quiz_id, "reveal")
    for n in range(3):
        send(browser, quiz_id, "next")
        answer(browser, quiz_id, right_answer(quiz_id))
        assert n == 2 or "Next question" in page(browser, quiz_id)
    html = page(browser, quiz_id)
    assert "You passed this chapter!" in html
    # Counted as the teacher's reports count them: wrong answers and shown answers apart.
    assert re.search(r"<dt>Questions answered</dt><dd>4</dd>", html)  # the shown one apart
    assert re.search(r"<dt>Wrong answers</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Answers shown</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Time spent</dt><dd>\d+ s</dd>", html)
    assert 'href="/dashboard/"' in html and "Back to my chapters" in html
    assert "<title>Passed: Adding up" in html


def practise_again_form(html: str, chapter: Any) -> str:
    """The passed card's form that starts the chapter again ("" when the card has none)."""
    form = re.search(rf'<form[^>]*action="/chapters/{chapter.pk}/start/".*?</form>', html, re.S)
    return form.group(0) if form else ""


def test_practise_again_on_the_passed_card_starts_a_fresh_quiz_once(
    browser: Client, student: Any
) -> None:
    # given a student who passed a chapter
    chapter = make_chapter(title="Halves", streak_goal=1)
    passed_quiz = start(browser, chapter)
    answer(browser, passed_quiz, right_answer(passed_quiz))
    # (now in a browser that must send the CSRF token, as a real one must)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    html = page(strict, passed_quiz)
    assert 'data-status="passed"' in html
    start_url = f"/chapters/{chapter.pk}/start/"

    # then its card offers to practise again, in the dashboard's words, after the way back to
    # the chapters, which keeps the focus
    form = practise_again_form(html, chapter)
    wording = chapter_card(
        chapter_id=chapter.pk, title=chapter.title, streak_goal=1, status="passed", streak=0
    ).action
    assert re.search(rf'<button type="submit" class="btn secondary">{wording}</button>', form)
    assert html.index("Back to my chapters") < html.index(wording)
    assert re.search(r'<a class="btn" href="/dashboard/" autofocus', html)
    assert "autofocus" not in form

    # when they press it without the page's CSRF token, nothing starts
    data = {"command_id": hidden(html, start_url, "command_id")}
    assert strict.post(start_url, data).status_code == 403
    # and when they double-click it, as the page sends it
    data["csrfmiddlewaretoken"] = hidden(html, start_url, "csrfmiddlewaretoken")
    once, twice = strict.post(start_url, data), strict.post(start_url, data)

    # then both clicks land on one fresh quiz on the chapter, its streak at 0
    assert once.status_code == twice.status_code == 302
    assert once["Location"] == twice["Location"] != f"/quizzes/{passed_quiz}/"
    fresh = uuid.UUID(once["Location"].split("/")[2])
    assert sorted(selectors.quiz_ids_of(student.pk)) == sorted([str(passed_quiz), str(fresh)])
    fresh_html = page(strict, fresh)
    assert 'data-status="question_open"' in fresh_html
    assert "Streak: 0 of 1 correct in a row" in fresh_html
    assert "<title>Halves · Studyflow</title>" in fresh_html
    # and the passed quiz stays passed
    assert 'data-status="passed"' in page(strict, passed_quiz)


def test_a_teacher_looking_at_a_passed_quiz_is_not_offered_to_practise_it(
    browser: Client, student: Any
) -> None:
    chapter = make_chapter(streak_goal=1)
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, right_answer(quiz_id))
    assert practise_again_form(page(browser, quiz_id), chapter)
    teacher = make_user("t-passed", group="teachers")
    Classroom.objects.get(students=student).teachers.add(teacher)
    looking = Client()
    looking.force_login(teacher)
    html = page(looking, quiz_id)
    assert not practise_again_form(html, chapter)
    # and the card speaks of the student, not to them
    assert f"{student.first_name} passed this chapter</h2>" in html
    assert "You passed" not in html and "Great work" not in html and "you passed" not in html
    # the card's way back leads to the student's page, not to chapters the teacher has none of
    assert f'<a class="btn" href="/teacher/students/{student.pk}/">Back to ' in html
    assert "Back to my chapters" not in html and 'href="/dashboard/"' not in html


def test_a_stuck_student_gets_a_gentle_hint(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    for _ in range(3):
        answer(browser, quiz_id, WRONG)
        send(browser, quiz_id, "next")
    html = " ".join(page(browser, quiz_id).split())
    assert "Finding this one tricky?" in html
    assert "Try “Show the answer”" in html and "Show the answer</button>" in html
    # After a wrong answer there is no "Show the answer" button: the hints say it is for the next.
    answer(browser, quiz_id, WRONG)
    html = " ".join(page(browser, quiz_id).split())
    assert "Show the answer</button>" not in html
    assert "On the next question, try “Show the answer”" in html
    # said once: the banner, not the result box too (API clients get it in the result message)
    assert html.count("“Show the answer”") == 1 and "Stuck? On the next question" not in html
    # After a shown answer the hint is about reading it, not about showing one.
    send(browser, quiz_id, "next")
    send(browser, quiz_id, "reveal")
    html = " ".join(page(browser, quiz_id).split())
    assert "Read the worked answer calmly" in html and "“Show the answer”" not in html
    send(browser, quiz_id, "next")
    answer(browser, quiz_id, right_answer(quiz_id))
    assert "Finding this one tricky?" not in page(browser, quiz_id)


def test_choice_questions_are_buttons(browser: Client) -> None:
    quiz_id = start(browser, make_chapter(kind="choice"))
    html = page(browser, quiz_id)
    assert "<legend>Choose your answer</legend>" in html
    # focus starts on the group of choices (Tab goes to A), not on A, which looked chosen
    fieldset = '<fieldset class="choices" tabindex="-1" autofocus aria-describedby="question-text">'
    assert fieldset in html
    assert re.search(r'<button type="submit" name="answer" value="A" class="choice">', html)
    assert 'value="B" class="choice"' in html
    wrong_choice = re.search(
        r'value="B" class="choice">.*?"choice-text" aria-hidden="true">(.*?)</span>', html, re.S
    )
    answer(browser, quiz_id, "B")  # wrong: the student reads back the choice, not just its key
    assert wrong_choice is not None
    assert f'<span class="answer-text">B: {wrong_choice[1]}</span>' in page(browser, quiz_id)
    send(browser, quiz_id, "next")
    answer(browser, quiz_id, "A")
    assert 'class="result good"' in page(browser, quiz_id)


# --- input help and refusals ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [("   ", EMPTY_ANSWER), ("9" * 501, LONG_ANSWER)])
def test_empty_or_long_answers_are_refused_on_the_form(
    browser: Client, chapter: Any, text: str, message: str
) -> None:
    quiz_id = start(browser, chapter)
    before = len(quiz_stream(quiz_id))
    response = send(browser, quiz_id, "answer", answer=text)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert">' + message.replace("'", "&#x27;") in html
    assert 'aria-invalid="true"' in html
    assert len(quiz_stream(quiz_id)) == before  # not sent as a command


def test_a_number_right_only_with_a_thousands_separator_is_asked_about_on_the_form(
    browser: Client,
) -> None:
    # given a student with a streak of one at a question whose answer is ten thousand
    chapter = make_chapter(questions=0)
    create_question(chapter=chapter, **TEN_THOUSAND_QUESTION)
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, "10000")
    send(browser, quiz_id, "next")  # the same question: the chapter has only this one
    before = len(quiz_stream(quiz_id))
    # when they answer it the Dutch way, with a thousands point
    response = send(browser, quiz_id, "answer", answer="10.000")
    # then the form asks which number they mean, keeps what they typed and their streak
    assert response.status_code == 400
    html = response.content.decode()
    asked = "Is that 10 or 10000? Write the number without a thousands separator."
    assert f'<p id="answer-error" class="field-error" role="alert">{asked}</p>' in html
    assert 'aria-invalid="true"' in html and 'value="10.000"' in html
    assert "Streak: 1 of 3" in html
    assert len(quiz_stream(quiz_id)) == before  # no mistake recorded


def test_a_500_character_answer_is_fine(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, "9" * 500)
    assert len(answer_events(quiz_id)) == 1


# --- double submit, back button, stale pages --------------------------------------------------


def test_a_double_click_answers_once(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    data = {
        "command_id": hidden(html, url, "command_id"),
        "version": hidden(html, url, "version"),
        "answer": WRONG,
    }
    first, second = browser.post(url, data), browser.post(url, data)
    assert first.status_code == second.status_code == 302
    assert len(answer_events(quiz_id)) == 1
    followed = browser.get(second["Location"]).content.decode()
    assert 'class="result bad"' in followed
    assert STALE_PAGE not in followed  # a duplicate just shows the result


def test_two_choices_clicked_at_once_count_the_first_without_a_word(
    browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz_id = start(browser, make_chapter(kind="choice"))
    html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    form = {"command_id": hidden(html, url, "command_id"), "version": hidden(html, url, "version")}
    browser.post(url, {**form, "answer": "B"})
    # The second click passed the page's check before the first was stored (a race): as if so.
    monkeypatch.setattr(quizzes, "classify_submission", lambda **_: "apply")
    response = browser.post(url, {**form, "answer": "A"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert len(answer_events(quiz_id)) == 1
    assert 'class="result bad"' in page(browser, quiz_id)


def test_an_old_page_never_answers_the_new_question(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    old_html = page(browser, quiz_id)  # the page the back button would show later
    answer(browser, quiz_id, WRONG)
    send(browser, quiz_id, "next")
    url = f"/quizzes/{quiz_id}/answer/"
    response = browser.post(
        url,
        {
            "command_id": str(uuid.uuid4()),  # a fresh render of an old version
            "version": hidden(old_html, url, "version"),
            "answer": WRONG,
        },
    )
    assert response.status_code == 302
    assert len(answer_events(quiz_id)) == 1
    html = page(browser, quiz_id)
    assert STALE_PAGE.replace("'", "&#x27;") in html
    assert 'data-status="question_open"' in html


def test_the_back_button_resending_the_old_form_is_a_duplicate(
    browser: Client, chapter: Any
) -> None:
    quiz_id = start(browser, chapter)
    old_html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    old = {
        "command_id": hidden(old_html, url, "command_id"),
        "version": hidden(old_html, url, "version"),
    }
    browser.post(url, {**old, "answer": WRONG})
    send(browser, quiz_id, "next")
    browser.post(url, {**old, "answer": WRONG})
    assert len(answer_events(quiz_id)) == 1
    assert 'data-status="question_open"' in page(browser, quiz_id)


def test_next_from_a_stale_page_is_not_applied_twice(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    answer(browser, quiz_id, WRONG)
    html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/next/"
    data = {"command_id": hidden(html, url, "command_id"), "version": hidden(html, url, "version")}
    browser.post(url, data)
    browser.post(url, {**data, "command_id": str(uuid.uuid4())})
    assigned = [e for e in quiz_stream(quiz_id) if e.type == "quiz.QuestionAssigned"]
    assert len(assigned) == 2


def test_broken_hidden_fields_send_nothing(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    before = len(quiz_stream(quiz_id))
    response = browser.post(
        f"/quizzes/{quiz_id}/answer/", {"command_id": "nope", "version": "x", "answer": "4"}
    )
    assert response.status_code == 302
    assert len(quiz_stream(quiz_id)) == before
    assert STALE_PAGE.replace("'", "&#x27;") in page(browser, quiz_id)


def test_a_rejected_command_shows_the_reason(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    # "Next" while the question is still open: the service rejects it (question_open).
    response = browser.post(
        f"/quizzes/{quiz_id}/next/",
        {
            "command_id": str(uuid.uuid4()),
            "version": hidden(html, f"/quizzes/{quiz_id}/answer/", "version"),
        },
    )
    assert response.status_code == 302
    assert "Here is your quiz as it is now." in page(browser, quiz_id)


def test_quiz_forms_only_take_posts_and_a_get_goes_on_to_their_page(
    browser: Client, chapter: Any
) -> None:
    quiz_id = start(browser, chapter)
    for action in ("answer", "reveal", "next"):
        url = f"/quizzes/{quiz_id}/{action}/"
        assert browser.put(url).status_code == 405
        assert browser.get(url)["Location"] == f"/quizzes/{quiz_id}/"
    assert browser.delete(f"/chapters/{chapter.pk}/start/").status_code == 405
    assert browser.get(f"/chapters/{chapter.pk}/start/")["Location"] == "/dashboard/"
    assert answer_events(quiz_id) == []


def test_a_form_sent_after_logging_out_comes_back_to_the_quiz_after_logging_in(
    browser: Client, chapter: Any, student: Any
) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    form = {"command_id": hidden(html, url, "command_id"), "version": hidden(html, url, "version")}
    browser.logout()  # as in another tab
    sent = browser.post(url, {**form, "answer": WRONG})
    assert sent["Location"] == f"/login/?next={url}"
    browser.post(sent["Location"], {"username": student.username, "password": PASSWORD})
    assert browser.get(url)["Location"] == f"/quizzes/{quiz_id}/"  # where `next` leads
    assert answer_events(quiz_id) == []


@pytest.mark.parametrize(
    ("current", "next_page"),
    [
        ("http://testserver/quizzes/{quiz}/", "/quizzes/{quiz}/"),
        ("http://testserver/teacher/classes/2/?sort=name", "/teacher/classes/2/?sort=name"),
        ("https://elsewhere.example/quizzes/{quiz}/", "/"),
        ("http://[not-a-host/quizzes/{quiz}/", "/"),  # malformed: home, not a 500
        (None, "/"),
    ],
)
def test_htmx_after_logging_out_loads_the_login_page_as_a_page(
    client: Client, current: str | None, next_page: str
) -> None:
    # htmx would swap the log-in page into the quiz panel: it is told to load it instead.
    quiz = uuid.uuid4()
    headers = {"HX-Request": "true"}
    if current is not None:
        headers["HX-Current-URL"] = current.format(quiz=quiz)
    response = client.post(f"/quizzes/{quiz}/answer/", {"answer": WRONG}, headers=headers)
    assert response.status_code == 200 and response.content == b""
    expected = next_page.format(quiz=quiz)
    assert response["HX-Redirect"] == f"/login/?next={quote(expected, safe='/')}"
    # Without htmx, the plain redirect.
    assert client.post(f"/quizzes/{quiz}/answer/")["Location"].startswith("/login/?next=")


def test_someone_elses_quiz_is_not_found(browser: Client, client: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    other = Client()
    other.force_login(make_student())
    assert other.get(f"/quizzes/{quiz_id}/").status_code == 404
    response = other.post(
        f"/quizzes/{quiz_id}/answer/",
        {"command_id": str(uuid.uuid4()), "version": "2", "answer": WRONG},
    )
    assert response.status_code == 404
    assert browser.get(f"/quizzes/{uuid.uuid4()}/").status_code == 404
    assert browser.get(f"/quizzes/{str(quiz_id).upper()}/").status_code == 200  # any case


# --- the student's teacher reads the quiz; only the student answers ---------------------------


def teacher_of(student: Any, username: str = "t-reader") -> Client:
    """A browser logged in as a teacher of the student's class."""
    teacher = make_user(username, group="teachers")
    Classroom.objects.get(students=student).teachers.add(teacher)
    reader = Client()
    reader.force_login(teacher)
    return reader


def quiz_forms(html: str) -> list[str]:
    """The forms of the page that post to a quiz (the header's log-out form is not one)."""
    return re.findall(r'<form[^>]*action="/quizzes/[^"]*"', html)


def test_their_teacher_sees_the_quiz_as_it_is_with_nothing_to_press(
    browser: Client, student: Any, chapter: Any
) -> None:
    # given a student on a quiz, and their teacher
    quiz_id = start(browser, chapter)
    reader = teacher_of(student)
    name = student.first_name  # make_user names them; no last name

    # when the teacher opens the quiz while its question is open
    html = page(reader, quiz_id)

    # then they see the question and the streak, and no form, button or answer box
    assert 'data-status="question_open"' in html and "What is " in html
    assert "Streak: 0 of 3 correct in a row" in html
    assert quiz_forms(html) == []
    assert 'id="answer"' not in html and "Check</button>" not in html
    assert "Show the answer</button>" not in html and "Next question" not in html
    assert "Not answered yet." in html
    # and the page says whose quiz it is, and leads back to the student's page, not to chapters
    assert (
        f"Quiz of {name}, Adding up: you are seeing it as their teacher; only they can answer."
        in html
    )
    assert f'<a href="/teacher/students/{student.pk}/">&larr; {name}</a>' in html
    assert 'href="/dashboard/"' not in html and "My chapters" not in html
    assert '<a href="/teacher/">Classes</a>' in html
    # and nothing on it would send anything: no htmx, no quiz script, no request-error alert
    assert "htmx" not in html and "quiz.js" not in html and 'id="quiz-alert"' not in html
    # and the worked answer is not theirs to see before the student shows it
    assert "plus a half makes" not in html and right_answer(quiz_id) not in html

    # when the student answers wrong: their answer and the result, still nothing to press
    answer(browser, quiz_id, WRONG)
    html = page(reader, quiz_id)
    assert 'data-status="answered_incorrectly"' in html
    assert f'<span class="answer-text">{WRONG}</span>' in html
    # in words about the student, not the student's own feedback ("Your streak starts over")
    assert f"{name} answered:" in html and "Not right." in html
    assert "You answered" not in html and "Your streak" not in html and "your streak" not in html
    assert quiz_forms(html) == [] and "Next question" not in html
    assert "plus a half makes" not in html

    # when the student shows the answer of the next question: the teacher sees it too
    send(browser, quiz_id, "next")
    send(browser, quiz_id, "reveal")
    html = page(reader, quiz_id)
    assert 'data-status="answer_revealed"' in html and "plus a half makes" in html
    assert f"{name} showed the answer." in html and "Here is how it works." not in html
    assert quiz_forms(html) == []

    # and the panel htmx would fetch is as bare (a GET never has controls for them)
    partial = reader.get(f"/quizzes/{quiz_id}/", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert quiz_forms(partial.content.decode()) == []
    assert "Next question" not in partial.content.decode()


def test_their_teacher_reads_that_the_student_is_stuck(
    browser: Client, student: Any, chapter: Any
) -> None:
    # given a student stuck on a quiz
    quiz_id = start(browser, chapter)
    for _ in range(3):
        answer(browser, quiz_id, WRONG)
        send(browser, quiz_id, "next")
    assert "Finding this one tricky?" in page(browser, quiz_id)
    # when their teacher opens it, then the banner tells them, not the student's encouragement
    html = " ".join(page(teacher_of(student), quiz_id).split())
    assert f"<strong>Stuck:</strong> {student.first_name} got several questions in a row" in html
    assert "Finding this one tricky?" not in html and "Your teacher is happy" not in html


def test_their_teacher_sees_a_choice_question_without_its_buttons(
    browser: Client, student: Any
) -> None:
    quiz_id = start(browser, make_chapter(kind="choice"))
    html = page(teacher_of(student), quiz_id)
    assert quiz_forms(html) == [] and "<button" not in html.split("</header>")[1]
    # the choices the student chooses from, as text
    assert re.search(r'<ul class="choices read-only"[^>]*>.*<li class="choice">', html, re.S)
    assert re.search(r'<span class="visually-hidden">A: \d+</span>', html)


def test_the_students_own_page_keeps_its_forms(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    assert len(quiz_forms(html)) == 2  # answer, and show the answer
    assert "Check</button>" in html and "Show the answer</button>" in html
    assert 'id="onlooker-note"' not in html and "Quiz of " not in html
    assert '<a href="/dashboard/">&larr; My chapters</a>' in html
    assert 'id="quiz-alert"' in html and "quiz.js" in html


def test_staff_see_the_quiz_as_staff(browser: Client, student: Any, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    staff = Client()
    staff.force_login(make_user("s-reader", staff=True))
    html = page(staff, quiz_id)
    assert "you are seeing it as staff; only they can answer." in html
    assert quiz_forms(html) == []
    assert f'href="/teacher/students/{student.pk}/"' in html


def test_a_teacher_of_another_class_finds_no_quiz(
    browser: Client, student: Any, chapter: Any
) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    stranger = Client()
    stranger.force_login(make_user("t-other", group="teachers"))
    assert stranger.get(f"/quizzes/{quiz_id}/").status_code == 404
    assert stranger.get(f"/quizzes/{quiz_id}/", headers={"HX-Request": "true"}).status_code == 404
    for action in ("answer", "reveal", "next"):
        url = f"/quizzes/{quiz_id}/{action}/"
        form = {"command_id": hidden(html, f"/quizzes/{quiz_id}/answer/", "command_id")}
        form["version"] = hidden(html, f"/quizzes/{quiz_id}/answer/", "version")
        assert stranger.post(url, {**form, "answer": WRONG}).status_code == 404
    assert answer_events(quiz_id) == []


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"answer": WRONG}, id="the-students-form"),
        pytest.param({"answer": ""}, id="an-empty-answer"),
        pytest.param({"command_id": "nope", "version": "x", "answer": WRONG}, id="a-broken-form"),
        pytest.param({"version": "1", "answer": WRONG}, id="an-old-page"),
    ],
)
def test_their_teacher_cannot_send_a_command(
    browser: Client, student: Any, chapter: Any, fields: dict[str, str]
) -> None:
    # given the student's form, sent by their teacher, who may read the quiz
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    reader = teacher_of(student)
    before = len(quiz_stream(quiz_id))
    for action in ("answer", "reveal", "next"):
        url = f"/quizzes/{quiz_id}/{action}/"
        form = {
            "command_id": hidden(html, f"/quizzes/{quiz_id}/answer/", "command_id"),
            "version": hidden(html, f"/quizzes/{quiz_id}/answer/", "version"),
            **fields,
        }
        # then every command is refused as for a quiz that does not exist, with or without htmx
        assert reader.post(url, form).status_code == 404
        assert reader.post(url, form, headers={"HX-Request": "true"}).status_code == 404
    assert len(quiz_stream(quiz_id)) == before
    # and the quiz is the student's as before
    assert len(quiz_forms(page(browser, quiz_id))) == 2


# --- htmx -------------------------------------------------------------------------------------


def test_htmx_gets_only_the_quiz_panel(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    response = browser.get(f"/quizzes/{quiz_id}/", headers={"HX-Request": "true"})
    html = response.content.decode()
    # the panel, and the page's title for htmx to set (it changes when the quiz passes)
    assert re.match(r'\s*<title>Adding up · Studyflow</title>\s*<section id="quiz-panel"', html)
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_refusal_swaps_the_panel_with_the_message(browser: Client, chapter: Any) -> None:
    quiz_id = start(browser, chapter)
    html = page(browser, quiz_id)
    url = f"/quizzes/{quiz_id}/answer/"
    response = browser.post(
        url,
        {
            "command_id": hidden(html, url, "command_id"),
            "version": hidden(html, url, "version"),
            "answer": "",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert re.match(r'\s*<title>.*</title>\s*<section id="quiz-panel"', response.content.decode())


# --- the dashboard reads the progress read model --------------------------------------------


def dashboard_card(
    client: Client, chapter: Any, status: str, timeout: float = 20.0, showing: str = ""
) -> str:
    """The chapter's dashboard card once the projections show `status` (and `showing`).

    The commit-safe reader only sees transactions below the server-wide snapshot horizon, so a
    catch-up may apply nothing for a moment while another transaction is open: poll.
    """
    deadline = time.monotonic() + timeout
    card = ""
    while time.monotonic() < deadline:
        call_command("projections", "catch-up", "progress")
        html = client.get("/dashboard/").content.decode()
        match = re.search(rf'id="chapter-{chapter.pk}".*?</li>', html, re.S)
        card = match.group(0) if match else ""
        if f'data-status="{status}"' in card and showing in card:
            break
        time.sleep(0.2)
    return card


def test_dashboard_shows_progress_from_the_read_model(client: Client) -> None:
    student = make_student()
    client.force_login(student)
    chapter = make_chapter(streak_goal=2)
    quiz_id = start(client, chapter)
    answer(client, quiz_id, right_answer(quiz_id))
    card = dashboard_card(client, chapter, "in_progress")
    assert 'data-status="in_progress"' in card
    assert "1 of 2 correct in a row" in card and "Continue" in card
    # "Continue" opens the quiz: a link, no start command (and no record of one)
    assert f'<a class="btn" href="/quizzes/{quiz_id}/">Continue' in card
    assert "/start/" not in card
    send(client, quiz_id, "next")
    answer(client, quiz_id, right_answer(quiz_id))
    assert selectors.quiz_view(student, quiz_id).status == "passed"
    card = dashboard_card(client, chapter, "passed")
    assert 'data-status="passed"' in card and "Practise again" in card
    assert f"/chapters/{chapter.pk}/start/" in card and "/quizzes/" not in card
    # practising a passed chapter again: still passed, and the new quiz is the one to continue
    again = start(client, chapter)
    assert again != quiz_id
    card = dashboard_card(client, chapter, "passed", showing="Practising again")
    assert "Practising again: 0 of 2 correct in a row." in card
    assert f'<a class="btn" href="/quizzes/{again}/">Continue' in card


def test_the_dashboard_shows_the_students_last_steps_before_the_reports_catch_up(
    client: Client,
) -> None:
    # given a student who passed one chapter and started another, the projections not yet run
    student = make_student()
    client.force_login(student)
    passed, started = make_chapter(streak_goal=1), make_chapter(streak_goal=2)
    first = start(client, passed)
    answer(client, first, right_answer(first))
    second = start(client, started)
    assert not StudentProgress.objects.filter(student_id=student.pk).exists()
    # when they open the dashboard
    html = client.get("/dashboard/").content.decode()
    # then it shows both as they are now
    cards = {
        chapter: re.search(rf'id="chapter-{chapter.pk}".*?</li>', html, re.S)
        for chapter in (passed, started)
    }
    passed_card, started_card = (match.group(0) if match else "" for match in cards.values())
    assert 'data-status="passed"' in passed_card and "Practise again" in passed_card
    assert 'data-status="in_progress"' in started_card
    assert f'<a class="btn" href="/quizzes/{second}/">Continue' in started_card
