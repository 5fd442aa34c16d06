"""A class's activity: the feed of its recent events (and reading the `since` a client sends
for it) and its totals per day, zero-filled for charts. Both are of the class's current students
(the roster now), like the grid and the question table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reporting.models import ClassFeedItem, StudentDay
from studyflow.models import Classroom


def read_moment(text: str) -> datetime | None:
    """A `since` as a client or the page sends it, or None when it is no date and time (month 13
    included, and a moment at the very edge of the calendar that UTC cannot hold: the first hours
    of year 1 east of Greenwich). An unescaped "+01:00" in a query string arrives as " 01:00":
    read as meant. A moment with its offset comes back in UTC: PostgreSQL refuses an offset past
    15:59, which Python reads (up to 23:59)."""
    text = text.strip()
    moment = _datetime(text)
    if moment is None and " " in text:
        head, _, offset = text.rpartition(" ")
        moment = _datetime(f"{head}+{offset}")
    if moment is None:
        return None
    try:  # the database compares in UTC
        in_utc = (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(
            UTC
        )
    except (OverflowError, ValueError):
        return None
    return in_utc if timezone.is_aware(moment) else moment


def _datetime(text: str) -> datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def feed(
    classroom_id: int, *, since: datetime | None = None, limit: int = 50
) -> list[ClassFeedItem]:
    """The recent events of the class's current students, newest first, whichever class they are
    filed under. The projection files an item under the class the student was in when the quiz
    started (the events know no roster): a student who moved goes on answering in a quiz opened
    in their old class, which that class's teacher no longer sees and their new one must."""
    students = Classroom.students.through.objects.filter(classroom_id=classroom_id)
    # Through the (student_id, at, position) index: a few items per student (each class keeps its
    # FEED_KEEP newest), so a class's students' items are a small set to sort.
    items = ClassFeedItem.objects.filter(student_id__in=students.values("user_id"))
    if since is not None:
        items = items.filter(at__gt=since)
    return list(items.order_by("-at", "-position")[:limit])


@dataclass(frozen=True)
class DayTotals:
    day: date
    answered: int = 0
    correct: int = 0
    active_students: int = 0
    time_spent_seconds: int = 0


def every_day(active: Sequence[DayTotals], *, last: int, end: date) -> list[DayTotals]:
    """The calendar days from the first active one (at most the `last` days up to `end`, today),
    days without work as zeros: a chart of only the active days would draw a week off as if it
    were a night, and one ending at the last active day would make an old one look recent. Empty
    when no work falls in those days."""
    start = end - timedelta(days=last - 1)
    found = {totals.day: totals for totals in active if start <= totals.day <= end}
    if not found:
        return []
    return _zero_filled(found, max(start, min(totals.day for totals in active)), end)


def _zero_filled(found: Mapping[date, DayTotals], start: date, end: date) -> list[DayTotals]:
    """Every day from `start` to `end`, oldest first; a day without totals is zeros."""
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [found.get(day) or DayTotals(day) for day in days]


def class_days(classroom_id: int, *, days: int = 14, today: date | None = None) -> list[DayTotals]:
    """The last `days` days of the class's current students, oldest first, zero-filled: the sum of
    their days (`progress`), as the grid and the feed show them. The class's own days
    (`class_activity`) are filed under the class a quiz was started in, so they would go on
    counting a student who left and miss one who came in with a quiz open."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    students = Classroom.students.through.objects.filter(classroom_id=classroom_id)
    rows = (
        StudentDay.objects.filter(
            student_id__in=students.values("user_id"), day__gte=start, day__lte=today
        )
        .values("day")
        .annotate(
            answered=Sum("answered"),
            correct=Sum("correct"),
            # A student's day row is there once they did anything that day.
            active_students=Count("student_id"),
            time_spent_ms=Sum("time_spent_ms"),
        )
    )
    found = {
        row["day"]: DayTotals(
            row["day"],
            row["answered"],
            row["correct"],
            row["active_students"],
            row["time_spent_ms"] // 1000,
        )
        for row in rows
    }
    return _zero_filled(found, start, today)
