"""Template context for the teacher pages."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest

from events.selectors import Stall, rebuild_progress, stall


def rebuild_percent() -> int | None:
    """The percentage done of a projection rebuild under way (rounded down: never "100%" before
    it ends), else None."""
    done = rebuild_progress()
    return None if done is None else min(99, math.floor(100 * done))


def reports_stalled() -> Stall | None:
    return stall()


def rebuilding(request: HttpRequest) -> dict[str, Any]:
    """`reports_rebuilding` (see rebuild_percent) and `reports_stalled` (events.selectors.stall).
    Callables, so only a page that shows them (the teacher pages) reads the checkpoints."""
    return {"reports_rebuilding": rebuild_percent, "reports_stalled": reports_stalled}
