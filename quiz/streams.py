"""A quiz's stream: its id, reading it, and the events a command appends to it.

A command's event ids derive from its command id (uuid5): the store's unique event id keeps a
re-sent command from appending twice, and finds what it appended the first time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from events import store
from events.store import NewEvent, RecordedEvent
from quiz.domain import DomainEvent, QuizState, fold
from quiz.errors import QuizNotFound

# Quiz ids are derived, not random: the n-th quiz of a student on a chapter has a known id, so two
# concurrent starts race for the same stream and the loser finds the winner's quiz.
QUIZ_NAMESPACE = uuid.UUID("5b0f6c1e-2d1a-4c8e-9a57-0d5e3f1c7a21")


def stream_id(quiz_id: uuid.UUID | str) -> str:
    return f"quiz-{quiz_id}"


def nth_quiz_id(*, student_id: int, chapter_id: int, n: int) -> uuid.UUID:
    return uuid.uuid5(QUIZ_NAMESPACE, f"{student_id}:{chapter_id}:{n}")


def parse_quiz_id(quiz_id: uuid.UUID | str) -> uuid.UUID:
    if isinstance(quiz_id, uuid.UUID):
        return quiz_id
    try:
        return uuid.UUID(str(quiz_id))
    except ValueError:
        raise QuizNotFound() from None


def read(stream: str) -> tuple[tuple[RecordedEvent, ...], QuizState]:
    """The quiz's events and its state (the shape quiz.caches keeps). Without the events'
    metadata: folding does not look at it."""
    events = tuple(store.read_stream(stream, metadata=False))
    return events, fold(events)


# --- a command's events ---------------------------------------------------------------------------


def check_command_id(command_id: object) -> None:
    # A programming error, not a client's: the API and the pages always pass a UUID.
    if not isinstance(command_id, uuid.UUID):
        raise TypeError(f"command_id must be a uuid.UUID, not {command_id!r}")


def event_id(command_id: uuid.UUID, index: int) -> uuid.UUID:
    return uuid.uuid5(command_id, str(index))


def new_events(
    decided: Sequence[DomainEvent],
    actor: Any,
    command_id: uuid.UUID,
    correlation_id: uuid.UUID | None,
) -> list[NewEvent]:
    """The store's events for what the command decided, with ids derived from its id."""
    command = str(command_id)
    metadata = {
        "command_id": command,
        "correlation_id": str(correlation_id) if correlation_id else command,
        "causation_id": command,
        "actor_id": actor.pk,
    }
    return [
        NewEvent(type=e.type, data=e.data, metadata=metadata, event_id=event_id(command_id, i))
        for i, e in enumerate(decided)
    ]


def applied_events(
    events: Sequence[RecordedEvent], command_id: uuid.UUID
) -> tuple[int, list[RecordedEvent]]:
    """Where in `events` the command appended, and what: (index of its first event, its events),
    or (-1, []). By event id (derived from the command id), so streams read without metadata
    will do; a command's events are appended together, so they follow one another."""
    first = event_id(command_id, 0)
    start = next((i for i, e in enumerate(events) if e.event_id == first), -1)
    if start < 0:
        return -1, []
    applied = [events[start]]
    for e in events[start + 1 :]:
        if e.event_id != event_id(command_id, len(applied)):
            break
        applied.append(e)
    return start, applied
