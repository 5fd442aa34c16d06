"""Reads for the teacher pages and the report API. Everything here reads read models (the
reporting tables and the `answers` table), never the event log, plus the roster and content for
names. Access checks live in reporting.access; these functions assume the caller may see the data.

The questions of the talk, and where they are answered:
- when did a student try, which questions, how many mistakes and which: student_answers /
  student_summary (per student), grid (per class), question_table (overall or per class);
- which questions are difficult: question_table (facility, discrimination, needs checking);
- what wrong answers do students give to question N: wrong_answers (overall or per class).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from quiz.content import for_schools
from quiz.models import Chapter, Question, QuestionKind, QuestionRevision
from reporting import analysis, wording
from reporting.models import (
    Answer,
    ClassDay,
    ClassFeedItem,
    QuestionDuration,
    QuestionStats,
    QuestionStudent,
    StudentDay,
    StudentProgress,
    WrongAnswer,
    WrongAnswerStudent,
)
from studyflow.models import Classroom

NOT_STARTED = StudentProgress.Status.NOT_STARTED.value
STUCK = StudentProgress.Status.STUCK.value
PASSED = StudentProgress.Status.PASSED.value
IN_PROGRESS = StudentProgress.Status.IN_PROGRESS.value

# --- roster and content names --------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class ChapterRef:
    id: int
    title: str
    course: str = ""
    school_id: int | None = None  # its course's school; None: a course for every school

    def for_school(self, schools: Collection[int]) -> bool:
        return self.school_id is None or self.school_id in schools


def display_name(user: Any) -> str:
    full = f"{user.first_name} {user.last_name}".strip()
    return full or user.username


def class_students(classroom: Classroom) -> list[Person]:
    users = classroom.students.only("id", "username", "first_name", "last_name")
    people = [Person(u.pk, display_name(u)) for u in users]
    return sorted(people, key=lambda p: (p.name.casefold(), p.id))


def student_ids(classroom: Classroom) -> list[int]:
    return list(classroom.students.values_list("pk", flat=True))


def names(user_ids: Iterable[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=set(user_ids))
    return {u.pk: display_name(u) for u in users.only("username", "first_name", "last_name")}


def chapters() -> list[ChapterRef]:
    """Every chapter in course order, with its course's school (see ChapterRef.for_school)."""
    query = Chapter.objects.select_related("course").order_by("course__order", "course_id", "order")
    return [ChapterRef(c.pk, c.title, c.course.title, c.course.school_id) for c in query]


def reported_chapters(schools: Collection[int] | None = None) -> list[ChapterRef]:
    """The chapters a question-difficulty page has something to say about: a live question, or an
    answer given to one of its questions. A chapter being written (drafts only) is left out."""
    askable = Question.objects.filter(live=True).values("chapter_id")
    answered = Answer.objects.values("chapter_id")
    query = (
        for_schools(Chapter.objects.all(), schools, "course__school")
        .filter(Q(pk__in=askable) | Q(pk__in=answered))
        .select_related("course")
        .order_by("course__order", "course_id", "order")
    )
    return [ChapterRef(c.pk, c.title, c.course.title, c.course.school_id) for c in query]


def chapter_titles(chapter_ids: Iterable[int]) -> dict[int, str]:
    ids = set(chapter_ids)
    if not ids:
        return {}
    return dict(Chapter.objects.filter(pk__in=ids).values_list("pk", "title"))


def question_texts(question_ids: Iterable[int]) -> dict[int, str]:
    """The current wording of each question (for labels)."""
    wanted = set(question_ids)
    # The current revision's text only (a question keeps every old revision).
    return dict(
        QuestionRevision.objects.filter(
            question_id__in=wanted, revision=F("question__current_revision")
        ).values_list("question_id", "text")
    )


def choice_labels(question_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """For each multiple-choice question among them, its choices as a teacher reads a wrong answer
    ("A: 2/5"), by its key as answers are checked (wording.choice_labels). From the current
    revision."""
    rows = QuestionRevision.objects.filter(
        question_id__in=set(question_ids),
        question__kind=QuestionKind.CHOICE,
        revision=F("question__current_revision"),
    ).values_list("question_id", "choices")
    return {question: wording.choice_labels(choices) for question, choices in rows}


def answered_choice_labels(
    revisions: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], dict[str, str]]:
    """For each (question, revision) answered that is of a multiple-choice question, the labels
    of its choices as that revision had them (wording.choice_labels): what the student chose,
    even from a question edited since. One query for any number."""
    wanted = set(revisions)
    if not wanted:
        return {}
    rows = QuestionRevision.objects.filter(
        question_id__in={q for q, _ in wanted},
        revision__in={r for _, r in wanted},
        question__kind=QuestionKind.CHOICE,
    ).values_list("question_id", "revision", "choices")
    return {
        (question, revision): wording.choice_labels(choices)
        for question, revision, choices in rows
        if (question, revision) in wanted
    }


def feed_choice_labels(positions: Iterable[int]) -> dict[int, dict[str, str]]:
    """For feed items of answers to a multiple-choice question (by event position), the labels
    of the choices of the revision answered. The feed keeps no revision: the answers table,
    keyed by the same event position, has it, and one query joins the two. An answer that table
    has not taken in yet is left out (the feed shows its key alone until its next refresh)."""
    wanted = set(positions)
    if not wanted:
        return {}
    choices = QuestionRevision.objects.filter(
        question_id=OuterRef("question_id"),
        revision=OuterRef("question_revision"),
        question__kind=QuestionKind.CHOICE,
    ).values("choices")[:1]
    rows = (
        Answer.objects.filter(position__in=wanted)
        .annotate(choices=Subquery(choices))
        .values_list("position", "choices")
    )
    return {position: wording.choice_labels(found) for position, found in rows if found}


def accepted_now(question_ids: Iterable[int]) -> dict[int, tuple[str, list[str]]]:
    """Each question's kind and the answers its current revision accepts: a wrong answer of the
    past that the question now accepts is marked so (it stays wrong in the figures: it was judged
    by the question as it was)."""
    rows = QuestionRevision.objects.filter(
        question_id__in=set(question_ids), revision=F("question__current_revision")
    ).values_list("question_id", "question__kind", "accepted_answers")
    return {question: (kind, list(accepted)) for question, kind, accepted in rows}


# --- the class progress grid --------------------------------------------------------------------


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
    found = {
        (p.student_id, p.chapter_id): p
        for p in StudentProgress.objects.filter(student_id__in=[s.id for s in students])
    }
    worked_on = {chapter for _, chapter in found}
    chapter_list = shown_chapters(chapters(), {classroom.school_id}, worked_on)
    rows = []
    for student in students:
        cells = []
        for ch in chapter_list:
            progress = found.get((student.id, ch.id))
            cells.append(_cell(student.id, ch.id, progress))
        rows.append(GridRow(student, cells))
    return Grid(classroom, students, chapter_list, sort_rows(rows, sort, reverse))


def shown_chapters(
    every_chapter: Sequence[ChapterRef], schools: Collection[int], worked_on: Collection[int]
) -> list[ChapterRef]:
    """The chapters a grid or a student's page has a column for: each one the students may
    practise (every school's courses and their school's own) that has a live question, and each
    one they worked on, also one they may no longer practise. A column of "not started" for a
    chapter with nothing to ask says nothing; work done stays."""
    askable = set(
        Question.objects.filter(live=True).values_list("chapter_id", flat=True).distinct()
    )
    return [
        c for c in every_chapter if (c.for_school(schools) and c.id in askable) or c.id in worked_on
    ]


def _cell(student: int, chapter_id: int, progress: StudentProgress | None) -> Cell:
    if progress is None:
        return Cell(student, chapter_id)
    return Cell(
        student=student,
        chapter=chapter_id,
        status=progress.status,
        streak=progress.streak,
        best_streak=progress.best_streak,
        answered=progress.answered,
        mistakes=progress.mistakes,
        reveals=progress.reveals,
        time_spent_seconds=progress.time_spent_ms // 1000,
        last_activity=progress.last_activity,
        passed_at=progress.passed_at,
        open_quiz_id=progress.open_quiz_id,
        stuck=progress.stuck,
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


# --- activity -----------------------------------------------------------------------------------


def read_moment(text: str) -> datetime | None:
    """A `since` as a client or the page sends it, or None when it is no date and time (month 13
    included, and a moment at the very edge of the calendar that UTC cannot hold: the first hours
    of year 1 east of Greenwich). An unescaped "+01:00" in a query string arrives as " 01:00":
    read as meant. A moment with its offset comes back in UTC: PostgreSQL refuses an offset past
    15:59, which Python reads (up to 23:59)."""
    text = text.strip()
    moment = _datetime(text)
    if moment is None and " " in text:
        head, _, offset = text.rpartition(" ")
        moment = _datetime(f"{head}+{offset}")
    if moment is None:
        return None
    try:  # the database compares in UTC
        in_utc = (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(
            UTC
        )
    except (OverflowError, ValueError):
        return None
    return in_utc if timezone.is_aware(moment) else moment


def _datetime(text: str) -> datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def feed(
    classroom_id: int, *, since: datetime | None = None, limit: int = 50
) -> list[ClassFeedItem]:
    """The class's most recent events, newest first: of its current students only. An item is
    filed under the class the student was in when the quiz started, so a student who moved to
    another class (or school) would otherwise go on showing here until that quiz is passed."""
    students = Classroom.students.through.objects.filter(classroom_id=classroom_id)
    items = ClassFeedItem.objects.filter(
        classroom_id=classroom_id, student_id__in=students.values("user_id")
    )
    if since is not None:
        items = items.filter(at__gt=since)
    return list(items.order_by("-at", "-position")[:limit])


@dataclass(frozen=True)
class DayTotals:
    day: date
    answered: int = 0
    correct: int = 0
    active_students: int = 0
    time_spent_seconds: int = 0


def every_day(active: Sequence[DayTotals], *, last: int, end: date) -> list[DayTotals]:
    """The calendar days from the first active one (at most the `last` days up to `end`, today),
    days without work as zeros: a chart of only the active days would draw a week off as if it
    were a night, and one ending at the last active day would make an old one look recent. Empty
    when no work falls in those days."""
    start = end - timedelta(days=last - 1)
    found = {totals.day: totals for totals in active if start <= totals.day <= end}
    if not found:
        return []
    return _zero_filled(found, max(start, min(totals.day for totals in active)), end)


def _zero_filled(found: Mapping[date, DayTotals], start: date, end: date) -> list[DayTotals]:
    """Every day from `start` to `end`, oldest first; a day without totals is zeros."""
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [found.get(day) or DayTotals(day) for day in days]


def class_days(classroom_id: int, *, days: int = 14, today: date | None = None) -> list[DayTotals]:
    """The last `days` days of a class, oldest first, zero-filled."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    found = {
        row.day: DayTotals(
            row.day, row.answered, row.correct, row.active_students, row.time_spent_ms // 1000
        )
        for row in ClassDay.objects.filter(
            classroom_id=classroom_id, day__gte=start, day__lte=today
        )
    }
    return _zero_filled(found, start, today)


# --- a student ----------------------------------------------------------------------------------


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


# --- questions ----------------------------------------------------------------------------------


@dataclass
class QuestionReport:
    question: int
    text: str = ""
    order: int = 0
    assigned: int = 0
    answered: int = 0
    correct: int = 0
    incorrect: int = 0
    revealed: int = 0
    first_tries: int = 0
    first_try_correct: int = 0
    seconds_count: int = 0
    seconds_sum: float = 0.0
    median_seconds: float | None = None
    discrimination: float | None = None
    wrong_answers: list[WrongAnswerReport] = field(default_factory=list)

    @property
    def facility(self) -> float | None:
        return analysis.facility(self.first_tries, self.first_try_correct)

    @property
    def mean_seconds(self) -> float | None:
        return self.seconds_sum / self.seconds_count if self.seconds_count else None

    @property
    def needs_checking(self) -> bool:
        return analysis.needs_checking(self.first_tries, self.facility, self.discrimination)


# Summed per question from question_stats (overall) or question_student rows (a class).
QUESTION_COUNTERS = (
    "assigned",
    "answered",
    "correct",
    "incorrect",
    "revealed",
    "seconds_count",
    "seconds_sum",
)


def question_table(
    chapter_id: int, *, students: Collection[int] | None = None
) -> list[QuestionReport]:
    """Every question of a chapter with its statistics, overall or for the given students (a
    class); in the chapter's order. The median is only known overall (None for a class). A draft
    is left out until it has statistics (it was live once).

    A question's figures follow it: they are read by the ids of the chapter's questions now, not
    by the chapter the read-model rows were filed under (the chapter of their first event), so a
    question staff moved to another chapter takes all its answers to that chapter's table."""
    questions = list(
        Question.objects.filter(chapter_id=chapter_id)
        .order_by("order", "pk")
        .values_list("pk", "order", "live")
    )
    drafts = {q for q, _, live in questions if not live}
    texts = question_texts(q for q, _, _ in questions)
    reports = {q: QuestionReport(q, texts.get(q, ""), order) for q, order, _ in questions}
    ids = list(reports)
    per_student = QuestionStudent.objects.filter(question_id__in=ids)
    counters = {name: Sum(name) for name in QUESTION_COUNTERS}
    totals: Iterable[dict[str, Any]]
    if students is not None:
        per_student = per_student.filter(student_id__in=list(students))
        totals = per_student.values("question_id").annotate(
            **counters,
            first_tries=Count("id", filter=~Q(first_try_correct=None)),
            first_try_correct=Count("id", filter=Q(first_try_correct=True)),
        )
    else:
        totals = (
            QuestionStats.objects.filter(question_id__in=ids)
            .values("question_id")
            .annotate(
                **counters,
                first_tries=Sum("first_tries"),
                first_try_correct=Sum("first_try_correct"),
            )
        )
    for total in totals:
        report = reports[total["question_id"]]
        for name in (*QUESTION_COUNTERS, "first_tries", "first_try_correct"):
            setattr(report, name, total[name] or 0)
    if students is None:
        histograms: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for question_id, seconds, count in QuestionDuration.objects.filter(
            question_id__in=ids
        ).values_list("question_id", "seconds", "count"):
            histograms[question_id][seconds] += count
        for question_id, histogram in histograms.items():
            reports[question_id].median_seconds = analysis.median_from_histogram(histogram)
    for question_id, value in discrimination(ids, students).items():
        reports[question_id].discrimination = value
    shown = (r for r in reports.values() if r.question not in drafts or r.assigned)
    return sorted(shown, key=lambda r: (r.order, r.question))


# The discrimination index in one statement: per student the first-try score on the whole chapter
# (window sums), per row the score on the rest, then PostgreSQL's corr() per question. Undefined
# (NULL) with fewer than two students or when either side is constant (checked exactly). The
# chapter is its questions now (see question_table), not the chapter_id the rows were filed under.
_DISCRIMINATION_SQL = """
WITH t AS (
    SELECT question_id, first_try_correct::int AS x,
           sum(first_try_correct::int) OVER (PARTITION BY student_id) AS c,
           count(*) OVER (PARTITION BY student_id) AS n
    FROM {table}
    WHERE question_id = ANY(%s) AND first_try_correct IS NOT NULL {students}
), s AS (
    SELECT question_id, x::float8 AS x, (c - x)::float8 / (n - 1) AS y FROM t WHERE n > 1
)
SELECT question_id,
       CASE WHEN count(*) < 2 OR min(x) = max(x) OR min(y) = max(y) THEN NULL ELSE corr(x, y) END
FROM s GROUP BY question_id
"""


def discrimination(
    questions: Collection[int], students: Collection[int] | None = None
) -> dict[int, float | None]:
    """The discrimination index of every question of a chapter, given as its questions' ids (see
    reporting.analysis)."""
    if not questions:
        return {}
    if connection.vendor == "postgresql":
        sql = _DISCRIMINATION_SQL.format(
            table=connection.ops.quote_name(QuestionStudent._meta.db_table),
            students="" if students is None else "AND student_id = ANY(%s)",
        )
        params: list[Any] = [list(questions)]
        if students is not None:
            params.append(list(students))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {question: value for question, value in cursor.fetchall()}
    rows = QuestionStudent.objects.filter(question_id__in=list(questions)).exclude(
        first_try_correct=None
    )
    if students is not None:
        rows = rows.filter(student_id__in=list(students))
    tries = rows.values_list("student_id", "question_id", "first_try_correct")
    return analysis.discrimination((s, q, bool(ok)) for s, q, ok in tries)


@dataclass(frozen=True)
class WrongAnswerReport:
    answer: str
    count: int
    students: int
    last_seen: datetime | None = None


def wrong_answers(
    question_id: int, *, students: Collection[int] | None = None, limit: int | None = None
) -> list[WrongAnswerReport]:
    """The wrong answers given to a question (as quiz.answers.answer_group groups them), most
    common first."""
    return wrong_answers_by_question([question_id], students=students, per_question=limit).get(
        question_id, []
    )


def wrong_answers_by_question(
    question_ids: Collection[int],
    *,
    students: Collection[int] | None = None,
    per_question: int | None = 5,
) -> dict[int, list[WrongAnswerReport]]:
    """The top wrong answers of each question, most common first, in one query. The database ranks
    them, so a question with thousands of distinct wrong answers sends only `per_question`."""
    rows = (
        WrongAnswer.objects.filter(question_id__in=list(question_ids))
        .values("question_id", "answer")
        .annotate(total=F("count"), people=F("students"), last=F("last_seen"))
        if students is None
        else WrongAnswerStudent.objects.filter(
            question_id__in=list(question_ids), student_id__in=list(students)
        )
        .values("question_id", "answer")
        .annotate(total=Sum("count"), people=Count("student_id"), last=Max("last_seen"))
    )
    if per_question is not None:
        rows = rows.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("question_id"),
                order_by=(F("total").desc(), F("people").desc(), F("answer").asc()),
            )
        ).filter(rank__lte=per_question)
    out: dict[int, list[WrongAnswerReport]] = defaultdict(list)
    for row in rows.order_by("question_id", "-total", "-people", "answer"):
        out[row["question_id"]].append(
            WrongAnswerReport(row["answer"], row["total"], row["people"], row["last"])
        )
    return out


def who_gave(
    answers: Collection[tuple[int, str]], *, students: Collection[int] | None, limit: int = 10
) -> dict[tuple[int, str], list[Person]]:
    """Per (question, wrong answer as grouped): up to `limit` of the students who gave it (the
    latest to give it), by name; of `students` only, unless None. A teacher who sees "35%, 6
    students" wants to know whom to talk to. The database picks them: for staff, with no class
    chosen, a common answer may have thousands of students."""
    if not answers:
        return {}
    wanted = set(answers)
    rows = WrongAnswerStudent.objects.filter(
        question_id__in={q for q, _ in wanted}, answer__in={a for _, a in wanted}
    )
    if students is not None:
        rows = rows.filter(student_id__in=list(students))
    latest = rows.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("question_id"), F("answer")],
            order_by=(F("last_seen").desc(nulls_last=True), F("student_id").asc()),
        )
    ).filter(rank__lte=limit)
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for question_id, answer, student_id in latest.values_list(
        "question_id", "answer", "student_id"
    ):
        if (question_id, answer) in wanted:
            found[(question_id, answer)].append(student_id)
    known = names(student for ids in found.values() for student in ids)
    return {
        key: sorted(
            (Person(i, known.get(i, f"Student {i}")) for i in ids),
            key=lambda p: (p.name.casefold(), p.id),
        )
        for key, ids in found.items()
    }


def facility_spread(reports: Iterable[QuestionReport], bins: int = 10) -> list[int]:
    """How many questions fall in each facility band [0, 0.1), ..., [0.9, 1.0]."""
    counts = [0] * bins
    for report in reports:
        value = report.facility
        if value is not None:
            counts[min(bins - 1, int(value * bins))] += 1
    return counts
