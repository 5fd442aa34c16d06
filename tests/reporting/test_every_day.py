"""The days of a student's time chart (pure): every calendar day up to today, days off as zeros."""

from datetime import date

from reporting.selectors import DayTotals, every_day

TODAY = date(2026, 11, 18)


def test_days_without_work_are_zeros_up_to_today() -> None:
    # given work on a Friday and the Monday after, and today Wednesday
    active = [DayTotals(date(2026, 11, 13), answered=5), DayTotals(date(2026, 11, 16), answered=2)]
    # then the weekend and the days since are there, with nothing done
    days = every_day(active, last=30, end=TODAY)
    assert [d.day.day for d in days] == [13, 14, 15, 16, 17, 18]
    assert [d.answered for d in days] == [5, 0, 0, 2, 0, 0]


def test_only_the_last_days_up_to_today() -> None:
    active = [DayTotals(date(2026, 9, 1)), DayTotals(date(2026, 11, 16), answered=1)]
    days = every_day(active, last=30, end=TODAY)
    assert len(days) == 30 and days[0].day == date(2026, 10, 20) and days[-1].day == TODAY
    assert days[-3].answered == 1


def test_no_work_in_those_days_no_days() -> None:
    assert every_day([], last=30, end=TODAY) == []
    assert every_day([DayTotals(date(2026, 9, 1), answered=3)], last=30, end=TODAY) == []
