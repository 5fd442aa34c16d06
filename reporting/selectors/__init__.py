"""Reads for the teacher pages and the report API. Everything here reads read models (the
reporting tables and the `answers` table), never the event log, plus the roster and content for
names. Access checks live in reporting.access; these functions assume the caller may see the data.

The questions of the talk, and where they are answered:
- when did a student try, which questions, how many mistakes and which: student_answers /
  student_progress (per student), grid (per class), question_table (overall or per class);
- which questions are difficult: question_table (facility, discrimination, needs checking);
- what wrong answers do students give to question N: wrong_answers (overall or per class).

Callers import from here; the reads live in one module per part: roster (people and their
names), content (chapters, question wording, choice labels), class_progress (the grid),
activity (a class's feed and days), student (a student's page) and questions (the question
table, discrimination and wrong answers).
"""

from reporting.selectors.activity import DayTotals, class_days, every_day, feed, read_moment
from reporting.selectors.class_progress import (
    GRID_SORTS,
    IN_PROGRESS,
    NOT_STARTED,
    PASSED,
    STUCK,
    Cell,
    ColumnTotals,
    Grid,
    GridRow,
    grid,
    shown_chapters,
    sort_rows,
    sorted_descending,
)
from reporting.selectors.content import (
    AnswerReading,
    ChapterRef,
    answer_readings,
    answered_choice_labels,
    answered_wording,
    chapter_titles,
    chapters,
    chapters_and_askable,
    feed_choice_labels,
    question_texts,
    reported_chapters,
)
from reporting.selectors.questions import (
    QUESTION_COUNTERS,
    QuestionReport,
    WrongAnswerReport,
    discrimination,
    facility_spread,
    median_seconds,
    question_table,
    who_gave,
    wrong_answers,
    wrong_answers_by_question,
)
from reporting.selectors.roster import Person, class_students, display_name, names, student_ids
from reporting.selectors.student import (
    ChapterTotals,
    ShownAnswer,
    StudentProgressReport,
    StudentSummary,
    newest_answers,
    progress_cells,
    student_answers,
    student_days,
    student_progress,
    summary_of,
)

__all__ = [
    "GRID_SORTS",
    "IN_PROGRESS",
    "NOT_STARTED",
    "PASSED",
    "QUESTION_COUNTERS",
    "STUCK",
    "AnswerReading",
    "Cell",
    "ChapterRef",
    "ChapterTotals",
    "ColumnTotals",
    "DayTotals",
    "Grid",
    "GridRow",
    "Person",
    "QuestionReport",
    "ShownAnswer",
    "StudentProgressReport",
    "StudentSummary",
    "WrongAnswerReport",
    "answer_readings",
    "answered_choice_labels",
    "answered_wording",
    "chapter_titles",
    "chapters",
    "chapters_and_askable",
    "class_days",
    "class_students",
    "discrimination",
    "display_name",
    "every_day",
    "facility_spread",
    "feed",
    "feed_choice_labels",
    "grid",
    "median_seconds",
    "names",
    "newest_answers",
    "progress_cells",
    "question_table",
    "question_texts",
    "read_moment",
    "reported_chapters",
    "shown_chapters",
    "sort_rows",
    "sorted_descending",
    "student_answers",
    "student_days",
    "student_ids",
    "student_progress",
    "summary_of",
    "who_gave",
    "wrong_answers",
    "wrong_answers_by_question",
]
