"""A student's page: their answers (and reveals), their cell per chapter as the grid has it, the
days they worked and their totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from reporting.models import Answer, StudentDay, StudentProgress
from reporting.selectors.activity import DayTotals
from reporting.selectors.class_progress import (
    CELL_COLUMNS,
    Cell,
    cell_from_row,
    cells_of,
    shown_chapters,
)
from reporting.selectors.content import ChapterRef, chapters_and_askable
from studyflow.models import Classroom


def student_answers(student_id: int) -> list[Answer]:
    """Every answer (and reveal) of a student, oldest first."""
    return list(Answer.objects.filter(student_id=student_id).order_by("answered_at", "position"))


class ShownAnswer(NamedTuple):
    """An answer (or reveal) as a student's page lists it: the columns it shows, no more."""

    position: int
    chapter_id: int
    question_id: int
    question_revision: int
    answer: str
    outcome: str
    seconds_to_answer: float | None
    answered_at: datetime


def newest_answers(student_id: int, limit: int | None = None) -> tuple[list[ShownAnswer], int]:
    """A student's newest answers (and reveals), newest first, at most `limit`; and how many
    there are in all. Read as rows, not models: a page of 200 models took longer to make than
    the query to run."""
    answers = Answer.objects.filter(student_id=student_id)
    newest = answers.order_by("-answered_at", "-position").values_list(*ShownAnswer._fields)
    shown = [ShownAnswer(*row) for row in (newest if limit is None else newest[:limit])]
    total = len(shown) if limit is None or len(shown) < limit else answers.count()
    return shown, total


def progress_cells(student_id: int) -> dict[int, Cell]:
    """The student's cells by chapter id, for the chapters they started (one query)."""
    return {chapter: cell for (_, chapter), cell in cells_of([student_id]).items()}


class ChapterTotals(NamedTuple):
    """A student's figures in one chapter they started, as the progress table keeps them."""

    answered: int
    correct: int
    mistakes: int
    reveals: int
    time_spent_ms: int
    first_activity: datetime | None
    last_activity: datetime | None


@dataclass(frozen=True)
class StudentSummary:
    answered: int
    correct: int
    mistakes: int
    reveals: int
    time_spent_seconds: int
    first_activity: datetime | None
    last_activity: datetime | None


def summary_of(chapters: Iterable[ChapterTotals]) -> StudentSummary:
    """A student's totals over the chapters they started: the sums (the time summed before it is
    rounded down to seconds), their first and their last activity; zeros and None for none."""
    chapters = list(chapters)
    firsts = [c.first_activity for c in chapters if c.first_activity is not None]
    lasts = [c.last_activity for c in chapters if c.last_activity is not None]
    return StudentSummary(
        answered=sum(c.answered for c in chapters),
        correct=sum(c.correct for c in chapters),
        mistakes=sum(c.mistakes for c in chapters),
        reveals=sum(c.reveals for c in chapters),
        time_spent_seconds=sum(c.time_spent_ms for c in chapters) // 1000,
        first_activity=min(firsts, default=None),
        last_activity=max(lasts, default=None),
    )


@dataclass(frozen=True)
class StudentProgressReport:
    """A student's page's progress: their class, their cell per chapter the grid shows for them
    (shown_chapters), their totals, and every chapter's title (an answer may be to a chapter not
    shown)."""

    classroom: Classroom | None
    progress: list[tuple[ChapterRef, Cell]]
    summary: StudentSummary
    chapter_titles: dict[int, str]


def student_progress(student_id: int) -> StudentProgressReport:
    """Three queries: the student's classes, the chapters, and the student's progress rows, which
    give both the cells and the totals."""
    # At most one class (the admin form sees to it), the first being the student's
    # (roles.classroom_of); the chapters of every one's school are shown all the same.
    classes = list(Classroom.objects.filter(students=student_id).order_by("pk"))
    rows = StudentProgress.objects.filter(student_id=student_id).values_list(
        *CELL_COLUMNS, "correct", "first_activity", named=True
    )
    found: dict[int, Cell] = {}
    totals = []
    for row in rows:
        found[row.chapter_id] = cell_from_row(*row[: len(CELL_COLUMNS)])
        totals.append(
            ChapterTotals(
                row.answered,
                row.correct,
                row.mistakes,
                row.reveals,
                row.time_spent_ms,
                row.first_activity,
                row.last_activity,
            )
        )
    every_chapter, askable = chapters_and_askable()
    shown = shown_chapters(every_chapter, {c.school_id for c in classes}, found, askable)
    return StudentProgressReport(
        classroom=classes[0] if classes else None,
        progress=[(ch, found.get(ch.id) or Cell(student_id, ch.id)) for ch in shown],
        summary=summary_of(totals),
        chapter_titles={ch.id: ch.title for ch in every_chapter},
    )


def student_days(student_id: int) -> list[DayTotals]:
    """Days the student worked, oldest first: time spent and answers."""
    return [
        DayTotals(row.day, row.answered, row.correct, 1, row.time_spent_ms // 1000)
        for row in StudentDay.objects.filter(student_id=student_id).order_by("day")
    ]
