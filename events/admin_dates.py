"""The event list's drill-down by date (years, then months, then days), found through the index on
`recorded_at`.

Django's date hierarchy lists the periods that hold an event with `SELECT DISTINCT
date_trunc(...)` over every event of the list (and first its MIN and MAX): a read of the whole log
on every page view, a second at a million events. The same periods are found here by stepping
through the index, one query per period that holds an event: from the first event on, the next
event after the end of the period just found, until the last. A short list (a stream, a
student's quizzes: the page counted it exactly) is read whole instead, its times only: stepping
through the date's index would pass over most of the log to find its few events.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

Kind = Literal["year", "month", "day"]

# A list of at most this many events (counted exactly) has its periods found from its times.
FEW = 5_000


def period_start(moment: datetime, kind: Kind) -> datetime:
    """The start of the year, month or day `moment` is in (wall-clock time, no time zone)."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if kind == "year":
        return day.replace(month=1, day=1)
    if kind == "month":
        return day.replace(day=1)
    return day


def next_period(start: datetime, kind: Kind) -> datetime:
    """The start of the period after the one starting at `start` (wall-clock time)."""
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start + timedelta(days=1)


def periods_of(times: Iterable[datetime], kind: Kind) -> list[datetime]:
    """The start of every period holding one of `times` (aware), in the current time zone, in
    order: what `datetimes(field, kind)` returns for rows at those times."""
    starts = {period_start(timezone.localtime(at), kind) for at in times}
    return [timezone.make_aware(start) for start in sorted(starts)]


def periods_with_rows(
    queryset: QuerySet[Any],
    field: str,
    kind: Kind,
    bounds: tuple[datetime | None, datetime | None] | None = None,
) -> list[datetime]:
    """What `queryset.datetimes(field, kind)` returns (the start of every period, in the current
    time zone, that holds a row of `queryset`), by stepping through an index on `field`. `bounds`:
    the first and last time of the rows, when known."""
    if bounds is None:
        found_bounds = queryset.aggregate(first=Min(field), last=Max(field))
        bounds = found_bounds["first"], found_bounds["last"]
    at, last = bounds
    found: list[datetime] = []
    while at is not None:
        start = period_start(timezone.localtime(at), kind)
        found.append(timezone.make_aware(start))
        end = timezone.make_aware(next_period(start, kind))
        if last is None or end > last:
            break
        later = queryset.filter(**{f"{field}__gte": end, f"{field}__lte": last})
        at = later.aggregate(next=Min(field))["next"]
    return found


class IndexedPeriods:
    """A long list's rows as Django's date hierarchy reads them (`aggregate`, `datetimes`), the
    periods found by periods_with_rows."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        self._queryset = queryset
        self._bounds: tuple[datetime | None, datetime | None] | None = None

    def aggregate(self, **aggregates: Any) -> dict[str, Any]:
        found: dict[str, Any] = self._queryset.aggregate(**aggregates)
        # Django's hierarchy asks for the first and last time, then for the periods between.
        if set(found) == {"first", "last"}:
            self._bounds = found["first"], found["last"]
        return found

    def datetimes(self, field: str, kind: Kind, *args: Any, **kwargs: Any) -> list[datetime]:
        return periods_with_rows(self._queryset, field, kind, self._bounds)


class ListedPeriods:
    """A short list's rows as Django's date hierarchy reads them, from the times of its rows."""

    def __init__(self, queryset: QuerySet[Any], field: str) -> None:
        self._queryset = queryset
        self._field = field

    @cached_property
    def _times(self) -> list[datetime]:
        # Read when asked for: a day's page shows no periods, and asks for none.
        return list(self._queryset.order_by().values_list(self._field, flat=True))

    def aggregate(self, **aggregates: Any) -> dict[str, Any]:
        # Django's hierarchy asks for its list's first and last time (Min and Max).
        pick = {Min: min, Max: max}
        return {
            name: pick[type(aggregate)](self._times, default=None)
            for name, aggregate in aggregates.items()
        }

    def datetimes(self, field: str, kind: Kind, *args: Any, **kwargs: Any) -> list[datetime]:
        return periods_of(self._times, kind)


class DrillDown:
    """A changelist as Django's date hierarchy tag reads it, its rows' periods found by
    ListedPeriods when it counted few rows, else by IndexedPeriods."""

    def __init__(self, changelist: Any) -> None:
        self._changelist = changelist
        paginator = getattr(changelist, "paginator", None)
        counted = paginator is not None and not getattr(paginator, "estimated", False)
        self.queryset: IndexedPeriods | ListedPeriods = (
            ListedPeriods(changelist.queryset, changelist.date_hierarchy)
            if counted and changelist.result_count <= FEW
            else IndexedPeriods(changelist.queryset)
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._changelist, name)
