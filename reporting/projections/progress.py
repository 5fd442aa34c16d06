"""`progress`: one row per student x chapter (the class progress grid), plus time per student x day.

Status: `passed` once any quiz on the chapter passed (it stays passed), else `stuck` while the
current quiz is stuck, else `in_progress`; no row means `not_started`. `answered` counts answers
(correct + incorrect), `mistakes` the incorrect ones, `reveals` the revealed answers.
`open_quiz_id` is the quiz the student is on (none once it passed), so the dashboard can open it
and say when a passed chapter is practised again. Time spent follows common.credit_time: per
student over all chapters, the capped gap before an event goes to that event's chapter and day.
Not partitioned: a student's quizzes are separate streams.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from reporting.projections import common as c

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
STUCK = "stuck"
PASSED = "passed"

ProgressKey = tuple[int, int]  # (student_id, chapter_id)
DayKey = tuple[int, date]  # (student_id, day)


@dataclass
class ProgressRow:
    student_id: int
    chapter_id: int
    course_id: int | None = None
    classroom_id: int | None = None
    status: str = IN_PROGRESS
    stuck: bool = False
    streak: int = 0
    best_streak: int = 0
    answered: int = 0
    correct: int = 0
    mistakes: int = 0
    reveals: int = 0
    quizzes: int = 0
    passed_at: datetime | None = None
    first_activity: datetime | None = None
    last_activity: datetime | None = None
    time_spent_ms: int = 0
    open_quiz_id: uuid.UUID | None = None


@dataclass
class StudentDayRow:
    student_id: int
    day: date
    time_spent_ms: int = 0
    answered: int = 0
    correct: int = 0
    reveals: int = 0


@dataclass(frozen=True)
class ProgressChanges:
    progress: dict[ProgressKey, ProgressRow]
    clocks: dict[int, datetime]
    days: dict[DayKey, StudentDayRow]


def progress_keys(events: Sequence[c.EventLike]) -> set[ProgressKey]:
    return {(int(e.data["student_id"]), int(e.data["chapter_id"])) for e in events}


def day_keys(events: Sequence[c.EventLike], tz: tzinfo) -> set[DayKey]:
    return {(int(e.data["student_id"]), c.local_day(e.recorded_at, tz)) for e in events}


def status_of(row: ProgressRow) -> str:
    if row.passed_at is not None:
        return PASSED
    return STUCK if row.stuck else IN_PROGRESS


def project(
    events: Sequence[c.EventLike],
    *,
    progress: Mapping[ProgressKey, ProgressRow],
    clocks: Mapping[int, datetime],
    days: Mapping[DayKey, StudentDayRow],
    tz: tzinfo,
) -> ProgressChanges:
    """New rows for every key the events touch, given the current rows of those keys."""
    out: dict[ProgressKey, ProgressRow] = {}
    out_days: dict[DayKey, StudentDayRow] = {}
    timed, new_clocks = c.credit_time(events, clocks)
    for item in timed:
        event = item.event
        data = event.data
        student = int(data["student_id"])
        key = (student, int(data["chapter_id"]))
        row = out.get(key)
        if row is None:
            current = progress.get(key)
            row = replace(current) if current else ProgressRow(student_id=key[0], chapter_id=key[1])
            out[key] = row
        day_key = (student, c.local_day(event.recorded_at, tz))
        day = out_days.get(day_key)
        if day is None:
            current_day = days.get(day_key)
            day = replace(current_day) if current_day else StudentDayRow(student, day_key[1])
            out_days[day_key] = day
        _apply(row, event)
        row.time_spent_ms += item.ms
        day.time_spent_ms += item.ms
        if event.type in c.ANSWER_TYPES:
            day.answered += 1
            day.correct += event.type == c.ANSWERED_CORRECTLY
        elif event.type == c.ANSWER_REVEALED:
            day.reveals += 1
    return ProgressChanges(progress=out, clocks=new_clocks, days=out_days)


def _apply(row: ProgressRow, event: c.EventLike) -> None:
    data, kind, at = event.data, event.type, event.recorded_at
    if data.get("classroom_id") is not None:
        row.classroom_id = int(data["classroom_id"])
    if row.first_activity is None:
        row.first_activity = at
    row.last_activity = at if row.last_activity is None else max(row.last_activity, at)
    if kind == c.QUIZ_STARTED:
        row.quizzes += 1
        row.streak = 0
        row.stuck = False
        row.open_quiz_id = uuid.UUID(str(data["quiz_id"]))
        if data.get("course_id") is not None:
            row.course_id = int(data["course_id"])
    elif kind == c.ANSWERED_CORRECTLY:
        row.answered += 1
        row.correct += 1
        row.streak = int(data.get("streak", row.streak + 1))
        row.best_streak = max(row.best_streak, row.streak)
    elif kind == c.ANSWERED_INCORRECTLY:
        row.answered += 1
        row.mistakes += 1
        row.streak = 0
    elif kind == c.ANSWER_REVEALED:
        row.reveals += 1
        row.streak = 0
    elif kind == c.GOT_STUCK:
        row.stuck = True
    elif kind == c.GOT_UNSTUCK:
        row.stuck = False
    elif kind == c.QUIZ_PASSED:
        row.stuck = False
        if row.passed_at is None:
            row.passed_at = at
        if row.open_quiz_id == uuid.UUID(str(data["quiz_id"])):
            row.open_quiz_id = None
    row.status = status_of(row)


# --- writer --------------------------------------------------------------------------------------


def apply(events: Sequence[c.EventLike]) -> None:
    """Write a batch: read the touched rows, project, upsert. Runs in the engine's transaction."""
    from django.utils import timezone

    from reporting.models import ProgressClock, StudentDay, StudentProgress
    from reporting.projections import db

    events = [e for e in events if e.type in c.QUIZ_EVENT_TYPES]
    if not events:
        return
    tz = timezone.get_default_timezone()
    clocks = db.load(
        ProgressClock, ("student_id",), {(s,) for s in c.students_of(events)}, c.ClockRow
    )
    changes = project(
        events,
        progress=db.load(
            StudentProgress, ("student_id", "chapter_id"), progress_keys(events), ProgressRow
        ),
        clocks={key[0]: row.last_event_at for key, row in clocks.items()},
        days=db.load(StudentDay, ("student_id", "day"), day_keys(events, tz), StudentDayRow),
        tz=tz,
    )
    db.upsert(StudentProgress, changes.progress.values(), ("student_id", "chapter_id"))
    db.upsert(StudentDay, changes.days.values(), ("student_id", "day"))
    db.upsert(ProgressClock, [c.ClockRow(s, t) for s, t in changes.clocks.items()], ("student_id",))


def reset() -> None:
    from reporting.models import ProgressClock, StudentDay, StudentProgress
    from reporting.projections import db

    db.truncate(StudentProgress, StudentDay, ProgressClock)
