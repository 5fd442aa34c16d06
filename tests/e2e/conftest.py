"""Browser test fixtures: Debian's chromium driven by Playwright, against the live server.

Generic on purpose, so every e2e test shares them: `browser` (one chromium per session),
`new_page(js=True, width=1280, touch=False)` (a fresh context and page on the live server, with a
touch screen or a mouse; the test fails if a page did what the Content-Security-Policy forbids,
tests/e2e/policy.py),
`login(page, username, password)`, `snap(page, name)` (screenshots at 375 px and 1280 px,
asserting no horizontal scrolling at 375 px), and `demo_school` (the demo's users and course,
its students' work on the last two school days, its reports caught up). Screenshots go to
$E2E_SCREENSHOT_DIR (default test-output/screenshots). The steps the tests share are in
tests/e2e/steps.py.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from quiz.demo_history import school_days, simulate_history
from tests.conftest import skip_without_service
from tests.e2e.policy import PolicyWatch

# Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM calls
# from the test body ("async context"); the test body is plain synchronous code, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT_DIR = Path(os.environ.get("E2E_SCREENSHOT_DIR", "test-output/screenshots"))
NARROW, WIDE = 375, 1280


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every browser test (here, and the ones with a browser fixture of their own) skips without
    chromium, or fails under STUDYFLOW_REQUIRE_SERVICES=1."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_without_service(f"no chromium at {CHROMIUM} (make chromium installs it)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page on the live server in a fresh context (its own cookies). The test fails if any
    of its pages did something the site's Content-Security-Policy forbids."""
    contexts: list[Any] = []
    watch = PolicyWatch(browser)

    def open_page(*, js: bool = True, width: int = WIDE, touch: bool = False) -> Any:
        context = watch.new_context(
            base_url=live_server.url,
            java_script_enabled=js,
            viewport={"width": width, "height": 900},
            has_touch=touch,  # a touch screen: CSS's (pointer: coarse)
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    watch.assert_nothing_blocked()


@pytest.fixture
def login() -> Callable[[Any, str, str], None]:
    def log_in(page: Any, username: str, password: str) -> None:
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

    return log_in


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """Screenshot the page at 375 px and 1280 px; fail if it scrolls sideways at 375 px."""

    def take(page: Any, name: str) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size
        for width in (NARROW, WIDE):
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(50)  # let the layout settle
            if width == NARROW:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= NARROW, (
                    f"{name}: scrolls sideways at 375 px ({scroll_width})"
                )
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size(original)

    return take


def days_holding_school_days(count: int, today: date) -> int:
    """How many days before `today` hold its last `count` school days (for two: two days from a
    Wednesday to a Saturday, three on a Sunday, four on a Monday or a Tuesday)."""
    days = count
    while len(school_days(days=days, today=today)) < count:
        days += 1
    return days


@pytest.fixture
def demo_school() -> None:
    """The demo's users and course, its students' work on the last two school days before today,
    and its reports caught up. Not `seed_demo --history 2`: that is two calendar days, which hold
    no school day on a Monday (one on a Sunday or a Tuesday), and the tests that read the demo's
    answers (its feed, its wrong answers, its busiest student) failed on Mondays."""
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    simulate_history(days=days_holding_school_days(2, today), today=today)
    call_command("projections", "catch-up", stdout=io.StringIO())
