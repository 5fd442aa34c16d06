"""A student's totals and the chapters a grid or a student's page shows (pure: no database)."""

from datetime import UTC, datetime

from reporting.selectors import ChapterRef, ChapterTotals, shown_chapters, summary_of

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_students_totals_add_up_their_chapters() -> None:
    # given two chapters started, one of them without a last activity recorded
    chapters = [
        ChapterTotals(10, 7, 3, 1, 90_600, TUESDAY, FRIDAY),
        ChapterTotals(4, 4, 0, 0, 30_700, MONDAY, None),
    ]
    # when they are summed up
    summary = summary_of(chapters)
    # then the counts are added, the time summed before it is rounded down to seconds
    assert (summary.answered, summary.correct, summary.mistakes, summary.reveals) == (14, 11, 3, 1)
    assert summary.time_spent_seconds == 121
    # and the first activity is the earliest, the last the latest one known
    assert (summary.first_activity, summary.last_activity) == (MONDAY, FRIDAY)


def test_a_student_who_started_nothing_has_zeros_and_no_activity() -> None:
    summary = summary_of([])
    assert (summary.answered, summary.correct, summary.time_spent_seconds) == (0, 0, 0)
    assert summary.first_activity is None and summary.last_activity is None


def test_shown_chapters_are_the_askable_ones_of_the_school_and_those_worked_on() -> None:
    # given a chapter of every school, one of school 1's own, one of school 2's own, and a chapter
    # of every school with nothing live to ask
    every = ChapterRef(1, "Fractions")
    ours = ChapterRef(2, "Our algebra", school_id=1)
    theirs = ChapterRef(3, "Their algebra", school_id=2)
    drafts = ChapterRef(4, "Being written")
    chapters = [every, ours, theirs, drafts]
    askable = {1, 2, 3}
    # then a school 1 student who worked on nothing sees the askable chapters they may practise
    assert shown_chapters(chapters, {1}, set(), askable) == [every, ours]
    # and work done stays: the other school's chapter and the one with nothing to ask, in order
    assert shown_chapters(chapters, {1}, {3, 4}, askable) == chapters
