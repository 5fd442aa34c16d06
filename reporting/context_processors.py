"""Template context for the teacher pages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from events.selectors import Stall, checkpoint_state


@dataclass(frozen=True)
class ReportsStatus:
    """Whether the reports' figures are complete, as the teacher pages and the API say it."""

    # The percentage done of a rebuild under way (rounded down: never "100%" before it ends).
    rebuilding_percent: int | None
    # A release changed how the reports are computed and their rebuild has not started yet: the
    # figures are the old way's until it has run (rebuilding_percent meanwhile). Or a release
    # added a projection that has not applied the log yet: its figures are missing until then.
    rebuild_pending: bool
    stall: Stall | None  # projections stopped on an event


def reports_status() -> ReportsStatus:
    state = checkpoint_state()
    done = state.rebuild_progress
    percent = None if done is None else min(99, math.floor(100 * done))
    return ReportsStatus(percent, state.rebuild_pending, state.stall)


def rebuilding(request: HttpRequest) -> dict[str, Any]:
    """`reports_status`, read once per page and only by a page that shows it (the teacher pages)."""
    return {"reports_status": SimpleLazyObject(reports_status)}
