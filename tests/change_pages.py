"""How an admin change page names the row it edits, for the tests of a refused save."""

from __future__ import annotations

import re
from typing import Any


def names_on_the_page(response: Any) -> tuple[str, str, str]:
    """How a change page names its row: in its title, its heading and its breadcrumbs' last."""
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    heading = re.search(r"<h2>(.*?)</h2>", html, re.S)
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S)
    assert title and heading and crumbs, "a change page"
    return (
        title.group(1).split(" | ")[0],
        heading.group(1),
        crumbs.group(1).split("&rsaquo;")[-1].strip(),
    )
