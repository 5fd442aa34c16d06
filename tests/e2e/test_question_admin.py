"""Staff write a question in the admin, in a real browser: the Choices box is there for a
multiple-choice question only, under the site's Content-Security-Policy (`new_page` fails the test
on anything it blocks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from quiz.content import create_question
from quiz.models import Question
from tests.pages_data import MULTI_LINE_CHOICE_QUESTION, PASSWORD, make_chapter, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_choices_box_shows_for_a_multiple_choice_question_only(
    new_page: Callable[..., Any], login: Callable[[Any, str, str], None]
) -> None:
    # given staff on a new question's form (an open question, by default)
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    chapter = make_chapter(title="Halves")
    before = set(Question.objects.filter(chapter=chapter).values_list("pk", flat=True))
    page = new_page()
    login(page, "boss", PASSWORD)
    page.goto("/admin/quiz/question/add/")
    choices = page.get_by_label("Choices")
    assert not choices.is_visible()

    # when they make it a multiple-choice question, then the box is there to fill in
    page.get_by_label("Kind").select_option("choice")
    assert choices.is_visible()
    page.get_by_label("Chapter").select_option(str(chapter.pk))
    page.get_by_label("Text").fill("Which is half of 8?")
    choices.fill("A: 4\nB: 2")
    page.get_by_label("Accepted answers").fill("A")
    # and turning it back into an open one with choices typed keeps the box in sight: the server
    # refuses choices on an open question, and its message must be seen
    page.get_by_label("Kind").select_option("open")
    assert choices.is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".errorlist").first.is_visible()
    assert choices.is_visible()

    # and saved as a multiple-choice question, it is stored with its choices
    page.get_by_label("Kind").select_option("choice")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    question = Question.objects.filter(chapter=chapter).exclude(pk__in=before).get()
    assert question.kind == "choice"
    page.goto(f"/admin/quiz/question/{question.pk}/change/")
    assert page.get_by_label("Choices").is_visible()


def test_saving_an_unchanged_question_of_several_lines_logs_no_change(
    new_page: Callable[..., Any], login: Callable[[Any, str, str], None]
) -> None:
    # given a multiple-choice question whose boxes have several lines (the browser posts CRLF)
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    chapter = make_chapter(title="Three quarters", questions=0)
    question = create_question(chapter=chapter, **MULTI_LINE_CHOICE_QUESTION)
    page = new_page()
    login(page, "boss", PASSWORD)
    page.goto(f"/admin/quiz/question/{question.pk}/change/")

    # when staff save it without touching anything
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()

    # then its history says nothing changed, and it has no new revision
    page.goto(f"/admin/quiz/question/{question.pk}/history/")
    assert page.locator("#change-history tbody tr").last.inner_text().endswith("No fields changed.")
    question.refresh_from_db()
    assert question.current_revision == 1

    # and a change to one line of the choices is logged as that (by the box's label, as the
    # form shows it), in a new revision
    page.goto(f"/admin/quiz/question/{question.pk}/change/")
    page.get_by_label("Choices").fill("A: 0.75\nB: 1/3\nC: 6/8")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    page.goto(f"/admin/quiz/question/{question.pk}/history/")
    assert page.locator("#change-history tbody tr").last.inner_text().endswith("Changed Choices.")
    question.refresh_from_db()
    assert question.current_revision == 2
