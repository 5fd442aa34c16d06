"""Quiz commands: load the stream, fold, decide, append with the expected version.

Every service is keyword-only and takes the acting user and a `command_id` (a UUID the client
picks, e.g. the API's Idempotency-Key). The command's event ids are derived from it (uuid5), so
re-sending a command returns its first outcome and appends nothing. On WrongExpectedVersion
(another command got in first) the command is decided again on the fresh state, a bounded number
of times.

The append is the first write of its transaction (the event store requires it): nothing is written
before it, and reads (stream, content, roster) happen outside any transaction.

This module is the commands' import point; their parts live beside it: quiz.command_loop (the
commands on a started quiz), quiz.start_lookups (what a start looks up first), quiz.resends (a
re-sent command's first outcome), quiz.streams (ids, reading a quiz, a command's events),
quiz.pools and quiz.results.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from events import store
from quiz import caches, content
from quiz.answers import validate_answer
from quiz.command_loop import MAX_ATTEMPTS, Stale, handle
from quiz.content import ChapterInfo
from quiz.domain import (
    AnswerQuestion,
    NextQuestion,
    Pick,
    QuizState,
    RevealAnswer,
    StartQuiz,
    decide,
    fold,
)
from quiz.errors import ChapterNotFound, CommandRejected, ConcurrencyConflict, NotAStudent
from quiz.pools import pool_of, random_pick
from quiz.resends import (
    forget_old_outcomes,
    outcome_again,
    record_outcome,
    replay_start,
    replay_start_elsewhere,
)
from quiz.results import CommandResult, question_revision, view_of
from quiz.start_lookups import NEXT_QUIZZES_CHECKED, quizzes_started, recount, start_lookups
from quiz.streams import (
    QUIZ_NAMESPACE,
    applied_events,
    check_command_id,
    event_id,
    new_events,
    nth_quiz_id,
    parse_quiz_id,
    read,
    stream_id,
)
from studyflow.roles import school_of_class, student_and_classroom_id

__all__ = [
    "MAX_ATTEMPTS",
    "NEXT_QUIZZES_CHECKED",
    "QUIZ_NAMESPACE",
    "CommandResult",
    "answer_question",
    "applied_events",
    "event_id",
    "forget_old_outcomes",
    "next_question",
    "nth_quiz_id",
    "parse_quiz_id",
    "question_revision",
    "quizzes_started",
    "reveal_answer",
    "start_quiz",
    "stream_id",
    "view_of",
]


def start_quiz(
    *,
    actor: Any,
    chapter_id: int,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
    pick: Pick | None = None,
) -> CommandResult:
    """Start a quiz on the chapter, or return the student's open quiz on it (created=False)."""
    check_command_id(command_id)
    student, classroom_id = student_and_classroom_id(actor)
    if not student:
        raise NotAStudent()
    chapter = _chapter(chapter_id)
    # Usually one round trip for the idempotency lookups and the count of the student's quizzes.
    earlier, n, outcome = start_lookups(command_id, student_id=actor.pk, chapter_id=chapter.id)
    if earlier is not None:
        return replay_start(actor, command_id, earlier, chapter_id=chapter.id)
    if outcome is not None:
        return outcome_again(outcome, actor, command="StartQuiz", chapter_id=chapter.id)
    now = now or timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            n = recount(student_id=actor.pk, chapter_id=chapter.id)
        open_quiz = _open_quiz(student_id=actor.pk, chapter_id=chapter.id, n=n)
        if open_quiz is not None:
            stream, state = open_quiz
            record_outcome(
                command_id, "StartQuiz", actor, stream, state.version, now, chapter_id=chapter.id
            )
            return CommandResult(view_of(state), events=[], created=False)
        _check_school(chapter, classroom_id)
        command = _start_command(actor, chapter, classroom_id, n=n + 1)
        try:
            return _start_new(command, actor, command_id, now, correlation_id, pick)
        except Stale:
            continue  # a concurrent start created this quiz: the next round returns it
    raise ConcurrencyConflict()


def answer_question(
    *,
    actor: Any,
    quiz_id: uuid.UUID | str,
    answer: str,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
) -> CommandResult:
    """Answer the open question. Raises InvalidAnswer for a bad answer: before anything else for
    an empty or too long one; then for a choice question's answer that names none of its choices,
    and for a number right only with a thousands separator (`10.000` for 10000: which is it?)."""
    command = AnswerQuestion(validate_answer(answer))
    return handle(actor, quiz_id, command, command_id, now, correlation_id, None)


def reveal_answer(
    *,
    actor: Any,
    quiz_id: uuid.UUID | str,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
) -> CommandResult:
    return handle(actor, quiz_id, RevealAnswer(), command_id, now, correlation_id, None)


def next_question(
    *,
    actor: Any,
    quiz_id: uuid.UUID | str,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
    pick: Pick | None = None,
) -> CommandResult:
    return handle(actor, quiz_id, NextQuestion(), command_id, now, correlation_id, pick)


# --- starting a quiz ------------------------------------------------------------------------------


def _chapter(chapter_id: int) -> ChapterInfo:
    if not isinstance(chapter_id, int) or isinstance(chapter_id, bool):
        raise ChapterNotFound()
    chapter = caches.chapter(chapter_id, content.chapter_info)
    if chapter is None:
        raise ChapterNotFound()
    return chapter


def _open_quiz(*, student_id: int, chapter_id: int, n: int) -> tuple[str, QuizState] | None:
    """The stream and state of the student's n-th quiz on the chapter, if that quiz is open."""
    if not n:
        return None
    stream = stream_id(nth_quiz_id(student_id=student_id, chapter_id=chapter_id, n=n))
    cached = caches.stream(stream)
    if cached is not None and cached[1].passed:
        return None  # a passed quiz stays passed: a cached passed state is as good as a fresh read
    _, state = read(stream)
    return (stream, state) if state.started and not state.passed else None


def _check_school(chapter: ChapterInfo, classroom_id: int | None) -> None:
    """Another school's own course: as if there were no such chapter. Checked only for a new
    quiz: a re-sent start and a quiz already open stay as they were."""
    if chapter.school_id is not None and school_of_class(classroom_id) != chapter.school_id:
        raise ChapterNotFound()


def _start_command(
    actor: Any, chapter: ChapterInfo, classroom_id: int | None, *, n: int
) -> StartQuiz:
    return StartQuiz(
        quiz_id=str(nth_quiz_id(student_id=actor.pk, chapter_id=chapter.id, n=n)),
        student_id=actor.pk,
        chapter_id=chapter.id,
        course_id=chapter.course_id,
        classroom_id=classroom_id,
        streak_goal=chapter.streak_goal,
    )


def _start_new(
    command: StartQuiz,
    actor: Any,
    command_id: uuid.UUID,
    now: datetime,
    correlation_id: uuid.UUID | None,
    pick: Pick | None,
) -> CommandResult:
    """Start the quiz `command` names. Stale when a concurrent start created it first."""
    stream = stream_id(command.quiz_id)
    questions = caches.pool(command.chapter_id, content.chapter_pool)
    try:
        decided = decide(
            QuizState(), command, pool=pool_of(questions), pick=pick or random_pick, now=now
        )
    except CommandRejected as rejection:  # e.g. a chapter without questions (yet)
        record_outcome(
            command_id,
            "StartQuiz",
            actor,
            stream,
            0,
            now,
            chapter_id=command.chapter_id,
            rejection=rejection,
        )
        raise
    new = new_events(decided, actor, command_id, correlation_id)
    try:
        recorded = store.append(stream, new, expected_version=store.NO_STREAM, recorded_at=now)
    except store.WrongExpectedVersion:
        raise Stale() from None
    except store.EventIdReused:
        return replay_start_elsewhere(actor, command_id, chapter_id=command.chapter_id)
    state = fold(recorded)
    caches.remember_stream(stream, tuple(recorded), state)
    return CommandResult(view_of(state, questions), events=recorded, created=True)
