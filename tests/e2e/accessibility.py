"""Accessibility checks of the browser tests: axe-core's WCAG 2.1 A and AA rules on a page as it
stands, at a phone's and a desktop's width.

axe-core comes from the pinned `axe-playwright-python` (its bundled `axe.min.js`). It is put into
the page with `page.evaluate`, which the DevTools protocol runs outside the page's
Content-Security-Policy, so the site's policy stays as strict as it is: no inline script, no
eval. The pages are opened by `new_page`, whose PolicyWatch still sees every report of the
policy, axe's own doings included.

`AxeCheck.check(page, name)` notes every violation with the page's name and the width;
`assert_no_violations()` then fails naming them all, so one run shows everything to fix.
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

RUN_AXE = """async ({tags, disabled}) => {
    const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        rules,
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


@dataclass
class AxeCheck:
    """Runs axe on pages and keeps what it found."""

    disabled: dict[str, str] = field(default_factory=lambda: dict(DISABLED_RULES))
    violations: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, page: Any, name: str, widths: tuple[int, ...] = (NARROW, WIDE)) -> None:
        """Run axe on the page at each width, then give the page back its own width."""
        original = page.viewport_size
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(50)  # let the layout settle
            self.violations.extend(self._run(page, name, width))
            self.checked.append(f"{name}@{width}")
        page.set_viewport_size(original)

    def _run(self, page: Any, name: str, width: int) -> list[Violation]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)
        found = page.evaluate(RUN_AXE, {"tags": WCAG_TAGS, "disabled": list(self.disabled)})
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
