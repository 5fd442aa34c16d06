"""`class_activity`: per class x day (answers, correct, active students, time spent) and a feed of
each class's most recent events.

The class is the event's `classroom_id` (the student's class when the quiz started); events without
one advance the student's clock but count for no class. The day is the local date of the event in
settings.TIME_ZONE. Time spent follows common.credit_time (per student over all chapters). The feed
keeps the FEED_KEEP newest items per class (newest = latest `at`, then highest position); it is the
live view, the answers table keeps everything. Not partitioned (per class and per student).
"""

from __future__ import annotations

import dataclasses
import heapq
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from reporting.projections import common as c

FEED_KEEP = 200
FEED_TYPES = frozenset(c.QUIZ_EVENT_TYPES - {c.QUESTION_ASSIGNED})

DayKey = tuple[int, date]  # (classroom_id, day)
StudentDayKey = tuple[int, date, int]  # (classroom_id, day, student_id)


@dataclass
class ClassDayRow:
    classroom_id: int
    day: date
    answered: int = 0
    correct: int = 0
    incorrect: int = 0
    revealed: int = 0
    quizzes_started: int = 0
    quizzes_passed: int = 0
    active_students: int = 0
    time_spent_ms: int = 0


@dataclass
class ClassDayStudentRow:
    classroom_id: int
    day: date
    student_id: int
    answered: int = 0
    time_spent_ms: int = 0


@dataclass(frozen=True)
class FeedItem:
    classroom_id: int
    position: int
    at: datetime
    student_id: int
    chapter_id: int
    type: str
    question_id: int | None
    correct: bool | None
    answer: str

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.at, self.position)


@dataclass(frozen=True)
class ActivityChanges:
    days: dict[DayKey, ClassDayRow]
    student_days: dict[StudentDayKey, ClassDayStudentRow]
    clocks: dict[int, datetime]
    feed: list[FeedItem]  # new items that belong to the newest FEED_KEEP of their class


def _classroom(event: c.EventLike) -> int | None:
    value = event.data.get("classroom_id")
    return None if value is None else int(value)


def keys(events: Sequence[c.EventLike], tz: tzinfo) -> tuple[set[DayKey], set[StudentDayKey]]:
    day_keys: set[DayKey] = set()
    student_keys: set[StudentDayKey] = set()
    for event in events:
        classroom = _classroom(event)
        if classroom is None:
            continue
        day = c.local_day(event.recorded_at, tz)
        day_keys.add((classroom, day))
        student_keys.add((classroom, day, int(event.data["student_id"])))
    return day_keys, student_keys


def feed_item(event: c.EventLike, classroom: int) -> FeedItem:
    data = event.data
    question = data.get("question_id")
    correct: bool | None = None
    if event.type in c.TRY_TYPES:
        correct = event.type == c.ANSWERED_CORRECTLY
    return FeedItem(
        classroom_id=classroom,
        position=event.position,
        at=event.recorded_at,
        student_id=int(data["student_id"]),
        chapter_id=int(data["chapter_id"]),
        type=event.type,
        question_id=None if question is None else int(question),
        correct=correct,
        answer=str(data.get("answer", ""))[:500],
    )


def newest(items: Sequence[FeedItem], keep: int = FEED_KEEP) -> list[FeedItem]:
    """The `keep` newest items of each class, newest first."""
    by_class: dict[int, list[FeedItem]] = {}
    for item in items:
        by_class.setdefault(item.classroom_id, []).append(item)
    kept: list[FeedItem] = []
    for group in by_class.values():
        kept.extend(heapq.nlargest(keep, group, key=lambda item: item.order))
    return kept


def project(
    events: Sequence[c.EventLike],
    *,
    days: Mapping[DayKey, ClassDayRow],
    student_days: Mapping[StudentDayKey, ClassDayStudentRow],
    clocks: Mapping[int, datetime],
    tz: tzinfo,
) -> ActivityChanges:
    out: dict[DayKey, ClassDayRow] = {}
    out_students: dict[StudentDayKey, ClassDayStudentRow] = {}
    feed: dict[int, list[tuple[datetime, int, c.EventLike]]] = {}
    timed, new_clocks = c.credit_time(events, clocks)
    for item in timed:
        event = item.event
        classroom = _classroom(event)
        if classroom is None:
            continue
        day = c.local_day(event.recorded_at, tz)
        row = out.get((classroom, day))
        if row is None:
            current = days.get((classroom, day))
            row = replace(current) if current else ClassDayRow(classroom, day)
            out[(classroom, day)] = row
        student = int(event.data["student_id"])
        per = out_students.get((classroom, day, student))
        if per is None:
            known = student_days.get((classroom, day, student))
            if known is None:
                row.active_students += 1
                per = ClassDayStudentRow(classroom, day, student)
            else:
                per = replace(known)
            out_students[(classroom, day, student)] = per
        row.time_spent_ms += item.ms
        per.time_spent_ms += item.ms
        kind = event.type
        if kind in c.ANSWER_TYPES:
            row.answered += 1
            per.answered += 1
            if kind == c.ANSWERED_CORRECTLY:
                row.correct += 1
            else:
                row.incorrect += 1
        elif kind == c.ANSWER_REVEALED:
            row.revealed += 1
        elif kind == c.QUIZ_STARTED:
            row.quizzes_started += 1
        elif kind == c.QUIZ_PASSED:
            row.quizzes_passed += 1
        if kind in FEED_TYPES:
            feed.setdefault(classroom, []).append((event.recorded_at, event.position, event))
    # Only the newest FEED_KEEP of each class can stay: build items for those alone.
    items = [
        feed_item(event, classroom)
        for classroom, candidates in feed.items()
        for _, _, event in heapq.nlargest(FEED_KEEP, candidates, key=lambda t: (t[0], t[1]))
    ]
    return ActivityChanges(days=out, student_days=out_students, clocks=new_clocks, feed=items)


# --- writer --------------------------------------------------------------------------------------


def apply(events: Sequence[c.EventLike]) -> None:
    from django.utils import timezone

    from events.bulk import insert_rows
    from reporting.models import ActivityClock, ClassDay, ClassDayStudent, ClassFeedItem
    from reporting.projections import db

    events = [e for e in events if e.type in c.QUIZ_EVENT_TYPES]
    if not events:
        return
    tz = timezone.get_default_timezone()
    day_keys, student_keys = keys(events, tz)
    clocks = db.load(
        ActivityClock, ("student_id",), {(s,) for s in c.students_of(events)}, c.ClockRow
    )
    changes = project(
        events,
        days=db.load(ClassDay, ("classroom_id", "day"), day_keys, ClassDayRow),
        student_days=db.load(
            ClassDayStudent, ("classroom_id", "day", "student_id"), student_keys, ClassDayStudentRow
        ),
        clocks={key[0]: row.last_event_at for key, row in clocks.items()},
        tz=tz,
    )
    db.upsert(ClassDay, changes.days.values(), ("classroom_id", "day"))
    db.upsert(ClassDayStudent, changes.student_days.values(), ("classroom_id", "day", "student_id"))
    db.upsert(ActivityClock, [c.ClockRow(s, t) for s, t in changes.clocks.items()], ("student_id",))
    if not changes.feed:
        return
    # Feed items are keyed by event position: applying an event twice cannot add a second row.
    insert_rows(ClassFeedItem, FEED_FIELDS, [_feed_values(item) for item in changes.feed])
    _trim_feed(sorted({item.classroom_id for item in changes.feed}))


FEED_FIELDS = [field.name for field in dataclasses.fields(FeedItem)]
_feed_values = operator.attrgetter(*FEED_FIELDS)

# Per class, find its FEED_KEEP-th newest item through the (classroom_id, at, position) index and
# delete what is older: a range of the same index, with no sort of the class's whole feed.
_TRIM_PG = """
DELETE FROM {table} AS f USING (
    SELECT c.id AS classroom_id, cut.at, cut.position
    FROM unnest(%s::integer[]) AS c(id)
    CROSS JOIN LATERAL (
        SELECT at, position FROM {table} WHERE classroom_id = c.id
        ORDER BY at DESC, position DESC OFFSET %s LIMIT 1
    ) AS cut
) AS oldest_kept
WHERE f.classroom_id = oldest_kept.classroom_id
  AND (f.at, f.position) < (oldest_kept.at, oldest_kept.position)
"""
_TRIM_PORTABLE = """
DELETE FROM {table} WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER
(PARTITION BY classroom_id ORDER BY at DESC, position DESC) AS rank FROM {table}
WHERE classroom_id IN ({marks})) AS ranked WHERE rank > %s)
"""


def _trim_feed(classes: list[int]) -> None:
    """Keep the FEED_KEEP newest items of each of these classes (same order as `newest`)."""
    from django.db import connection

    from reporting.models import ClassFeedItem

    table = connection.ops.quote_name(ClassFeedItem._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_TRIM_PG.format(table=table), [classes, FEED_KEEP - 1])
        else:
            marks = ", ".join(["%s"] * len(classes))
            cursor.execute(_TRIM_PORTABLE.format(table=table, marks=marks), [*classes, FEED_KEEP])


def reset() -> None:
    from reporting.models import ActivityClock, ClassDay, ClassDayStudent, ClassFeedItem
    from reporting.projections import db

    db.truncate(ClassDay, ClassDayStudent, ActivityClock, ClassFeedItem)
