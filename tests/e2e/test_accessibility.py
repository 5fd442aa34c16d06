"""The site's pages pass axe-core's WCAG 2.1 A and AA rules on a phone and on a desktop: a student's
and a teacher's walk through theirs, each page checked at 375 px and 1280 px in every state it
shows (an error, an answer right or wrong, the passed card). Each walk is taken twice, with
JavaScript and without: without it every form posts and the page is rendered again by the
server, which is other markup than htmx's swaps, so both are checked. tests/e2e/accessibility.py
runs axe; the pages' Content-Security-Policy is watched all along, as in every browser test."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from quiz import services
from studyflow.models import Classroom
from tests.e2e.accessibility import AxeCheck
from tests.e2e.steps import (
    JS,
    answer,
    demo_chapter,
    demo_class,
    demo_teacher_page,
    next_question,
    quiz_id_of,
    start_chapter,
    wait_for_status,
)
from tests.pages_data import (
    PASSWORD,
    WRONG,
    make_chapter,
    make_student,
    make_user,
    right_answer,
)

pytestmark = pytest.mark.django_db(transaction=True)


@JS
def test_a_students_pages_are_accessible(
    new_page: Callable[..., Any], login: Callable[..., None], js: bool
) -> None:
    # given a student with two chapters to practise (open answers, and a choice of answers)
    student = make_student()
    chapter = make_chapter(title="Adding halves", streak_goal=2)
    choices = make_chapter(title="Doubling", kind="choice")
    axe = AxeCheck()
    page = new_page(js=js)

    # when they log in, once with a wrong password
    page.goto("/login/")
    axe.check(page, "log-in")
    login(page, student.username, "wrong password")
    page.get_by_role("alert").wait_for()
    axe.check(page, "log-in, wrong password")
    login(page, student.username, PASSWORD)
    axe.check(page, "dashboard")

    # and practise a chapter: an empty answer, wrong, the answer shown, wrong again (stuck),
    # then right until it is passed
    start_chapter(page, chapter.pk)
    quiz_id = quiz_id_of(page)
    axe.check(page, "quiz, question open")
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("#answer-error")
    axe.check(page, "quiz, empty answer")
    answer(page, WRONG, "answered_incorrectly")
    axe.check(page, "quiz, wrong answer")
    next_question(page)
    page.get_by_role("button", name="Show the answer").click()
    wait_for_status(page, "answer_revealed")
    axe.check(page, "quiz, answer shown")
    next_question(page)
    answer(page, WRONG, "answered_incorrectly")
    page.wait_for_selector("#stuck-hint")
    axe.check(page, "quiz, stuck after a wrong answer")
    next_question(page)
    axe.check(page, "quiz, stuck, question open")
    answer(page, right_answer(quiz_id), "answered_correctly")
    axe.check(page, "quiz, right answer")
    next_question(page)
    answer(page, right_answer(quiz_id), "passed")
    axe.check(page, "quiz, passed")

    # and open a question with a choice of answers
    page.goto("/dashboard/")
    start_chapter(page, choices.pk)
    axe.check(page, "quiz, choice question open")

    # and change their password, once sending the form empty
    with page.expect_navigation():
        page.get_by_role("link", name="Password").click()
    axe.check(page, "password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_selector(".field-error")
    axe.check(page, "password, errors")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("a-new-s3cret-pass")
    page.locator("#id_new_password2").fill("a-new-s3cret-pass")
    with page.expect_navigation():
        page.get_by_role("button", name="Change password").click()
    page.wait_for_selector(".message.success")
    axe.check(page, "dashboard, password changed")

    # and follow a link to nowhere, then log out
    page.goto("/no-such-page/")
    axe.check(page, "404")
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    page.wait_for_selector(".message.info")
    axe.check(page, "log-in, logged out")

    # then axe found nothing on any of them
    axe.assert_no_violations()


@JS
def test_a_teachers_pages_and_a_demo_students_dashboard_are_accessible(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None], js: bool
) -> None:
    # given the demo school's teacher, and axe
    classroom, chapter = demo_class(), demo_chapter()
    axe = AxeCheck()

    # when they look at their classes, a class's grid with its live feed, and a student
    page = demo_teacher_page(new_page, login, js=js)
    axe.check(page, "classes")
    page.goto(f"/teacher/classes/{classroom.pk}/")
    page.wait_for_selector("#feed .feed-item")
    axe.check(page, "class grid and live feed")
    if js:  # the button that pauses live updates, and its state, shown by live.js
        page.get_by_role("button", name="Pause live updates").click()
        axe.check(page, "class grid, live updates paused")
        page.get_by_role("button", name="Resume live updates").click()
    with page.expect_navigation():
        page.locator("#grid tbody th a").first.click()
    axe.check(page, "student")

    # and the page of a new password with none made (its other states, shown already or not in
    # time, are the same markup), then give that student a new password
    student_page = page.url
    assert re.search(r"/teacher/students/\d+/$", student_page), student_page
    page.goto(f"{student_page}password/made/")
    page.wait_for_selector("#password-title")
    axe.check(page, "new password, none to show")
    page.goto(student_page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Give .* a new password$")).click()
    axe.check(page, "new password, asked")
    page.get_by_role("button", name="Make a new password").click()
    page.wait_for_selector(".credentials")
    axe.check(page, "new password, shown")

    # and look at a chapter's question difficulty, and a link to nowhere
    page.goto(f"/teacher/chapters/{chapter.pk}/questions/?class={classroom.pk}")
    page.wait_for_load_state("load")
    axe.check(page, "question difficulty")
    page.goto("/teacher/classes/0/")
    axe.check(page, "404, teacher")

    # and a demo student, whose chapters are in every state, looks at theirs
    page = new_page(js=js)
    login(page, "student1", "student")
    page.wait_for_url("**/dashboard/")
    axe.check(page, "dashboard, chapters in every state")

    # then axe found nothing on any of them
    axe.assert_no_violations()


# An admin page of the project's own template: its breadcrumbs and content (the header and the
# sidebar around them are Django's).
OWN_ADMIN_PAGE = (".breadcrumbs", "#content")


def test_the_admin_pages_of_the_projects_own_are_accessible(
    new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    """Staff's pages, as far as they are the project's: its own templates (the class list pages,
    the rebuild confirmation) whole but for Django's header and sidebar, and on Django's own pages
    what the project puts there (a link among the object tools, the columns of a list, an event's
    data, the rows of a course's chapters and a chapter's questions). Django's stock admin markup
    has violations of its own (the filter widget's help icons, its breadcrumbs' colours), which
    are Django's to fix."""
    # given a superuser, a class with a student who answered once, and the projections caught up
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    student = make_student()
    classroom = Classroom.objects.get(students=student)
    chapter = make_chapter(title="Adding halves")
    started = services.start_quiz(actor=student, chapter_id=chapter.pk, command_id=uuid.uuid4())
    services.answer_question(
        actor=student, quiz_id=started.quiz.id, answer=WRONG, command_id=uuid.uuid4()
    )
    call_command("projections", "catch-up", stdout=io.StringIO())
    axe = AxeCheck()
    page = new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    # when they add a class list: the class's link to it, the form, the form with an error, with
    # names met twice (and the offer to add them anyway), and the passwords (Django's change
    # forms import a style sheet: no preload, see AxeCheck)
    page.goto(f"/admin/studyflow/classroom/{classroom.pk}/change/")
    axe.check(page, "admin, class", include=(".object-tools",), preload=False)
    with page.expect_navigation():
        page.get_by_role("link", name="Add students from a list").click()
    axe.check(page, "admin, add students", include=OWN_ADMIN_PAGE)
    page.get_by_label("Students, one per line").fill("Noor")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    page.wait_for_selector(".errorlist")
    axe.check(page, "admin, add students, error", include=OWN_ADMIN_PAGE)
    page.get_by_label("Students, one per line").fill("Zoë, de Vries\nZoe, De Vries")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    page.get_by_label("Add them anyway: these are different students of the same name").wait_for()
    axe.check(page, "admin, add students, same names", include=OWN_ADMIN_PAGE)
    page.get_by_label("Students, one per line").fill("Zoë, de Vries\nSem\tBakker")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    page.wait_for_selector("table.class-list-passwords")
    axe.check(page, "admin, students added", include=OWN_ADMIN_PAGE)
    # and a list's page with no passwords to show (another session's list: the other states'
    # page, but for its words)
    page.goto(page.url.replace(page.url.rstrip("/").rsplit("/", 1)[1], str(uuid.uuid4())))
    page.get_by_role("heading", name="No passwords to show").wait_for()
    axe.check(page, "admin, no passwords to show", include=OWN_ADMIN_PAGE)

    # and look at a chapter's link to add a question, the projections' checkpoints with a rebuild
    # to confirm, the event log and an event's data
    # and the rows of a course's chapters and of a chapter's questions (Django's markup, but
    # their fields are named by the project: Django's column heads are not labels)
    page.goto(f"/admin/quiz/chapter/{chapter.pk}/change/")
    axe.check(page, "admin, chapter", include=(".object-tools", "#questions-group"), preload=False)
    page.goto(f"/admin/quiz/course/{chapter.course_id}/change/")
    axe.check(page, "admin, course", include=("#chapters-group",), preload=False)
    page.goto("/admin/events/projectioncheckpoint/")
    axe.check(page, "admin, checkpoints", include=("#result_list",))
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("rebuild")
    with page.expect_navigation():
        page.locator(".actions button[type=submit]").click()
    page.get_by_role("button", name="Yes, rebuild").wait_for()
    axe.check(page, "admin, rebuild confirmation", include=OWN_ADMIN_PAGE)
    page.goto("/admin/events/event/")
    axe.check(page, "admin, events", include=("#result_list",))
    with page.expect_navigation():
        page.locator("#result_list tbody th a").first.click()
    axe.check(
        page,
        "admin, event",
        include=(".field-pretty_data", ".field-pretty_metadata"),
        preload=False,
    )

    # then axe found nothing in the project's part of any of them
    axe.assert_no_violations()
