"""Staff add a class list in the admin, in a real browser: the link, the form, the page of
passwords with its print button and its printed look, all under the site's Content-Security-Policy
(no inline script or style; `new_page` fails the test on anything it blocks)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from studyflow.models import Classroom, School
from tests.e2e.steps import double_click, wait_for_the_page_the_last_form_leads_to
from tests.pages_data import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_add_a_class_list_and_print_its_passwords(
    new_page: Callable[..., Any],
    login: Callable[[Any, str, str], None],
    snap: Callable[[Any, str], None],
) -> None:
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    classroom = Classroom.objects.create(school=School.objects.create(name="E2E School"), name="1A")
    page = new_page()
    login(page, "boss", PASSWORD)

    page.goto(f"/admin/studyflow/classroom/{classroom.pk}/change/")
    with page.expect_navigation():
        page.get_by_role("link", name="Add students from a list").click()
    page.get_by_label("Students, one per line").fill("Zoë, de Vries\nSem\tBakker\nNoor")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    assert "Line 3 (“Noor”) has no last name" in page.locator(".errorlist").inner_text()

    page.get_by_label("Students, one per line").fill(
        "Zoë, de Vries\nSem\tBakker\nMaximiliaan-Alexander, van der Zandvoort-Oosterhuizen"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    rows = page.locator("table.class-list-passwords tbody tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("td").nth(1).inner_text() == "zoe.devries"
    # a long name makes a username short enough to type, and the table fits a phone (`snap`)
    assert rows.nth(2).locator("td").nth(1).inner_text() == "maximiliaana.vanderzandvo"
    assert classroom.students.count() == 3

    # the same list sent again from a new form (Back, say) adds nobody a second account, unless
    # staff tick that these are different students of the same name
    page.goto(f"/admin/studyflow/classroom/{classroom.pk}/add-students/")
    add_anyway = page.get_by_label("Add them anyway: these are different students of the same name")
    assert add_anyway.count() == 0
    page.get_by_label("Students, one per line").fill("Zoë, de Vries\nSem\tBakker")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    assert "Line 1: Zoë de Vries is in 1A already (username zoe.devries)." in (
        page.locator(".errorlist").inner_text()
    )
    assert classroom.students.count() == 3
    snap(page, "admin-class-list-same-names")
    page.get_by_label("Students, one per line").fill("Zoë, de Vries")
    add_anyway.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    assert rows.count() == 1 and rows.nth(0).locator("td").nth(1).inner_text() == "zoe.devries2"
    assert classroom.students.count() == 4

    # the print button is the static script's (hidden without it) and opens the print dialog
    page.evaluate("window.print = () => { window.printAsked = true; }")
    page.get_by_role("button", name="Print this page").click()
    assert page.evaluate("window.printAsked") is True
    snap(page, "admin-class-list-passwords")

    # the print button and the way back are one pair: the same size and type
    look = """el => { const s = getComputedStyle(el), box = el.getBoundingClientRect();
        return [Math.round(box.height), s.fontFamily, s.fontSize, s.fontWeight, s.paddingLeft]; }"""
    print_button = page.get_by_role("button", name="Print this page").evaluate(look)
    back = page.get_by_role("link", name="Back to 1A").evaluate(look)
    assert print_button == back

    # on paper: the list and where to log in, none of the admin around it
    page.emulate_media(media="print")
    assert page.locator("table.class-list-passwords").is_visible()
    assert page.locator(".class-list-login").is_visible()
    for around in ("#header", ".breadcrumbs", ".class-list-note", ".class-list-actions", "h1"):
        assert not page.locator(around).first.is_visible(), around
    border = rows.nth(0).locator("td").first.evaluate("td => getComputedStyle(td).borderTopStyle")
    assert border == "dashed"  # lines to cut along
    page.emulate_media(media="screen")

    # the same pupil pasted into another class's list of the school is named, with their class
    # and how to move them, not given another account
    other = Classroom.objects.create(school=classroom.school, name="2B")
    page.goto(f"/admin/studyflow/classroom/{other.pk}/add-students/")
    page.get_by_label("Students, one per line").fill('"Sem","Bakker"')
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    assert (
        "Line 1 (Sem Bakker): a student of that name, sem.bakker, is in class 1A; to move them to "
        "2B, remove them from 1A's students on its class page"
    ) in page.locator(".errorlist").inner_text()
    assert add_anyway.count() == 1 and not other.students.exists()
    snap(page, "admin-class-list-other-class")


def test_a_double_click_on_add_ends_on_the_passwords_of_the_students_added(
    new_page: Callable[..., Any],
    login: Callable[[Any, str, str], None],
    snap: Callable[[Any, str], None],
) -> None:
    # given staff on the form of a class's list
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    classroom = Classroom.objects.create(school=School.objects.create(name="E2E School"), name="1A")
    page = new_page()
    login(page, "boss", PASSWORD)
    forms: list[Any] = []
    page.on("request", lambda r: forms.append(r) if r.method == "POST" else None)
    page.goto(f"/admin/studyflow/classroom/{classroom.pk}/add-students/")
    page.get_by_label("Students, one per line").fill("Zoë, de Vries\nSem, Bakker, sem")

    # when they double-click "Add these students"
    double_click(page, page.get_by_role("button", name="Add these students"))
    wait_for_the_page_the_last_form_leads_to(page, forms)
    assert len(forms) == 2  # the browser did send the form twice
    # then each student was added once, and the page it ends on (whichever form's redirect came
    # last) is the list's own, showing their passwords
    assert sorted(classroom.students.values_list("username", flat=True)) == ["sem", "zoe.devries"]
    assert re.search(r"/add-students/[0-9a-f-]{36}/$", page.url)
    shown = credentials(page)
    assert [username for username, _ in shown] == ["zoe.devries", "sem"]
    snap(page, "admin-class-list-double-click")

    # and reloaded, the page shows the same passwords and adds nobody again
    page.reload()
    assert credentials(page) == shown
    assert classroom.students.count() == 2
    # and the passwords shown log the students in
    for username, password in shown:
        theirs = new_page()
        login(theirs, username, password)
        assert theirs.url.endswith("/dashboard/")

    # when a namesake's list, with "Add them anyway" ticked, is double-clicked too
    page.goto(f"/admin/studyflow/classroom/{classroom.pk}/add-students/")
    page.get_by_label("Students, one per line").fill("Zoë, de Vries")
    with page.expect_navigation():
        page.get_by_role("button", name="Add these students").click()
    page.get_by_label("Add them anyway: these are different students of the same name").check()
    forms.clear()
    double_click(page, page.get_by_role("button", name="Add these students"))
    wait_for_the_page_the_last_form_leads_to(page, forms)
    # then she got one account, not two, and the page shows its password
    assert len(forms) == 2 and classroom.students.count() == 3
    assert [username for username, _ in credentials(page)] == ["zoe.devries2"]


def credentials(page: Any) -> list[tuple[str, str]]:
    """(username, password) of each row of the page of passwords."""
    rows = page.locator("table.class-list-passwords tbody tr")
    cells = [rows.nth(n).locator("td") for n in range(rows.count())]
    return [(row.nth(1).inner_text(), row.nth(2).inner_text()) for row in cells]
