"""Counting the admin's event list without reading the log.

Django's changelist counts the rows of every page it shows (`SELECT COUNT(*)`, the filters
applied): over a million events that is a scan of the whole table on every page view, a search or
a filter that matches much of the log included. A list the planner expects to be long gets the
planner's estimate instead ("about 1,004,400 events"); a short one (a stream, a day) is counted
exactly, unless counting takes longer than a page should, when the estimate is shown after all.

A page is read with OFFSET: PostgreSQL reads past every row before it (page 10,000 of the log,
its oldest events, took 0.4-0.7 s). A list pages back DEEPEST_PAGE pages at most; older events are
reached by date (the drill-down's years, months and days read from their own newest event) or by
sorting the list oldest first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Above this many rows (by the planner's estimate) a list is not counted: the page shows the
# estimate. Below it an exact count is cheap where an index finds the rows.
ESTIMATE_ABOVE = 10_000
# An exact count that takes longer is given up, and the estimate shown.
COUNT_TIMEOUT_MS = 200
# The deepest page a list shows (at 100 a page, its first 10,000 rows: a list longer than that is
# one the page does not count): a page further back is empty, and says where older rows are.
DEEPEST_PAGE = 100


def planner_rows(queryset: QuerySet[Any]) -> int | None:
    """The number of rows PostgreSQL's planner expects `queryset` to select (None elsewhere):
    EXPLAIN only plans the query, it reads no rows."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_within(queryset: QuerySet[Any], milliseconds: int) -> int | None:
    """The exact count of `queryset`, or None when PostgreSQL takes longer than `milliseconds`
    (elsewhere: the count, however long it takes)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    try:
        with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
            # Local to this transaction (or, nested in another, restored below): the page's
            # other queries keep the site's own limit.
            cursor.execute("SELECT current_setting('statement_timeout')")
            before = cursor.fetchone()[0]
            set_timeout = "SELECT set_config('statement_timeout', %s, true)"
            cursor.execute(set_timeout, [str(milliseconds)])
            count = queryset.count()
            cursor.execute(set_timeout, [before])
            return count
    except OperationalError as error:
        if isinstance(error.__cause__, psycopg.errors.QueryCanceled):  # the time ran out
            return None
        raise


def too_deep(page: int, deepest: int, per_page: int) -> str:
    """The message of a page past the deepest a list shows."""
    return (
        f"Page {page:,} is further back than the list goes: it shows its first {deepest} pages"
        f" ({deepest * per_page:,} events), as each page further back takes longer to read. For"
        " older events, choose a year, a month or a day above the list, or sort it oldest first"
        " (its “recorded at” column)."
    )


class EstimatedCountPaginator(Paginator):
    """The admin's paginator, counting only what is cheap to count; `estimated` says whether
    `count` is the planner's estimate (the page says "about"), `past_deepest` whether the page
    asked for is past DEEPEST_PAGE (and so shows nothing)."""

    estimated = False
    past_deepest = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if queryset.query.is_empty():  # none(): nothing to plan, or to count
            return 0
        rows = planner_rows(queryset)
        if rows is not None and rows > ESTIMATE_ABOVE:
            self.estimated = True
            return rows
        exact = count_within(queryset, COUNT_TIMEOUT_MS)
        if exact is None:
            self.estimated = True
            return rows or 0
        return exact

    def validate_number(self, number: Any) -> int:
        # An estimate may fall short of the rows there are: a page past it is read, not refused
        # (it is empty when the estimate was too high).
        self.count  # noqa: B018  (decides whether it is an estimate)
        if self.estimated and str(number).isdigit() and int(number) >= 1:
            return int(number)
        return super().validate_number(number)

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        if number > DEEPEST_PAGE:
            self.past_deepest = True
            return Page(self.object_list[:0], number, self)  # no query
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)

    def get_elided_page_range(
        self, number: Any = 1, *, on_each_side: int = 3, on_ends: int = 2
    ) -> Iterator[Any]:
        # No links past the deepest page; a page past it links those up to it, as if at it.
        current = min(self.validate_number(number), DEEPEST_PAGE)
        pages = [
            page
            for page in super().get_elided_page_range(
                current, on_each_side=on_each_side, on_ends=on_ends
            )
            if not isinstance(page, int) or page <= DEEPEST_PAGE
        ]
        if not self.estimated:
            yield from pages
            return
        # No links to the last pages after the "…": by an estimate they are a guess (empty, or
        # not the last), and the slowest of all to read (every newer event is read past first).
        # The oldest events are first when the list is sorted by position.
        seen_current = False
        for page in pages:
            yield page
            seen_current = seen_current or page == current
            if seen_current and page == self.ELLIPSIS:
                return
