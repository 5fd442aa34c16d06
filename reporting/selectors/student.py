"""A student's page: their answers (and reveals), their cell per chapter as the grid has it, the
days they worked and their totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Min, Sum

from reporting.models import Answer, StudentDay, StudentProgress
from reporting.selectors.activity import DayTotals
from reporting.selectors.class_progress import Cell, _cell, shown_chapters
from reporting.selectors.content import ChapterRef, chapters
from studyflow.models import Classroom


def student_answers(student_id: int) -> list[Answer]:
    """Every answer (and reveal) of a student, oldest first."""
    return list(Answer.objects.filter(student_id=student_id).order_by("answered_at", "position"))


def newest_answers(student_id: int, limit: int | None = None) -> tuple[list[Answer], int]:
    """A student's newest answers (and reveals), newest first, at most `limit`; and how many
    there are in all."""
    answers = Answer.objects.filter(student_id=student_id)
    newest = answers.order_by("-answered_at", "-position")
    shown = list(newest if limit is None else newest[:limit])
    total = len(shown) if limit is None or len(shown) < limit else answers.count()
    return shown, total


def progress_cells(student_id: int) -> dict[int, Cell]:
    """The student's cells by chapter id, for the chapters they started (one query)."""
    return {
        p.chapter_id: _cell(student_id, p.chapter_id, p)
        for p in StudentProgress.objects.filter(student_id=student_id)
    }


def student_progress(
    student_id: int, every_chapter: list[ChapterRef] | None = None
) -> list[tuple[ChapterRef, Cell]]:
    """A student's cell per chapter of shown_chapters, as the grid has them. `every_chapter`:
    chapters() if the caller has read it already."""
    found = progress_cells(student_id)
    schools = set(Classroom.objects.filter(students=student_id).values_list("school_id", flat=True))
    every_chapter = chapters() if every_chapter is None else every_chapter
    return [
        (ch, found.get(ch.id) or _cell(student_id, ch.id, None))
        for ch in shown_chapters(every_chapter, schools, found)
    ]


def student_days(student_id: int) -> list[DayTotals]:
    """Days the student worked, oldest first: time spent and answers."""
    return [
        DayTotals(row.day, row.answered, row.correct, 1, row.time_spent_ms // 1000)
        for row in StudentDay.objects.filter(student_id=student_id).order_by("day")
    ]


@dataclass(frozen=True)
class StudentSummary:
    answered: int
    correct: int
    mistakes: int
    reveals: int
    time_spent_seconds: int
    first_activity: datetime | None
    last_activity: datetime | None


def student_summary(student_id: int) -> StudentSummary:
    totals = StudentProgress.objects.filter(student_id=student_id).aggregate(
        answered=Sum("answered"),
        correct=Sum("correct"),
        mistakes=Sum("mistakes"),
        reveals=Sum("reveals"),
        time=Sum("time_spent_ms"),
        last=Max("last_activity"),
        first=Min("first_activity"),
    )
    return StudentSummary(
        answered=totals["answered"] or 0,
        correct=totals["correct"] or 0,
        mistakes=totals["mistakes"] or 0,
        reveals=totals["reveals"] or 0,
        time_spent_seconds=(totals["time"] or 0) // 1000,
        first_activity=totals["first"],
        last_activity=totals["last"],
    )
