"""How the teacher pages word their figures (reporting.wording; pure: no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.template.defaultfilters import floatformat
from hypothesis import given
from hypothesis import strategies as st

from reporting.wording import (
    LONGEST_WORD,
    CellTotals,
    answer_wrapping,
    answers_chart_caption,
    cell_totals,
    choice_label,
    choice_labels,
    day,
    day_and_month,
    decimals,
    facility_spread_caption,
    labelled,
    long_runs,
    maths_runs,
    minutes,
    moment,
    moment_in_full,
    time_chart_caption,
    wrapping,
)

STATUSES = ["not_started", "in_progress", "stuck", "passed"]
CHOICES = [{"key": "A", "text": "3/5"}, {"key": "B", "text": "5/3"}]


@pytest.mark.parametrize(
    "answer",
    ["revealed", "x = 6", "0,125", "€ 56,-", "a" * LONGEST_WORD, "", "two  spaces"],
)
def test_an_ordinary_answer_is_one_piece_kept_whole(answer: str) -> None:
    # given an answer of ordinary words, when it is laid out in a narrow column
    pieces = long_runs(answer)
    # then no piece of it may break anywhere
    assert all(not long for _, long in pieces)
    assert "".join(piece for piece, _ in pieces) == answer


def test_only_a_run_too_long_to_keep_whole_may_break_anywhere() -> None:
    # given an answer with a run of 30 characters without a space among ordinary words
    run = "1234567890" * 3
    # when it is cut into pieces
    pieces = long_runs(f"x = {run} cm")
    # then the run alone may break, and the pieces are the answer
    assert pieces == [("x = ", False), (run, True), (" cm", False)]


def test_a_choice_reads_as_its_key_and_text() -> None:
    # given a multiple-choice question's choices, when a student answered "a" (or " A ")
    # then the teacher reads the key as the question writes it, and the choice's text
    assert choice_label("a", CHOICES) == "A: 3/5"
    assert choice_label(" A ", CHOICES) == "A: 3/5"
    assert choice_label("B", CHOICES) == "B: 5/3"


@pytest.mark.parametrize(("answer", "choices"), [("C", CHOICES), ("A", []), ("3/5", CHOICES)])
def test_an_answer_that_is_no_choice_stays_as_given(answer: str, choices: list) -> None:
    assert choice_label(answer, choices) == answer


def test_the_totals_count_chapters_of_students_and_students_apart() -> None:
    # given 3 students and 2 chapters: one passed both (and is stuck practising one again), one
    # is stuck on one, and one never practised
    cells = [
        ("passed", True),
        ("passed", False),
        ("stuck", False),
        ("not_started", False),
        ("not_started", False),
        ("not_started", False),
    ]
    activity = [(False, False), (True, False), (False, True)]
    # when the totals are counted
    totals = cell_totals(STATUSES, cells, activity, chapters=2)
    # then the cells add up to students x chapters, and the heading says so
    assert totals.by_status == {"not_started": 3, "in_progress": 0, "stuck": 1, "passed": 2}
    assert sum(totals.by_status.values()) == totals.cells == 6
    assert totals.heading == "Chapters, all students together (3 students \u00d7 2 chapters = 6)"
    assert totals.stuck_again == 1
    # and the students: the one gone quiet, and the newcomer counted apart, not as quiet
    assert (totals.students, totals.quiet, totals.never) == (3, 1, 1)


def test_the_heading_says_one_student_and_one_chapter_in_the_singular() -> None:
    totals = CellTotals(1, 1, {}, 0, 0, 0)
    assert totals.heading == "Chapters, all students together (1 student \u00d7 1 chapter = 1)"


def test_a_student_who_never_practised_is_not_also_counted_quiet() -> None:
    # given a student with no activity at all, even if marked quiet by a caller
    totals = cell_totals(STATUSES, [("not_started", False)], [(True, True)], chapters=1)
    # then they count as never practised only
    assert (totals.quiet, totals.never) == (0, 1)


@pytest.mark.parametrize("answer", ["b)", "b.", "B ", "\uff42"])
def test_a_choice_named_as_the_quiz_takes_it_reads_as_that_choice(answer: str) -> None:
    # the quiz takes "b)", "b." and a full-width "b" for choice B (quiz.answers.choice_key)
    assert choice_label(answer, CHOICES) == "B: 5/3"
    assert labelled(answer, choice_labels(CHOICES)) == "B: 5/3"


NOW = datetime(2026, 11, 25, 14, 30)  # a Wednesday afternoon


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (datetime(2026, 11, 25, 13, 10, 2), "13:10"),  # today: the time alone
        (datetime(2026, 11, 25, 0, 7, 59), "00:07"),  # the minute, not rounded up
        (datetime(2026, 11, 24, 23, 59, 59), "yesterday 23:59"),
        (datetime(2026, 11, 23, 13, 10), "Mon 13:10"),  # within the week: its weekday
        (datetime(2026, 11, 19, 8, 5), "Thu 08:05"),  # six days ago
        (datetime(2026, 11, 18, 13, 10), "18 Nov 13:10"),  # a week ago: Wednesday again
        (datetime(2026, 3, 3, 12, 4, 20), "3 Mar 12:04"),
        (datetime(2025, 11, 25, 13, 10), "25 Nov 2025 13:10"),  # another year
        (datetime(2025, 12, 31, 9, 15), "31 Dec 2025 09:15"),
    ],
)
def test_a_moment_reads_as_a_teacher_skimming_a_class_wants_it(at: datetime, shown: str) -> None:
    # given a moment and now, both in the school's time zone, when a teacher page writes it
    # then it is as short as it can be while it names one day only
    assert moment(at, NOW) == shown


def test_a_moment_goes_by_calendar_day_not_by_24_hours() -> None:
    # given a moment late last night and now early in the morning (an hour apart)
    # then it was yesterday, not today
    assert moment(datetime(2026, 11, 24, 23, 30), datetime(2026, 11, 25, 0, 30)) == (
        "yesterday 23:30"
    )


def test_a_moment_on_a_later_day_than_now_names_its_date() -> None:
    # given a clock that was ahead (the moment is on tomorrow's date)
    # then it reads as that date, never as a time of today
    assert moment(datetime(2026, 11, 26, 0, 5), NOW) == "26 Nov 00:05"


def test_the_full_moment_names_the_day_and_the_second() -> None:
    assert moment_in_full(datetime(2026, 11, 25, 13, 10, 2)) == (
        "Wednesday 25 November 2026, 13:10:02"
    )


def test_a_day_has_its_year_only_when_it_is_not_this_years() -> None:
    assert day(date(2026, 1, 5), date(2026, 11, 25)) == "5 Jan"
    assert day(date(2025, 1, 5), date(2026, 11, 25)) == "5 Jan 2025"
    assert day_and_month(date(2025, 12, 31)) == "31 Dec"


TODAY = date(2026, 11, 28)
FORTNIGHT = [date(2026, 11, d) for d in range(15, 29)]


def test_the_answers_chart_caption_says_the_days_the_total_and_the_busiest_day() -> None:
    # given a class's answers per day over the last 14 days, two days the busiest
    answers = [0, 40, 20, 156, 0, 0, 0, 0, 30, 156, 1, 0, 0, 2]
    # when its chart is captioned
    caption = answers_chart_caption(FORTNIGHT, answers, TODAY)
    # then it says what the heading ("Answers per day") does not: which days, how many in all,
    # and the busiest day (the later of two)
    assert caption == "15 Nov to today: 405 answers, the most on 24 Nov (156)."


def test_the_answers_chart_caption_of_a_quiet_fortnight_says_so() -> None:
    assert answers_chart_caption(FORTNIGHT, [0] * 14, TODAY) == "15 Nov to today: no answers."
    assert answers_chart_caption([], [], TODAY) == ""


def test_the_time_chart_caption_says_the_time_in_all_and_on_how_many_days() -> None:
    # given a student who worked on three days of the last four, the most 18 min 24 s
    days = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)]
    seconds = [1104, 0, 600, 30]
    # when their chart is captioned, on 2 January
    caption = time_chart_caption(days, seconds, date(2026, 1, 2))
    # then last year's days have their year, and the busiest day its minutes as its bar has them
    assert caption == "30 Dec 2025 to today: 29 min on 3 days, the most on 30 Dec 2025 (18.4 min)."


def test_the_facility_spread_caption_says_how_to_read_it() -> None:
    assert facility_spread_caption([0, 0, 1, 0, 3, 0, 0, 0, 0, 1]) == (
        "5 questions with a first try: the hard ones (few right at the first try) at the left,"
        " the easy ones at the right."
    )
    assert facility_spread_caption([0] * 10) == "No question has had a first try yet."


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0 min"), (20, "< 1 min"), (90, "2 min")])
def test_minutes_are_whole_and_a_little_time_is_not_none(seconds: float, shown: str) -> None:
    assert minutes(seconds) == shown


@pytest.mark.parametrize(
    ("question", "sums"),
    [
        ("Solve for x: x + 7 = 12", ["x + 7 = 12"]),  # "x:" ends a phrase: not part of the sum
        ("Calculate 1 1/2 + 2 3/4.", ["1 1/2 + 2 3/4."]),  # a mixed number stays whole too
        ("Solve for x: 3(x + 1) = 2(x + 4)", ["3(x + 1) = 2(x + 4)"]),
        ("Which value of x solves 7 - x = 10?", ["7 - x = 10?"]),
        ("Subtract 2: x/3 = 3. Multiply by 3: x = 9.", ["x/3 = 3.", "x = 9."]),
        ("A jacket costs €80 and is reduced by 30%.", []),  # numbers among words: no sum
        ("a 10% discount", []),  # terms without a sign between them
        ("n + (n + 1) + (n + 2) = 48", []),  # 26 characters: too long for one line of a phone
        ("x  +  7", []),  # not one space apart
    ],
)
def test_a_short_sum_in_a_question_is_kept_on_one_line(question: str, sums: list[str]) -> None:
    # given a question, when it is laid out in a narrow column (the feed, a table)
    pieces = maths_runs(question)
    # then its short sums are pieces kept whole, and the pieces are the question
    assert [piece for piece, whole in pieces if whole] == sums
    assert "".join(piece for piece, _ in pieces) == question


def test_a_question_keeps_its_sums_whole_and_lets_a_long_run_break() -> None:
    run = "1234567890" * 3
    assert wrapping(f"Is x + 1 = {run}? Or x + 1 = 2?") == [
        ("Is x + 1 = ", ""),  # the sum would be too long with the run: words, as written
        (f"{run}?", "anywhere"),
        (" Or ", ""),
        ("x + 1 = 2?", "whole"),
    ]


@pytest.mark.parametrize("answer", ["x = 6", "1 1/2", "€ 56,-", "A: 3/5", "x + 7 = 12 cm"])
def test_a_short_answer_is_kept_whole(answer: str) -> None:
    assert answer_wrapping(answer) == [(answer, "whole")]


def test_a_long_answer_wraps_as_a_text_with_its_sums_kept_whole() -> None:
    # given an answer longer than a line of a phone's column
    answer = "first x = 5 and then I added 7"
    # then only its sum is kept whole
    assert answer_wrapping(answer) == [
        ("first ", ""),
        ("x = 5", "whole"),
        (" and then I added 7", ""),
    ]
    # and a word alone has nothing to keep together
    assert answer_wrapping("12/7") == [("12/7", "")]


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [
        (0.125, 2, "0.13"),
        (0.75, 2, "0.75"),
        (1, 2, "1.00"),
        (-0.004, 2, "0.00"),
        (12.25, 1, "12.3"),
    ],
)
def test_a_figure_is_rounded_half_up_as_written(value: float, places: int, written: str) -> None:
    assert decimals(value, places) == written


# Figures as the pages have them: floatformat writes one of over 200 digits (1e-200) as given.
FIGURES = st.floats(-1e6, 1e6).filter(lambda v: v == 0 or abs(v) > 1e-100)


@given(
    value=FIGURES | st.integers(-1000, 1000).map(lambda n: n / 8),
    places=st.sampled_from([1, 2]),
)
def test_a_figure_reads_as_the_templates_floatformat_writes_it(value: float, places: int) -> None:
    # given any figure of a teacher table (facility, discrimination, seconds), then the views
    # write it as the templates did
    assert decimals(value, places) == floatformat(value, places)
