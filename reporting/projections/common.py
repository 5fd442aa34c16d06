"""What the reporting projections share: the event shape they read and the time-spent rule.

Everything here is pure (no Django): projections are functions from events and the current rows of
the keys those events touch to new rows; their thin writers in each module do the database work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any, Protocol

from quiz import domain
from quiz.answers import answer_group, normalise_answer
from quiz.study_time import WORKED_ON, gap_ms

# The quiz domain's event catalogue, under the names the projections use: one source of the names.
QUIZ_STARTED = domain.QUIZ_STARTED
QUESTION_ASSIGNED = domain.QUESTION_ASSIGNED
ANSWERED_CORRECTLY = domain.ANSWERED_CORRECTLY
ANSWERED_INCORRECTLY = domain.ANSWERED_INCORRECTLY
ANSWER_REVEALED = domain.ANSWER_REVEALED
GOT_STUCK = domain.STUDENT_GOT_STUCK
GOT_UNSTUCK = domain.STUDENT_GOT_UNSTUCK
QUIZ_PASSED = domain.QUIZ_PASSED
QUIZ_EVENT_TYPES = domain.EVENT_TYPES
ANSWER_TYPES = frozenset({ANSWERED_CORRECTLY, ANSWERED_INCORRECTLY})
TRY_TYPES = WORKED_ON  # an answer or a reveal: a try at a question, and study time's own set

# Answers repeat a lot ("12", "1/2"); normalising and grouping are pure, so the projections share a
# cache of the recent ones.
normalise = lru_cache(maxsize=65_536)(normalise_answer)
group = lru_cache(maxsize=65_536)(answer_group)


class EventLike(Protocol):
    """The part of events.store.RecordedEvent the projections read."""

    @property
    def position(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def recorded_at(self) -> datetime: ...


@dataclass(frozen=True)
class Timed:
    """An event with the study time credited to it (see gap_ms)."""

    event: EventLike
    ms: int


def credit_time(
    events: Iterable[EventLike], last_seen: Mapping[int, datetime]
) -> tuple[list[Timed], dict[int, datetime]]:
    """Credit each event with the capped gap since the same student's previous event.

    "Consecutive" is per student over all their quizzes (not per chapter): a student has one clock,
    so switching chapters never counts the same minutes twice, and the gap before an event is
    attributed to that event's chapter, class and day. `last_seen` holds each student's last event
    time before this batch; the second result is its update for the students seen here.
    """
    clocks: dict[int, datetime] = {}
    timed: list[Timed] = []
    for event in events:
        student = int(event.data["student_id"])
        previous = clocks[student] if student in clocks else last_seen.get(student)
        timed.append(Timed(event, gap_ms(previous, event.recorded_at, event.type)))
        clocks[student] = event.recorded_at
    return timed, clocks


@lru_cache(maxsize=8192)
def local_day(at: datetime, tz: tzinfo) -> date:
    """The school day of an instant, in the school's time zone (cached: the events of one command
    share their time, and a batch asks for each event's day more than once)."""
    return at.astimezone(tz).date()


def students_of(events: Iterable[EventLike]) -> set[int]:
    return {int(event.data["student_id"]) for event in events}


@dataclass
class ClockRow:
    """A student's last event time, kept by each time-spent projection to measure the next gap."""

    student_id: int
    last_event_at: datetime
