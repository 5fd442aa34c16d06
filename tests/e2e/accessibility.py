"""Accessibility checks of the browser tests: axe-core's WCAG 2.1 A and AA rules on a page as it
stands, at a phone's and a desktop's width.

axe-core comes from the pinned `axe-playwright-python` (its bundled `axe.min.js`). It is put into
the page with `page.evaluate`, which the DevTools protocol runs outside the page's
Content-Security-Policy, so the site's policy stays as strict as it is: no inline script, no
eval. The pages are opened by `new_page`, whose PolicyWatch still sees every report of the
policy, axe's own doings included.

`AxeCheck.check(page, name)` notes every violation with the page's name and the width;
`assert_no_violations()` then fails naming them all, so one run shows everything to fix.

Pages work without JavaScript too (a context opened with `new_page(js=False)`), and are checked
so. axe cannot run in such a page itself: it waits on timers, and with scripts switched off
chromium runs no timer callback, so `axe.run` would never finish. `check` therefore shows axe the
page as it stands (its markup, served again at the same address, with the same styles and width)
in a page of its own where scripting is on but every script request is refused: the site's
scripts never run, as without JavaScript, and axe's timers do. The two differ only in what
depends on scripting being switched on in the browser: `<noscript>` (which the site does not use;
`check` refuses a page with one) and CSS's `scripting` media feature (which it does not use
either).

On an admin page, only part of the markup is the project's: `check(page, name, include=...,
exclude=...)` takes CSS selectors (axe's context) to check that part alone, so a finding in
Django's stock admin markup, which the project does not own, does not hide under a blanket rule
switched off for every page.

axe reads the page's style sheets before it runs ("preload"), for css-orientation-lock alone, and
it reads a sheet that another `@import`s by putting its text into an inline `<style>`: the policy
blocks that (which fails the test) and the preload then fails, so the rule would not be checked
anyway. A page with such a sheet (Django admin's change forms: its forms.css imports widgets.css)
is checked with `preload=False`: every rule but css-orientation-lock, and nothing blocked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from tests.e2e.conftest import NARROW, WIDE

AXE_SCRIPT = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")

# WCAG 2.0 and 2.1, levels A and AA (WCAG 2.1 adds its own rules to 2.0's).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Rules switched off for every page, each with the reason. Keep this short: a violation is fixed
# in the templates or the CSS, never silenced here because it is inconvenient.
DISABLED_RULES: dict[str, str] = {}

RUN_AXE = """async ({tags, disabled, include, exclude, preload}) => {
    const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
    // axe's context: the parts named, or else the whole document; less any excluded.
    const context = include.length ? {include, exclude} : {exclude};
    const results = await axe.run(context, {
        runOnly: {type: "tag", values: tags},
        rules,
        preload,
        resultTypes: ["violations"],
    });
    return results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
    }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    page: str
    width: int
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = "".join(f"\n    {target}" for target in self.targets)
        return f"{self.rule} ({self.impact}) on {self.page} at {self.width} px: {self.help}{where}"


# What the site's styles set on every page, to compare a copy with its page.
LOOKS = """() => {
    const style = getComputedStyle(document.body);
    return [style.fontFamily, style.color, style.backgroundColor, document.styleSheets.length];
}"""


@dataclass(frozen=True)
class Scope:
    """What of a page axe looks at: CSS selectors to include and exclude (none: all of it), and
    whether it preloads the style sheets."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]
    preload: bool


@dataclass
class AxeCheck:
    """Runs axe on pages and keeps what it found."""

    disabled: dict[str, str] = field(default_factory=lambda: dict(DISABLED_RULES))
    violations: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    # What the copies of pages without scripts loaded besides the page (styles, images, fonts),
    # kept for the next copy: each copy is a fresh browser context, which routes its requests and
    # so keeps no HTTP cache, and would ask the live server for all of them again.
    fetched: dict[str, dict[str, Any]] = field(default_factory=dict)

    def check(
        self,
        page: Any,
        name: str,
        widths: tuple[int, ...] = (NARROW, WIDE),
        *,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        preload: bool = True,
    ) -> None:
        """Run axe on the page at each width, then give the page back its own width.

        `include` and `exclude` (CSS selectors) narrow the check to part of the page; each
        `include` must match something, or the check would pass on nothing at all. `preload=False`
        for a page whose styles `@import` others (see the module's docstring)."""
        where = Scope(include, exclude, preload)
        for selector in include:
            assert page.locator(selector).count(), f"{name}: nothing matches {selector!r}"
        if page.evaluate("() => matchMedia('(scripting: none)').matches"):
            self._check_without_scripts(page, name, widths, where)
            return
        original = page.viewport_size
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(50)  # let the layout settle
            self.violations.extend(self._run(page, name, width, where))
            self.checked.append(f"{name}@{width}")
        page.set_viewport_size(original)

    def _check_without_scripts(
        self,
        page: Any,
        name: str,
        widths: tuple[int, ...],
        where: Scope,
    ) -> None:
        """Check a page whose scripts are switched off, in a copy where only axe's run (see the
        module's docstring)."""
        url, html = page.url, page.content()
        assert "<noscript" not in html.lower(), (
            f"{name}: a page with <noscript> looks different with scripting on; check it otherwise"
        )

        def serve(route: Any) -> None:
            request = route.request
            if request.is_navigation_request() and request.url == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:  # the styles, images and fonts, from the live server once a test
                if request.url not in self.fetched:
                    response = route.fetch()
                    # body() is decoded: its length and encoding are no longer the headers'
                    # (a compressed style sheet would reach the copy unreadable, unstyled).
                    headers = {
                        key: value
                        for key, value in response.headers.items()
                        if key.lower() not in {"content-encoding", "content-length"}
                    }
                    self.fetched[request.url] = {
                        "status": response.status,
                        "headers": headers,
                        "body": response.body(),
                    }
                route.fulfill(**self.fetched[request.url])

        context = page.context.browser.new_context(viewport=page.viewport_size)
        try:
            context.route("**/*", serve)
            copy = context.new_page()
            copy.goto(url)
            # The copy is styled as the page is (colours decide contrast): a style sheet it
            # failed to load would let axe pass an unstyled page.
            assert copy.evaluate(LOOKS) == page.evaluate(LOOKS), f"{name}: the copy looks otherwise"
            name = f"{name}, no JavaScript"
            for width in widths:
                copy.set_viewport_size({"width": width, "height": 800})
                copy.wait_for_timeout(50)  # let the layout settle
                self.violations.extend(self._run(copy, name, width, where))
                self.checked.append(f"{name}@{width}")
        finally:
            context.close()

    def _run(self, page: Any, name: str, width: int, where: Scope) -> list[Violation]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)
        found = page.evaluate(
            RUN_AXE,
            {
                "tags": WCAG_TAGS,
                "disabled": list(self.disabled),
                "include": list(where.include),
                "exclude": list(where.exclude),
                "preload": where.preload,
            },
        )
        return [
            Violation(
                rule=v["id"],
                page=name,
                width=width,
                impact=str(v["impact"]),
                help=v["help"],
                targets=tuple(f"{n['target']}: {n['summary']}" for n in v["nodes"]),
            )
            for v in found
        ]

    def assert_no_violations(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.violations, (
            f"{len(self.violations)} accessibility violations (axe-core, WCAG 2.1 A and AA):\n"
            + "\n".join(str(v) for v in self.violations)
        )
