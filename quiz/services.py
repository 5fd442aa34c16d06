"""Quiz commands: load the stream, fold, decide, append with the expected version.

Every service is keyword-only and takes the acting user and a `command_id` (a UUID the client
picks, e.g. the API's Idempotency-Key). The command's event ids are derived from it (uuid5), so
re-sending a command returns its first outcome and appends nothing. On WrongExpectedVersion
(another command got in first) the command is decided again on the fresh state, a bounded number
of times.

The append is the first write of its transaction (the event store requires it): nothing is written
before it, and reads (stream, content, roster) happen outside any transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from events import store
from quiz import caches, content
from quiz.answers import validate_answer
from quiz.command_loop import MAX_ATTEMPTS, handle
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
from quiz.errors import (
    ChapterNotFound,
    CommandRejected,
    ConcurrencyConflict,
    NotAStudent,
)
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


# --- commands -----------------------------------------------------------------------------------


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
    if not isinstance(chapter_id, int) or isinstance(chapter_id, bool):
        raise ChapterNotFound()
    chapter = caches.chapter(chapter_id, content.chapter_info)
    if chapter is None:
        raise ChapterNotFound()
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
        if n:
            latest = stream_id(nth_quiz_id(student_id=actor.pk, chapter_id=chapter.id, n=n))
            cached = caches.stream(latest)
            # A passed quiz stays passed, so a cached passed state is as good as a fresh read.
            if cached is not None and cached[1].passed:
                state = cached[1]
            else:
                _, state = read(latest)
            if state.started and not state.passed:
                record_outcome(
                    command_id,
                    "StartQuiz",
                    actor,
                    latest,
                    state.version,
                    now,
                    chapter_id=chapter.id,
                )
                return CommandResult(view_of(state), events=[], created=False)
        if chapter.school_id is not None and school_of_class(classroom_id) != chapter.school_id:
            # Another school's own course: as if there were no such chapter. Checked only here,
            # for a new quiz: a re-sent start and a quiz already open stay as they were.
            raise ChapterNotFound()
        quiz_id = nth_quiz_id(student_id=actor.pk, chapter_id=chapter.id, n=n + 1)
        command = StartQuiz(
            quiz_id=str(quiz_id),
            student_id=actor.pk,
            chapter_id=chapter.id,
            course_id=chapter.course_id,
            classroom_id=classroom_id,
            streak_goal=chapter.streak_goal,
        )
        questions = caches.pool(chapter.id, content.chapter_pool)
        try:
            decided = decide(
                QuizState(), command, pool=pool_of(questions), pick=pick or random_pick, now=now
            )
        except CommandRejected as rejection:  # e.g. a chapter without questions (yet)
            record_outcome(
                command_id,
                "StartQuiz",
                actor,
                stream_id(quiz_id),
                0,
                now,
                chapter_id=chapter.id,
                rejection=rejection,
            )
            raise
        new = new_events(decided, actor, command_id, correlation_id)
        try:
            recorded = store.append(
                stream_id(quiz_id), new, expected_version=store.NO_STREAM, recorded_at=now
            )
        except store.WrongExpectedVersion:
            continue  # a concurrent start created this quiz: the next round returns it
        except store.EventIdReused:
            return replay_start_elsewhere(actor, command_id, chapter_id=chapter.id)
        state = fold(recorded)
        caches.remember_stream(stream_id(quiz_id), tuple(recorded), state)
        return CommandResult(view_of(state, questions), events=recorded, created=True)
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
    an empty or too long one, and for a choice question's answer that names none of its choices."""
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
