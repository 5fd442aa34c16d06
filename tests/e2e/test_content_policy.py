"""The Content-Security-Policy holds on every kind of page: the demo school, browsed in a real
browser by its staff (every admin list, a change page of each, the API docs) and its teacher. A
page that needs something the policy blocks fails the test (`new_page`, tests/e2e/policy.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from quiz.models import Chapter
from studyflow.csp import DEFAULT_POLICY, HEADER

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_response_carries_the_policy(demo_school: None) -> None:
    client = Client()
    for path in ("/login/", "/api/health/", "/no-such-page/", "/static/studyflow/site.css"):
        assert client.get(path)[HEADER] == DEFAULT_POLICY, path


def test_the_admin_keeps_to_the_policy(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page = new_page()
    login(page, "admin", "admin")
    page.goto("/admin/")
    lists = page.eval_on_selector_all(
        "#content-main a[href$='/']:not([href$='/add/'])", "links => links.map(a => a.href)"
    )
    assert len(lists) > 10, lists
    for url in lists:
        page.goto(url)
        first_row = page.locator("#result_list tbody th a").first
        if first_row.count():
            first_row.click()
            page.wait_for_load_state("load")
    for url in ("/admin/quiz/question/add/", "/admin/studyflow/classroom/add/"):
        page.goto(url)
        page.wait_for_load_state("load")


def test_the_api_docs_run_their_script_from_a_file(
    demo_school: None, new_page: Callable[..., Any], login: Callable[..., None]
) -> None:
    page = new_page()
    login(page, "teacher", "teacher")
    page.goto("/api/docs/")
    # Swagger UI draws the schema's operations only when its start-up script ran.
    page.get_by_text("/api/quizzes/").first.wait_for()


def test_the_teacher_pages_keep_to_the_policy(
    demo_school: None,
    new_page: Callable[..., Any],
    login: Callable[..., None],
    snap: Callable[[Any, str], None],
) -> None:
    page = new_page()
    login(page, "teacher", "teacher")
    page.get_by_role("link", name="2A").first.click()
    page.wait_for_selector("#grid")
    # The chart's day labels: one equal column per bar, on one line, without an inline style.
    tops = page.eval_on_selector_all(
        ".chart-labels span", "spans => spans.map(span => span.getBoundingClientRect().top)"
    )
    assert len(tops) == page.locator(".chart rect.bar").count() > 1
    assert len(set(tops)) == 1, tops
    page.locator("#grid tbody th a").first.click()
    page.wait_for_load_state("load")
    # a pupil forgot their password: the teacher gives them a new one, shown on a page of its own
    page.get_by_role("link", name=re.compile("^Give .* a new password$")).click()
    page.get_by_role("button", name="Make a new password").click()
    page.wait_for_selector(".credentials")
    snap(page, "teacher-new-password")
    page.get_by_role("link", name=re.compile("^Back to ")).click()
    chapter = Chapter.objects.order_by("pk").first()
    assert chapter is not None
    page.goto(f"/teacher/chapters/{chapter.pk}/questions/")
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Password").click()
    page.get_by_role("button", name="Change password").click()  # empty: the form says why
    page.wait_for_selector(".field-error")
    snap(page, "password-change-refused")
