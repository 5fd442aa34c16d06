"""Study time from event times: one rule for the student's pass summary and the teacher's reports
(reporting.projections credits each event the gap before it)."""

from __future__ import annotations

from datetime import datetime

# An idle gap longer than this is not study time: the student walked away. The gap still counts,
# but only up to the cap (the student presumably worked a little before leaving).
IDLE_CAP_MS = 5 * 60 * 1000


def gap_ms(previous: datetime | None, current: datetime) -> int:
    """Study time credited to `current`: the capped gap since the student's previous event.

    The first event of a student has no gap. Events are taken in the log's commit order; two
    concurrent requests of one student may commit out of clock order, and a negative gap counts 0.
    """
    if previous is None:
        return 0
    delta = current - previous
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    return max(0, min(ms, IDLE_CAP_MS))
