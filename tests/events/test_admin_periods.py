"""The event list's date drill-down, its estimated count, its deepest page and its types, as pure
functions (no database)."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from events.admin import no_events_of, types_to_look_for
from events.admin_counts import too_deep
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


def test_only_types_no_app_appends_are_looked_for_in_the_log() -> None:
    # given the types the apps append, and types chosen by a link: one of them, an old one and a
    # typo
    appended = {"quiz.QuizStarted", "quiz.QuizPassed"}
    chosen = ["quiz.QuizPassed", "quiz.QuizRetired", "quiz.Quizpassed"]
    # when asking which the log must be searched for, then those two, in the order chosen
    assert types_to_look_for(chosen, appended) == ["quiz.QuizRetired", "quiz.Quizpassed"]
    # and none when every type chosen is appended, or none is chosen
    assert types_to_look_for(["quiz.QuizStarted"], appended) == []
    assert types_to_look_for([], appended) == []


def test_a_list_by_types_no_event_has_says_so_and_where_the_types_are() -> None:
    # given a type no event has, then the message names it and the filter to choose from
    assert no_events_of(["quiz.Nothing"]) == (
        "No event in the log is of the type quiz.Nothing, so none is listed. The types the apps"
        " append are under “By type”."
    )
    # and two, both
    assert "of the types quiz.A, quiz.B, so" in no_events_of(["quiz.A", "quiz.B"])


def test_a_page_past_the_deepest_says_how_far_the_list_goes_and_where_older_events_are() -> None:
    # given page 1,000 of a list that goes back 100 pages of 100 events
    message = too_deep(1000, 100, 100)
    # then it names the page, how far the list goes, and the ways to older events
    assert message.startswith("Page 1,000 is further back than the list goes: it shows its first")
    assert "first 100 pages (10,000 events)" in message
    assert "choose a year, a month or a day above the list" in message
    assert "sort it oldest first" in message
