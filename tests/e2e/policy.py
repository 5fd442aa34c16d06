"""Every browser test also checks the site's Content-Security-Policy: chromium reports each thing
the policy blocked (an inline style, an inline script, eval) on the console, and a test whose
pages caused any such report fails, naming them. Playwright runs a `wait_for_function` expression
through eval, which the policy blocks too: write predicates as functions (`"() => ..."`)."""

from __future__ import annotations

from typing import Any

BLOCKED = "Content Security Policy"
# htmx's own report of an attribute it would have run through eval (its config allows none, as
# the policy would block it): an hx-trigger filter, say, which htmx then takes as always true.
EVAL_REFUSED = "evalDisallowedError"


class PolicyWatch:
    """Opens browser contexts that note every policy report of their pages."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.reports: list[str] = []

    def new_context(self, **options: Any) -> Any:
        context = self.browser.new_context(**options)
        context.on("console", self._note)
        return context

    def _note(self, message: Any) -> None:
        if BLOCKED in message.text or EVAL_REFUSED in message.text:
            self.reports.append(f"{message.location.get('url', '?')}: {message.text}")

    def assert_nothing_blocked(self) -> None:
        assert not self.reports, "the page did something its policy forbids:\n" + "\n".join(
            self.reports
        )
