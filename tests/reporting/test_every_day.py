"""The days of a student's time chart (pure): every calendar day, days off as zeros."""

from datetime import date

from reporting.selectors import DayTotals, every_day


def test_days_without_work_are_zeros_between_the_active_ones() -> None:
    # given work on a Friday and the Monday after
    active = [DayTotals(date(2026, 11, 13), answered=5), DayTotals(date(2026, 11, 16), answered=2)]
    # then the weekend is there, with nothing done
    days = every_day(active, last=30)
    assert [d.day.day for d in days] == [13, 14, 15, 16]
    assert [d.answered for d in days] == [5, 0, 0, 2]


def test_only_the_last_days_up_to_the_last_active_one() -> None:
    active = [DayTotals(date(2026, 9, 1)), DayTotals(date(2026, 11, 16), answered=1)]
    days = every_day(active, last=30)
    assert len(days) == 30 and days[0].day == date(2026, 10, 18) and days[-1].answered == 1


def test_no_work_no_days() -> None:
    assert every_day([], last=30) == []
