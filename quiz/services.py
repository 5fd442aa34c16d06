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
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from events import store
from quiz import caches, content
from quiz.answers import names_a_choice, validate_answer
from quiz.content import QuestionContent
from quiz.domain import (
    AnswerQuestion,
    Command,
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
    CommandIdReused,
    CommandRejected,
    ConcurrencyConflict,
    InvalidAnswer,
    NotAStudent,
    QuizNotFound,
)
from quiz.models import CommandOutcome
from quiz.pools import pool_of, random_pick
from quiz.resends import (
    forget_old_outcomes,
    outcome_again,
    record_outcome,
    recorded_outcome,
    replay_of,
    replay_start,
    replay_start_elsewhere,
    stream_of_command,
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

MAX_ATTEMPTS = 5


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
    return _handle(actor, quiz_id, command, command_id, now, correlation_id, None)


def reveal_answer(
    *,
    actor: Any,
    quiz_id: uuid.UUID | str,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
) -> CommandResult:
    return _handle(actor, quiz_id, RevealAnswer(), command_id, now, correlation_id, None)


def next_question(
    *,
    actor: Any,
    quiz_id: uuid.UUID | str,
    command_id: uuid.UUID,
    now: datetime | None = None,
    correlation_id: uuid.UUID | None = None,
    pick: Pick | None = None,
) -> CommandResult:
    return _handle(actor, quiz_id, NextQuestion(), command_id, now, correlation_id, pick)


# --- the command loop ---------------------------------------------------------------------------


def _handle(
    actor: Any,
    quiz_id: uuid.UUID | str,
    command: Command,
    command_id: uuid.UUID,
    now: datetime | None,
    correlation_id: uuid.UUID | None,
    pick: Pick | None,
) -> CommandResult:
    check_command_id(command_id)
    stream = stream_id(parse_quiz_id(quiz_id))
    now = now or timezone.now()
    cached = caches.stream(stream)
    for _ in range(MAX_ATTEMPTS):
        events, state = cached if cached is not None else read(stream)
        from_cache, cached = cached is not None, None  # a retry always reads the stream
        if not state.started or state.student_id != getattr(actor, "pk", None):
            raise QuizNotFound()  # a quiz never changes hands: a cached state may say so too
        replay = replay_of(command, events, command_id)
        if replay is not None:
            return replay
        questions = _questions_for(state, command)
        if isinstance(command, AnswerQuestion) and not _names_a_choice(command, questions):
            if from_cache:
                continue  # the open question may have changed in another process
            keys = ", ".join(choice.key for choice in questions[0].choices)
            raise InvalidAnswer(f"Answer with one of the choices: {keys}.")
        try:
            decided = decide(
                state, command, pool=pool_of(questions), pick=pick or random_pick, now=now
            )
        except CommandRejected as rejection:
            if from_cache:
                continue  # the quiz may have moved on in another process: check on a fresh read
            name = type(command).__name__
            again = recorded_outcome(command_id, actor, command=name, stream=stream)
            if again is not None:  # a re-send: the first outcome, whatever deciding says now
                return again
            if stream_of_command(command_id) not in (None, stream):
                raise CommandIdReused() from None  # applied on another quiz: not this refusal
            record_outcome(
                command_id,
                name,
                actor,
                stream,
                state.version,
                now,
                rejection=rejection,
            )
            raise
        new = new_events(decided, actor, command_id, correlation_id)
        try:
            recorded = store.append(
                stream,
                new,
                expected_version=state.version,
                recorded_at=now,
                # In the append's own statement, not a lookup before it: a round trip less.
                precondition=store.Absent(CommandOutcome, "command_id", command_id),
            )
        except store.PreconditionFailed:
            # A re-send of a command that appended nothing the first time: that outcome again,
            # where deciding afresh would now apply it.
            name = type(command).__name__
            again = recorded_outcome(command_id, actor, command=name, stream=stream)
            if again is None:  # forgotten since (retention): decide afresh
                continue
            return again
        except store.WrongExpectedVersion:
            caches.forget_stream(stream)
            continue  # decide again on the fresh state
        except store.EventIdReused:
            # Either this very command won a race against itself (the next round replays it) or
            # the id was used for a command on another quiz.
            caches.forget_stream(stream)
            if stream_of_command(command_id) != stream:
                raise CommandIdReused() from None
            continue
        if recorded[0].version != state.version + 1:
            # The store found these very events already stored (an identical re-append): the
            # command was applied before; read the stream to return that first outcome.
            caches.forget_stream(stream)
            continue
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


def _names_a_choice(command: AnswerQuestion, questions: Sequence[QuestionContent]) -> bool:
    """An answer to a choice question names one of its choices: anything else is a bad request,
    not a mistake that breaks the streak (the pages only send keys; an API client may not)."""
    if len(questions) != 1 or questions[0].kind != "choice":
        return True
    return names_a_choice(command.answer, (choice.key for choice in questions[0].choices))
