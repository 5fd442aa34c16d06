"""The event list's date drill-down and its estimated count, as pure functions (no database)."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from events.admin_dates import next_period, period_start, periods_of
from events.templatetags.events_admin import rounded


@pytest.mark.parametrize(
    ("kind", "start", "after"),
    [
        ("year", datetime(2025, 1, 1), datetime(2026, 1, 1)),
        ("month", datetime(2025, 1, 1), datetime(2025, 2, 1)),
        ("month", datetime(2025, 12, 1), datetime(2026, 1, 1)),
        ("day", datetime(2025, 12, 31), datetime(2026, 1, 1)),
        ("day", datetime(2024, 2, 28), datetime(2024, 2, 29)),
    ],
)
def test_a_period_is_followed_by_the_next_one(kind, start, after) -> None:
    # given the start of a period, when asking for the next, then it starts where this one ends
    assert next_period(start, kind) == after


def test_a_moment_is_in_the_period_that_starts_on_its_wall_clock() -> None:
    # given a moment in a school's time zone, late on the last day of a year
    moment = datetime(2025, 12, 31, 23, 59, 58, 5)
    # then its year, month and day start at that wall clock's midnight, without a time zone
    assert period_start(moment, "year") == datetime(2025, 1, 1)
    assert period_start(moment, "month") == datetime(2025, 12, 1)
    assert period_start(moment, "day") == datetime(2025, 12, 31)


def test_periods_are_those_of_the_schools_time_zone(settings) -> None:
    # given events recorded just before and after midnight UTC, in Amsterdam an hour later
    settings.TIME_ZONE = "Europe/Amsterdam"
    with timezone.override("Europe/Amsterdam"):
        times = [
            datetime(2025, 12, 31, 22, 30, tzinfo=UTC),  # 23:30 in Amsterdam: still 2025
            datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 January 2026 there
            datetime(2025, 12, 31, 22, 45, tzinfo=UTC),
        ]
        # when listing the days they are in, then there are two, in order, by the local date
        days = periods_of(times, "day")
        assert [timezone.localtime(day).date().isoformat() for day in days] == [
            "2025-12-31",
            "2026-01-01",
        ]
        assert [day.year for day in periods_of(times, "year")] == [2025, 2026]


def test_no_rows_no_periods() -> None:
    assert periods_of([], "month") == []


@pytest.mark.parametrize(
    ("count", "shown"),
    [(1_004_467, "1,000,000"), (24_342, "24,300"), (534_488, "534,000"), (999, "999"), (0, "0")],
)
def test_an_estimated_count_reads_as_round(count, shown) -> None:
    # an estimate is shown to three digits: "about 1,004,467" would claim a precision it lacks
    assert rounded(count) == shown
