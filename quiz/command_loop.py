"""The commands on a started quiz (answer, reveal, next): load the quiz, decide, append with the
expected version; on a conflict, read the stream and decide again, a bounded number of times.

A quiz's events and state are taken from quiz.caches when this process ran the quiz's previous
command. That state may be stale (another process moved the quiz on): the append's expected
version catches a decision made on it, and a refusal decided on it is checked on a fresh read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from events import store
from events.store import NewEvent, RecordedEvent
from quiz import caches, content, streams
from quiz.answers import names_a_choice
from quiz.content import QuestionContent
from quiz.domain import (
    AnswerQuestion,
    Command,
    DomainEvent,
    NextQuestion,
    Pick,
    QuizState,
    decide,
    fold,
)
from quiz.errors import (
    CommandIdReused,
    CommandRejected,
    ConcurrencyConflict,
    InvalidAnswer,
    QuizNotFound,
)
from quiz.models import CommandOutcome
from quiz.pools import pool_of, random_pick
from quiz.resends import record_outcome, recorded_outcome, replay_of, stream_of_command
from quiz.results import CommandResult, question_revision, view_of
from quiz.thousands import doubtful_thousands

MAX_ATTEMPTS = 5


class Stale(Exception):
    """Decided on a state that may be out of date: read the stream and decide again."""


def handle(
    actor: Any,
    quiz_id: uuid.UUID | str,
    command: Command,
    command_id: uuid.UUID,
    now: datetime | None,
    correlation_id: uuid.UUID | None,
    pick: Pick | None,
) -> CommandResult:
    """Decide the command on the quiz and append what it decided (or replay a re-send's first
    outcome); decide again on a fresh read when the state decided on turns out stale."""
    streams.check_command_id(command_id)
    stream = streams.stream_id(streams.parse_quiz_id(quiz_id))
    now = now or timezone.now()
    cached = caches.stream(stream)
    for _ in range(MAX_ATTEMPTS):
        events, state = cached if cached is not None else streams.read(stream)
        from_cache, cached = cached is not None, None  # a retry always reads the stream
        if not state.started or state.student_id != getattr(actor, "pk", None):
            raise QuizNotFound()  # a quiz never changes hands: a cached state may say so too
        replay = replay_of(command, events, command_id)
        if replay is not None:
            return replay
        questions = _questions_for(state, command)
        try:
            decided = _decide(state, command, questions, pick=pick, now=now, from_cache=from_cache)
            new = streams.new_events(decided, actor, command_id, correlation_id)
            recorded = _append(stream, new, state.version, command_id, now)
        except Stale:
            continue
        except CommandRejected as rejection:  # deciding refused it, on a fresh read
            return _refused(rejection, actor, command, command_id, stream, state.version, now)
        except store.PreconditionFailed:
            # A re-send of a command that appended nothing the first time: that outcome again,
            # where deciding afresh would now apply it.
            name = type(command).__name__
            again = recorded_outcome(command_id, actor, command=name, stream=stream)
            if again is None:  # forgotten since (retention): decide afresh
                continue
            return again
        state = fold(recorded, state)
        caches.remember_stream(stream, (*events, *recorded), state)
        return CommandResult(view_of(state, questions), events=list(recorded))
    raise ConcurrencyConflict()


def _questions_for(state: QuizState, command: Command) -> tuple[QuestionContent, ...]:
    """The question content deciding needs (and the view shows): only what the command uses."""
    if isinstance(command, NextQuestion):
        return (
            caches.pool(state.chapter_id, content.chapter_pool) if not state.question_open else ()
        )
    if state.question_open and state.question_id is not None:
        assert state.question_revision is not None
        return (question_revision(state.question_id, state.question_revision),)
    return ()


def _decide(
    state: QuizState,
    command: Command,
    questions: Sequence[QuestionContent],
    *,
    pick: Pick | None,
    now: datetime,
    from_cache: bool,
) -> list[DomainEvent]:
    """The command's events; InvalidAnswer or CommandRejected when it is refused. Stale when a
    state from the cache refuses it: the quiz may have moved on in another process."""
    if isinstance(command, AnswerQuestion):
        unclear = _unclear(command, questions)
        if unclear is not None:
            if from_cache:
                raise Stale()  # the open question may have changed in another process
            raise InvalidAnswer(unclear)
    try:
        return decide(state, command, pool=pool_of(questions), pick=pick or random_pick, now=now)
    except CommandRejected:
        if from_cache:
            raise Stale() from None
        raise


def _unclear(command: AnswerQuestion, questions: Sequence[QuestionContent]) -> str | None:
    """Why the answer cannot be judged, as the student reads it; None when it can. A bad request,
    not a mistake that breaks the streak: an answer to a choice question that names none of its
    choices (the pages only send keys; an API client may not), and a number that is right only
    if its point or comma is a thousands separator (`10.000` for 10000): ask which it is."""
    if len(questions) != 1:
        return None  # no open question: deciding refuses the answer
    question = questions[0]
    if question.kind == "choice":
        if names_a_choice(command.answer, (choice.key for choice in question.choices)):
            return None
        keys = ", ".join(choice.key for choice in question.choices)
        return f"Answer with one of the choices: {keys}."
    return doubtful_thousands(
        command.answer, kind=question.kind, accepted_answers=question.accepted_answers
    )


def _refused(
    rejection: CommandRejected,
    actor: Any,
    command: Command,
    command_id: uuid.UUID,
    stream: str,
    version: int,
    now: datetime,
) -> CommandResult:
    """A command refused on a fresh read: a re-send's first outcome, whatever deciding says now;
    else the refusal, recorded for a re-send."""
    name = type(command).__name__
    again = recorded_outcome(command_id, actor, command=name, stream=stream)
    if again is not None:
        return again
    if stream_of_command(command_id) not in (None, stream):
        raise CommandIdReused() from None  # applied on another quiz: not this refusal
    record_outcome(command_id, name, actor, stream, version, now, rejection=rejection)
    raise rejection


def _append(
    stream: str, new: Sequence[NewEvent], version: int, command_id: uuid.UUID, now: datetime
) -> list[RecordedEvent]:
    """Append at the version decided on. Stale when the quiz moved on since, or when these very
    events turn out to be stored already (the next round replays them)."""
    try:
        recorded = store.append(
            stream,
            new,
            expected_version=version,
            recorded_at=now,
            # In the append's own statement, not a lookup before it: a round trip less.
            precondition=store.Absent(CommandOutcome, "command_id", command_id),
        )
    except store.WrongExpectedVersion:
        caches.forget_stream(stream)
        raise Stale() from None
    except store.EventIdReused:
        # Either this very command won a race against itself (the next round replays it) or
        # the id was used for a command on another quiz.
        caches.forget_stream(stream)
        if stream_of_command(command_id) != stream:
            raise CommandIdReused() from None
        raise Stale() from None
    if recorded[0].version != version + 1:
        # The store found these very events already stored (an identical re-append): the
        # command was applied before; read the stream to return that first outcome.
        caches.forget_stream(stream)
        raise Stale()
    return recorded
