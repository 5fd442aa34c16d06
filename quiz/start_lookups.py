"""What a start looks up before deciding, on PostgreSQL usually in one prepared query: whether
its command id appended already (a re-send), how many quizzes the student started on the chapter,
and the outcome its command id left if it appended nothing. The ORM's compiling of these lookups
took more CPU than the queries themselves.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models.fields.json import KT

from events.db import server_cursor
from events.models import Event
from quiz import caches
from quiz.domain import QUIZ_STARTED
from quiz.models import CommandOutcome
from quiz.resends import outcome_of, stream_of_command
from quiz.streams import event_id, nth_quiz_id, stream_id

# Which of the quizzes from a known count on exist. Quiz n + 1 is only ever started by a start that
# found n quizzes, so the quizzes that exist are always 1..n, without gaps. The known count's own
# quiz is checked too: a database that lost events (restored, or a test's rolled back) while this
# process kept its count must not have quizzes started past a gap.
NEXT_QUIZZES_CHECKED = 4

# A command that appended nothing leaves a CommandOutcome: read here by hand, with the other
# lookups (see resends.outcome_of for the ORM's reading of it).
_OUTCOME_TABLE = CommandOutcome._meta.db_table
_OUTCOME_FIELDS = ("command", "actor_id", "stream_id", "version", "chapter_id", "code", "message")
_OUTCOME_COLUMNS = ", ".join(f"o.{name}" for name in _OUTCOME_FIELDS)

_START_LOOKUPS = (
    "SELECT (SELECT stream_id FROM events_event WHERE event_id = %s), ({count}), "
    f"{_OUTCOME_COLUMNS} FROM (SELECT 1) AS one LEFT JOIN {_OUTCOME_TABLE} AS o "
    "ON o.command_id = %s"
)
# All of the student's quizzes on the chapter: the type is a literal so the partial index on
# QuizStarted events qualifies; the conditions are those of quizzes_started (student id as text,
# chapter id as JSON).
_COUNT_ALL = _START_LOOKUPS.format(
    count="SELECT count(*) FROM events_event WHERE type = 'quiz.QuizStarted' "
    "AND (data ->> 'student_id') = %s AND (data -> 'chapter_id') = %s::jsonb"
)


@functools.cache
def _count_next_sql(streams: int) -> str:
    # One scalar parameter per stream, not an array: the planner prices an array parameter at ten
    # elements, so the prepared statement's generic plan never won and every start was planned
    # afresh (about a tenth of a start's database CPU).
    placeholders = ", ".join(["%s"] * streams)
    return _START_LOOKUPS.format(
        count=f"SELECT count(*) FROM events_event WHERE stream_id IN ({placeholders}) "
        "AND version = 1"
    )


def start_lookups(
    command_id: uuid.UUID, *, student_id: int, chapter_id: int
) -> tuple[str | None, int, CommandOutcome | None]:
    """(the stream the command appended to, quizzes started, the command's outcome): on
    PostgreSQL in one query, a second when the count must be made afresh."""
    if connection.vendor != "postgresql":
        return lookups_one_by_one(command_id, student_id=student_id, chapter_id=chapter_id)
    known = caches.known_quizzes_started(student_id, chapter_id)
    sql, count = _count_query(known, student_id=student_id, chapter_id=chapter_id)
    # Prepared (Django's cursors bind on the client, so the server would plan it every time).
    with server_cursor() as cursor:
        row = cursor.execute(
            sql, [event_id(command_id, 0), *count, command_id], prepare=True
        ).fetchone()
    assert row is not None
    started = _started(int(row[1]), known, student_id=student_id, chapter_id=chapter_id)
    caches.remember_quizzes_started(student_id, chapter_id, started)
    return row[0], started, _outcome_from(row[2:])


def lookups_one_by_one(
    command_id: uuid.UUID, *, student_id: int, chapter_id: int
) -> tuple[str | None, int, CommandOutcome | None]:
    """start_lookups in three queries, each seeing what has committed by then. The count comes
    first: a quiz it counts that this very command started (a re-send racing its first sending)
    is then found as the command's own, and the re-send answers "created" as the first did."""
    started = quizzes_started(student_id=student_id, chapter_id=chapter_id)
    return stream_of_command(command_id), started, outcome_of(command_id)


def recount(*, student_id: int, chapter_id: int) -> int:
    """quizzes_started afresh (a start lost a race for a new quiz), remembered."""
    started = quizzes_started(student_id=student_id, chapter_id=chapter_id)
    caches.remember_quizzes_started(student_id, chapter_id, started)
    return started


def quizzes_started(*, student_id: int, chapter_id: int) -> int:
    """How many quizzes the student started on the chapter (uses the QuizStarted index)."""
    return (
        Event.objects.filter(type=QUIZ_STARTED)
        .alias(student=KT("data__student_id"))
        .filter(student=str(student_id), data__chapter_id=chapter_id)
        .count()
    )


def _count_query(known: int | None, *, student_id: int, chapter_id: int) -> tuple[str, list[Any]]:
    """The lookups' SQL and the parameters of its count: all of the student's quizzes when this
    process knows no count, else the known count's quiz and the next ones."""
    if known is None:
        return _COUNT_ALL, [str(student_id), json.dumps(chapter_id)]
    count: list[Any] = [
        stream_id(nth_quiz_id(student_id=student_id, chapter_id=chapter_id, n=n))
        for n in range(max(known, 1), known + NEXT_QUIZZES_CHECKED + 1)
    ]
    # Always as many parameters (one statement to prepare): a repeated stream counts once.
    count += count[-1:] * (NEXT_QUIZZES_CHECKED + 1 - len(count))
    return _count_next_sql(len(count)), count


def _started(found: int, known: int | None, *, student_id: int, chapter_id: int) -> int:
    """How many quizzes the student started, from what _count_query's count found."""
    if known is None:
        return found
    started = max(known, 1) - 1 + found  # counted from the known count's quiz
    if (known and not found) or started == known + NEXT_QUIZZES_CHECKED:
        # The known count's quiz is gone (a wrong count), or there may be more: count them all.
        caches.forget_quizzes_started(student_id, chapter_id)
        started = quizzes_started(student_id=student_id, chapter_id=chapter_id)
    return started


def _outcome_from(row: Sequence[Any]) -> CommandOutcome | None:
    if row[0] is None:  # no outcome: the LEFT JOIN of the lookups gave NULLs
        return None
    return CommandOutcome(**dict(zip(_OUTCOME_FIELDS, row, strict=True)))
