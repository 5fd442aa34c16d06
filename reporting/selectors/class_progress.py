"""The class progress grid: students x chapters, one cell per student and chapter (status,
streaks, answers, time), the rows' sort orders and the per-chapter totals under each column.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from reporting.models import StudentProgress
from reporting.selectors.content import ChapterRef, chapters_and_askable
from reporting.selectors.roster import Person, class_students
from studyflow.models import Classroom

NOT_STARTED = StudentProgress.Status.NOT_STARTED.value
STUCK = StudentProgress.Status.STUCK.value
PASSED = StudentProgress.Status.PASSED.value
IN_PROGRESS = StudentProgress.Status.IN_PROGRESS.value


@dataclass(frozen=True)
class Cell:
    student: int
    chapter: int
    status: str = NOT_STARTED
    streak: int = 0
    best_streak: int = 0
    answered: int = 0
    mistakes: int = 0
    reveals: int = 0
    time_spent_seconds: int = 0
    last_activity: datetime | None = None
    passed_at: datetime | None = None
    open_quiz_id: uuid.UUID | None = None
    stuck: bool = False  # in the current quiz; so also while practising a passed chapter again

    @property
    def stuck_again(self) -> bool:
        """Passed, and stuck now while practising the chapter again."""
        return self.status == PASSED and self.stuck


@dataclass(frozen=True)
class GridRow:
    student: Person
    cells: list[Cell]

    @property
    def stuck(self) -> int:
        """Chapters this student is stuck on now, practising a passed one again included."""
        return sum(cell.status == STUCK or cell.stuck for cell in self.cells)

    @property
    def passed(self) -> int:
        return sum(cell.status == PASSED for cell in self.cells)

    @property
    def time_spent_seconds(self) -> int:
        return sum(cell.time_spent_seconds for cell in self.cells)

    @property
    def last_activity(self) -> datetime | None:
        times = [cell.last_activity for cell in self.cells if cell.last_activity]
        return max(times) if times else None


@dataclass(frozen=True)
class Grid:
    classroom: Classroom
    students: list[Person]
    chapters: list[ChapterRef]
    rows: list[GridRow]

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells]

    def column_totals(self) -> list[ColumnTotals]:
        """Per chapter: how many of the class passed it and how many are stuck on it, not having
        passed it (is the class ready to move on?). Apart, so they add up to at most the class."""
        return [
            ColumnTotals(
                chapter,
                passed=sum(row.cells[i].status == PASSED for row in self.rows),
                stuck=sum(row.cells[i].status == STUCK for row in self.rows),
                students=len(self.rows),
            )
            for i, chapter in enumerate(self.chapters)
        ]


@dataclass(frozen=True)
class ColumnTotals:
    chapter: ChapterRef
    passed: int  # stuck practising again after passing too: they passed
    stuck: int  # stuck, not having passed
    students: int


GRID_SORTS = ("stuck", "name", "passed", "time", "activity")


def grid(classroom: Classroom, *, sort: str = "stuck", reverse: bool = False) -> Grid:
    """Students x chapters. Default order: students with a stuck chapter first, then by name."""
    students = class_students(classroom)
    found = cells_of([s.id for s in students])
    worked_on = {chapter for _, chapter in found}
    every_chapter, askable = chapters_and_askable()
    chapter_list = shown_chapters(every_chapter, {classroom.school_id}, worked_on, askable)
    rows = []
    for student in students:
        cells = []
        for ch in chapter_list:
            cells.append(found.get((student.id, ch.id)) or Cell(student.id, ch.id))
        rows.append(GridRow(student, cells))
    return Grid(classroom, students, chapter_list, sort_rows(rows, sort, reverse))


def shown_chapters(
    every_chapter: Sequence[ChapterRef],
    schools: Collection[int],
    worked_on: Collection[int],
    askable: Collection[int],
) -> list[ChapterRef]:
    """The chapters a grid or a student's page has a column for: each one the students may
    practise (every school's courses and their school's own) that has a live question (`askable`,
    see chapters_and_askable), and each one they worked on, also one they may no longer practise.
    A column of "not started" for a chapter with nothing to ask says nothing; work done stays."""
    return [
        c for c in every_chapter if (c.for_school(schools) and c.id in askable) or c.id in worked_on
    ]


# The progress columns a Cell is made of, in the order of its fields (the time in milliseconds).
CELL_COLUMNS = (
    "student_id",
    "chapter_id",
    "status",
    "streak",
    "best_streak",
    "answered",
    "mistakes",
    "reveals",
    "time_spent_ms",
    "last_activity",
    "passed_at",
    "open_quiz_id",
    "stuck",
)


def cells_of(students: Collection[int]) -> dict[tuple[int, int], Cell]:
    """The students' cells of the chapters they started, by (student, chapter): one query, read
    as plain rows, not models (a class's 300 models took longer to make than the query to run)."""
    rows = StudentProgress.objects.filter(student_id__in=students).values_list(*CELL_COLUMNS)
    return {(row[0], row[1]): cell_from_row(*row) for row in rows}


def cell_from_row(
    student: int,
    chapter: int,
    status: str,
    streak: int,
    best_streak: int,
    answered: int,
    mistakes: int,
    reveals: int,
    time_spent_ms: int,
    last_activity: datetime | None,
    passed_at: datetime | None,
    open_quiz_id: uuid.UUID | None,
    stuck: bool,
) -> Cell:
    return Cell(
        student,
        chapter,
        status,
        streak,
        best_streak,
        answered,
        mistakes,
        reveals,
        time_spent_ms // 1000,
        last_activity,
        passed_at,
        open_quiz_id,
        stuck,
    )


def sort_rows(rows: list[GridRow], sort: str, reverse: bool = False) -> list[GridRow]:
    """Names A to Z; by any other key the most first (most stuck, most chapters passed, most time,
    most recently active), which is what a teacher looks for. `reverse` turns it round; ties stay
    in name order."""
    by_name = sorted(rows, key=lambda r: (r.student.name.casefold(), r.student.id))
    if sort == "name":
        return list(reversed(by_name)) if reverse else by_name
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    keys: dict[str, Any] = {
        "stuck": lambda r: r.stuck,
        "passed": lambda r: r.passed,
        "time": lambda r: r.time_spent_seconds,
        "activity": lambda r: r.last_activity or epoch,
    }
    key = keys.get(sort, keys["stuck"])
    # sorted is stable, also when it reverses: ties stay in name order.
    return sorted(by_name, key=key, reverse=not reverse)


def sorted_descending(sort: str, reverse: bool) -> bool:
    """Whether the rows run from high to low (for aria-sort)."""
    return (sort != "name") != reverse
