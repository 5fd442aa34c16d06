"""Study time from event times: one rule for the student's pass summary and the teacher's reports
(reporting.projections credits each event the gap before it)."""

from __future__ import annotations

from datetime import datetime

from quiz.domain import ANSWER_REVEALED, ANSWERED_CORRECTLY, ANSWERED_INCORRECTLY

# An idle gap longer than this is not study time: the student walked away.
IDLE_CAP_MS = 5 * 60 * 1000

# After such a gap an answer (or a reveal) still earns the cap: the student presumably worked on
# the question a little, before leaving or after coming back. A start or the next question is a
# click that only moves on; after a break it earns nothing, or a return after a weekend would add
# five minutes to a chapter nobody worked on (and the teacher's figure would exceed the student's).
WORKED_ON = frozenset({ANSWERED_CORRECTLY, ANSWERED_INCORRECTLY, ANSWER_REVEALED})


def gap_ms(previous: datetime | None, current: datetime, event_type: str) -> int:
    """Study time credited to an event of `event_type` at `current`: the gap since the student's
    previous event, capped; after an idle gap only an answer or a reveal earns the cap.

    The first event of a student has no gap. Events are taken in the log's commit order; two
    concurrent requests of one student may commit out of clock order, and a negative gap counts 0.
    """
    if previous is None:
        return 0
    delta = current - previous
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    if ms > IDLE_CAP_MS:
        return IDLE_CAP_MS if event_type in WORKED_ON else 0
    return max(0, ms)
