"""A teacher gives a student who forgot their password a new one, in a real browser: the page that
shows it, reloaded or come back to within its minutes, shows the same password and makes no other;
a double click on the button makes one password, and ends on the page that shows it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from reporting import new_passwords
from tests.e2e.steps import double_click, wait_for_the_page_the_last_form_leads_to
from tests.reporting.world import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def passwords_made(caplog: pytest.LogCaptureFixture) -> int:
    return len([r for r in caplog.records if r.getMessage().endswith(" a new password")])


def shown_password(page: Any) -> str:
    return str(page.locator(".credentials .credential").nth(1).inner_text())


def test_the_page_of_a_new_password_reloaded_shows_it_again_and_makes_none(
    new_page: Callable[..., Any],
    login: Callable[[Any, str, str], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a teacher on their student's page
    world = make_world(students_a=1, students_b=0, chapters=1)
    pupil = world.students_a[0]
    name = pupil.get_full_name()
    page = new_page()
    login(page, world.teacher_a.username, "pw")
    page.goto(f"/teacher/students/{pupil.pk}/")
    caplog.set_level(logging.INFO, logger="studyflow.services")

    # when they give the student a new password
    with page.expect_navigation():
        page.get_by_role("link", name=f"Give {name} a new password").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Make a new password").click()
    # then a page of its own shows it, with nothing of it in the address, and says for how long
    assert page.url.endswith(f"/teacher/students/{pupil.pk}/password/made/")
    password = shown_password(page)
    assert len(password) >= 10 and password not in page.url
    assert f"shown on this page for {new_passwords.WAITS_MINUTES} minutes" in page.content()

    # when they reload that page (the browser asks nothing: it was a GET)
    page.reload()
    # then it shows the same password, and made no other
    assert page.get_by_role("heading", level=1).inner_text() == f"{name}'s new password"
    assert shown_password(page) == password
    assert passwords_made(caplog) == 1

    # and Back leads to the form, asking again; Forward to that page, showing the same again
    page.go_back()
    assert page.get_by_role("heading", level=1).inner_text() == f"Give {name} a new password?"
    page.go_forward()
    assert shown_password(page) == password
    assert passwords_made(caplog) == 1

    # and the password shown logs the student in
    theirs = new_page()
    login(theirs, pupil.username, password)
    assert theirs.url.endswith("/dashboard/")

    # when the teacher, it lost after all, makes another with a double click
    with page.expect_navigation():
        page.get_by_role("link", name=f"Back to {name}").click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"Give {name} a new password").click()
    forms: list[Any] = []
    page.on("request", lambda r: forms.append(r) if r.method == "POST" else None)
    double_click(page, page.get_by_role("button", name="Make a new password"))
    wait_for_the_page_the_last_form_leads_to(page, forms)
    assert len(forms) == 2  # the browser did send the form twice
    # then that made one more password, and the page it ends on shows it, whichever form's
    # redirect came last; it logs the student in
    assert passwords_made(caplog) == 2
    assert re.search(r"/password/made/$", page.url)
    assert page.get_by_role("heading", level=1).inner_text() == f"{name}'s new password"
    again = shown_password(page)
    assert again != password
    theirs = new_page()
    login(theirs, pupil.username, again)
    assert theirs.url.endswith("/dashboard/")
