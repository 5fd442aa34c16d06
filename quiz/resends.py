"""A re-sent command gets its first outcome (a client re-sends with the same command id).

A command that appended is found by its events (their ids derive from the command id); one that
appended nothing (it was refused, or a start returned the open quiz) left a CommandOutcome. The
same command id on a different request is refused (CommandIdReused): a client that reused its key
must hear so, not get the outcome of another request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from events import store
from events.models import Event
from events.store import RecordedEvent
from quiz import streams
from quiz.domain import QUIZ_STARTED, Command, fold, is_repeat_of
from quiz.errors import CommandIdReused, CommandRejected
from quiz.models import CommandOutcome
from quiz.results import CommandResult, view_of

# --- commands that appended: found by their events -----------------------------------------------


def replay_of(
    command: Command, events: Sequence[RecordedEvent], command_id: uuid.UUID
) -> CommandResult | None:
    """The first outcome of `command` if its id appended to `events`: the same request again."""
    replay = _replay(events, command_id)
    if replay is not None and not is_repeat_of(command, replay.events[0]):
        raise CommandIdReused()
    return replay


def replay_start(
    actor: Any, command_id: uuid.UUID, stream: str, *, chapter_id: int
) -> CommandResult:
    """A start re-sent: its first outcome, if that started this student's quiz on this chapter."""
    events, state = streams.read(stream)
    if state.student_id != actor.pk or state.chapter_id != chapter_id:
        raise CommandIdReused()
    replay = _replay(events, command_id)
    if replay is None or not replay.created:
        raise CommandIdReused()
    return replay


def replay_start_elsewhere(actor: Any, command_id: uuid.UUID, *, chapter_id: int) -> CommandResult:
    """A start re-sent: the first outcome, found by the command's first event id (unique index)."""
    stream = stream_of_command(command_id)
    if stream is None:
        raise CommandIdReused()
    return replay_start(actor, command_id, stream, chapter_id=chapter_id)


def sent_before(command_id: uuid.UUID, *, actor_id: int) -> bool:
    """Whether the actor's command `command_id` was decided before: it appended (its first event
    is there) or it left an outcome (refused, or a start that returned the open quiz). Sent again
    it appends nothing, whatever it asks: its first outcome, or command_id_reused. One or two
    lookups by unique key."""
    return (
        Event.objects.filter(
            event_id=streams.event_id(command_id, 0), metadata__actor_id=actor_id
        ).exists()
        or CommandOutcome.objects.filter(command_id=command_id, actor_id=actor_id).exists()
    )


def stream_of_command(command_id: uuid.UUID) -> str | None:
    return (
        Event.objects.filter(event_id=streams.event_id(command_id, 0))
        .values_list("stream_id", flat=True)
        .first()
    )


def _replay(events: Sequence[RecordedEvent], command_id: uuid.UUID) -> CommandResult | None:
    """The outcome of `command_id` as when it was first applied, if it was applied here."""
    start, applied = streams.applied_events(events, command_id)
    if not applied:
        return None
    state = fold(events[: start + len(applied)])
    created = any(e.type == QUIZ_STARTED for e in applied)
    return CommandResult(view_of(state), events=applied, created=created)


# --- commands that appended nothing: their recorded outcome --------------------------------------


def recorded_outcome(
    command_id: uuid.UUID, actor: Any, *, command: str, stream: str
) -> CommandResult | None:
    """The outcome recorded for a re-sent command on the quiz, again; None when there is none."""
    outcome = outcome_of(command_id)
    if outcome is None:
        return None
    return outcome_again(outcome, actor, command=command, stream=stream)


def outcome_of(command_id: uuid.UUID) -> CommandOutcome | None:
    """Asked when a command is refused or its append finds an outcome (and by start_quiz on
    SQLite): the other commands have their append check that none exists (store.Absent)."""
    return CommandOutcome.objects.filter(command_id=command_id).first()


def outcome_again(
    outcome: CommandOutcome,
    actor: Any,
    *,
    command: str,
    stream: str | None = None,
    chapter_id: int | None = None,
) -> CommandResult:
    """A re-sent command that appended nothing the first time: the same rejection, or the same
    view of the open quiz a start returned."""
    if outcome.actor_id != actor.pk or outcome.command != command:
        raise CommandIdReused()
    if stream is not None and outcome.stream_id != stream:
        raise CommandIdReused()
    if chapter_id is not None and outcome.chapter_id != chapter_id:
        raise CommandIdReused()
    if outcome.code:
        raise CommandRejected(outcome.code, outcome.message)
    state = fold(store.read_stream(outcome.stream_id, metadata=False)[: outcome.version])
    return CommandResult(view_of(state), events=[], created=False)


def record_outcome(
    command_id: uuid.UUID,
    command: str,
    actor: Any,
    stream: str,
    version: int,
    now: datetime,
    *,
    chapter_id: int | None = None,
    rejection: CommandRejected | None = None,
) -> None:
    """Remember a command that appended nothing. The first outcome stays (a re-send that raced
    this one to a different decision does not overwrite it). This is a write: inside a caller's
    transaction, append nothing after it (an append must be its transaction's first write)."""
    CommandOutcome.objects.bulk_create(
        [
            CommandOutcome(
                command_id=command_id,
                command=command,
                actor_id=actor.pk,
                stream_id=stream,
                version=version,
                chapter_id=chapter_id,
                code=rejection.code if rejection else "",
                message=rejection.message[:300] if rejection else "",
                recorded_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def forget_old_outcomes(*, days: int, now: datetime | None = None) -> int:
    """Delete the outcomes recorded more than `days` ago; how many."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = CommandOutcome.objects.filter(recorded_at__lt=cutoff).delete()
    return deleted
