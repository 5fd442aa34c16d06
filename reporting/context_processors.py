"""Template context for the teacher pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from events.selectors import rebuild_progress


def rebuilding(request: HttpRequest) -> dict[str, Any]:
    """`reports_rebuilding`: the share done of a projection rebuild under way, else None. A
    callable, so only a page that shows it (the teacher pages) reads the checkpoints."""
    return {"reports_rebuilding": rebuild_progress}
