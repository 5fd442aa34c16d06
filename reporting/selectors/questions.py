"""Which questions are difficult, and what wrong answers students give: a chapter's question
table (facility, discrimination, needs checking; overall or for a class), the spread of
facility, and the wrong answers given to a question with who gave them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.db.models import Sum

from quiz.models import Question, QuestionRevision
from reporting import analysis
from reporting.models import (
    QuestionDuration,
    QuestionRestScore,
    QuestionStats,
    QuestionStudent,
    WrongAnswer,
    WrongAnswerStudent,
)
from reporting.selectors.roster import Person, names


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


# A chapter's questions in its order, with their current texts (question_texts). This and the
# page's other reads of the read models are written by hand: the ORM took several times longer to
# compile each (2.3 ms of CPU for this one with its text as a subquery) than the database took to
# answer it. Both databases' SQL.
_CHAPTER_QUESTIONS_SQL = """
SELECT q.id, q.{order}, q.live, r.text
FROM {question} q LEFT JOIN {revision} r ON r.question_id = q.id AND r.revision = q.current_revision
WHERE q.chapter_id = %s ORDER BY q.{order}, q.id
"""


def _table(model: type[models.Model]) -> str:
    return _quoted(model._meta.db_table)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _marks(values: Collection[Any]) -> str:
    """One placeholder a value, for `IN (...)` on both databases (never empty: no `IN ()`)."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def question_table(
    chapter_id: int, *, students: Collection[int] | None = None
) -> list[QuestionReport]:
    """Every question of a chapter with its statistics, overall or for the given students (a
    class); in the chapter's order. The median is only known overall (None for a class). A draft
    is left out until it has statistics (it was live once).

    A question's figures follow it: they are read by the ids of the chapter's questions now, not
    by the chapter the read-model rows were filed under (the chapter of their first event), so a
    question staff moved to another chapter takes all its answers to that chapter's table."""
    questions = _rows(
        _CHAPTER_QUESTIONS_SQL.format(
            question=_table(Question), revision=_table(QuestionRevision), order=_quoted("order")
        ),
        [chapter_id],
    )
    drafts = {q for q, _, live, _ in questions if not live}
    reports = {q: QuestionReport(q, text or "", order) for q, order, _, text in questions}
    ids = list(reports)
    sums = ", ".join(f"sum({name})" for name in QUESTION_COUNTERS)
    if students is None:
        totals = _rows(
            f"SELECT question_id, {sums}, sum(first_tries), sum(first_try_correct) "
            f"FROM {_table(QuestionStats)} WHERE question_id IN ({_marks(ids)}) "
            "GROUP BY question_id",
            ids,
        )
    else:
        wanted = list(students)
        totals = _rows(
            f"SELECT question_id, {sums}, count(first_try_correct), "
            "count(*) FILTER (WHERE first_try_correct) "
            f"FROM {_table(QuestionStudent)} WHERE question_id IN ({_marks(ids)}) "
            f"AND student_id IN ({_marks(wanted)}) GROUP BY question_id",
            [*ids, *wanted],
        )
    for question_id, *figures in totals:
        report = reports[question_id]
        for name, value in zip(
            (*QUESTION_COUNTERS, "first_tries", "first_try_correct"), figures, strict=True
        ):
            setattr(report, name, value or 0)
    if students is None:
        for question_id, median in median_seconds(ids).items():
            reports[question_id].median_seconds = median
    index = None
    if students is None:  # the first tries of each question are the totals' (question_stats)
        first_tries = {q: report.first_tries for q, report in reports.items()}
        index = _discrimination_kept(chapter_id, first_tries)
    if index is None:
        index = _discrimination_from_first_tries(ids, students)
    for question_id, value in index.items():
        reports[question_id].discrimination = value
    shown = (r for r in reports.values() if r.question not in drafts or r.assigned)
    return sorted(shown, key=lambda r: (r.order, r.question))


def median_seconds(questions: Collection[int]) -> dict[int, float]:
    """The median seconds to answer of each question answered (with a duration), over all its
    answers: reporting.analysis.median_from_histogram of its QuestionDuration rows (its
    revisions' together). Read with a plain cursor: a chapter's histograms are some 1,650 rows,
    and the ORM's rows cost more than the medians; a median found in SQL (a running count over
    a window) cost the database more than that again."""
    if not questions:
        return {}
    histograms: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for question, seconds, count in _rows(
        f"SELECT question_id, seconds, count FROM {_table(QuestionDuration)} "
        f"WHERE question_id IN ({_marks(questions)})",
        list(questions),
    ):
        histograms[question][seconds] += count
    return {
        question: median
        for question, histogram in histograms.items()
        if (median := analysis.median_from_histogram(histogram)) is not None
    }


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
    questions: Collection[int],
    students: Collection[int] | None = None,
    *,
    chapter_id: int | None = None,
) -> dict[int, float | None]:
    """The discrimination index of every question of a chapter, given as its questions' ids (see
    reporting.analysis); with the chapter's id, overall, from the rest scores the question_stats
    projection keeps where they cover exactly the chapter's first tries."""
    if not questions:
        return {}
    if students is None and chapter_id is not None:
        first_tries = dict(
            QuestionStats.objects.filter(question_id__in=list(questions))
            .values("question_id")
            .annotate(total=Sum("first_tries"))
            .values_list("question_id", "total")
        )
        kept = _discrimination_kept(chapter_id, {q: first_tries.get(q) or 0 for q in questions})
        if kept is not None:
            return kept
    return _discrimination_from_first_tries(questions, students)


def _discrimination_from_first_tries(
    questions: Collection[int], students: Collection[int] | None
) -> dict[int, float | None]:
    if not questions:
        return {}
    if connection.vendor == "postgresql":
        sql = _DISCRIMINATION_SQL.format(
            table=_table(QuestionStudent),
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


# The rest scores of a chapter summed per question and rest size (reporting.analysis.RestSums),
# in bigint: a few dozen rows where the table holds a few thousand. Both databases' SQL.
_REST_SUMS_SQL = """
SELECT question_id, rest_tried, sum(students), sum(students) FILTER (WHERE correct),
       sum(CAST(students AS bigint) * rest_correct),
       sum(CAST(students AS bigint) * rest_correct * rest_correct),
       sum(CAST(students AS bigint) * rest_correct) FILTER (WHERE correct)
FROM {table} WHERE chapter_id = %s GROUP BY question_id, rest_tried
"""


def _discrimination_kept(
    chapter_id: int, first_tries: Mapping[int, int]
) -> dict[int, float | None] | None:
    """The index of the chapter's questions (`first_tries`: each one's first tries, as
    question_stats counts them) from the chapter's rest scores; None where these do not hold
    exactly the first tries of its questions now. The rest scores are filed under the chapter of
    each question x student row (its first event's), so after staff moved a question between
    chapters a student's rest is not the chapter's questions now; and they are empty while the
    projection's rebuild to this version is pending. So each question's students must add up to
    its first tries, and no other question may have any under the chapter. Rarely (a question
    moved, a rebuild pending, a batch committed between the two reads) the caller computes the
    index from the first tries."""
    sums: dict[tuple[int, int], analysis.RestSums] = {}
    counted: dict[int, int] = defaultdict(int)
    for question, rest_tried, *summed in _rows(
        _REST_SUMS_SQL.format(table=_table(QuestionRestScore)), [chapter_id]
    ):
        students, right, total, squares, when_right = (int(v or 0) for v in summed)
        sums[(question, rest_tried)] = (students, right, total, squares, when_right)
        counted[question] += students
    if any(n and q not in first_tries for q, n in counted.items()) or any(
        counted.get(q, 0) != n for q, n in first_tries.items()
    ):
        return None
    index = analysis.discrimination_from_rest_sums(sums.items())
    return {q: index.get(q) for q in first_tries}


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


# The top wrong answers of each question, ranked in the database (a question may have thousands);
# over every student from wrong_answers, or summed over some students' rows of
# wrong_answer_student. Both databases' SQL, by hand as the question table's other reads.
_WRONG_ANSWERS_SQL = """
SELECT question_id, answer, total, people, latest FROM (
    SELECT question_id, answer, {total} AS total, {people} AS people, {latest} AS latest,
           row_number() OVER (
               PARTITION BY question_id ORDER BY {total} DESC, {people} DESC, answer
           ) AS place
    FROM {table} WHERE question_id IN ({questions}){students}{group}
) ranked{top} ORDER BY question_id, total DESC, people DESC, answer
"""


def wrong_answers_by_question(
    question_ids: Collection[int],
    *,
    students: Collection[int] | None = None,
    per_question: int | None = 5,
) -> dict[int, list[WrongAnswerReport]]:
    """The top wrong answers of each question, most common first, in one query. The database ranks
    them, so a question with thousands of distinct wrong answers sends only `per_question`."""
    questions = list(question_ids)
    params: list[Any] = [*questions]
    if students is None:
        table, total, people, latest, where, group = (
            _table(WrongAnswer),
            "count",
            "students",
            "last_seen",
            "",
            "",
        )
    else:
        wanted = list(students)
        table, total, people, latest = (
            _table(WrongAnswerStudent),
            "sum(count)",
            "count(student_id)",
            "max(last_seen)",
        )
        where, group = f" AND student_id IN ({_marks(wanted)})", " GROUP BY question_id, answer"
        params += wanted
    top = ""
    if per_question is not None:
        top = " WHERE place <= %s"
        params.append(per_question)
    sql = _WRONG_ANSWERS_SQL.format(
        table=table,
        total=total,
        people=people,
        latest=latest,
        questions=_marks(questions),
        students=where,
        group=group,
        top=top,
    )
    out: dict[int, list[WrongAnswerReport]] = defaultdict(list)
    for question, answer, count, people_count, last in _rows(sql, params):
        out[question].append(WrongAnswerReport(answer, count, people_count, _moment(last)))
    return out


# Up to `limit` students who gave each of some wrong answers, the latest to give it first.
_WHO_GAVE_SQL = """
SELECT question_id, answer, student_id FROM (
    SELECT question_id, answer, student_id,
           row_number() OVER (
               PARTITION BY question_id, answer ORDER BY last_seen DESC NULLS LAST, student_id
           ) AS place
    FROM {table} WHERE question_id IN ({questions}) AND answer IN ({answers}){students}
) ranked WHERE place <= %s
"""


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
    questions, texts = list({q for q, _ in wanted}), list({a for _, a in wanted})
    params: list[Any] = [*questions, *texts]
    among = ""
    if students is not None:
        chosen = list(students)
        among = f" AND student_id IN ({_marks(chosen)})"
        params += chosen
    sql = _WHO_GAVE_SQL.format(
        table=_table(WrongAnswerStudent),
        questions=_marks(questions),
        answers=_marks(texts),
        students=among,
    )
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for question_id, answer, student_id in _rows(sql, [*params, limit]):
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


def _moment(value: Any) -> datetime | None:
    """A moment from a plain cursor: SQLite's arrives as text (the ORM's converter, by hand)."""
    if value is None or isinstance(value, datetime):
        return value
    return connection.ops.convert_datetimefield_value(value, None, connection)  # type: ignore[attr-defined]


def facility_spread(reports: Iterable[QuestionReport], bins: int = 10) -> list[int]:
    """How many questions fall in each facility band [0, 0.1), ..., [0.9, 1.0]."""
    counts = [0] * bins
    for report in reports:
        value = report.facility
        if value is not None:
            counts[min(bins - 1, int(value * bins))] += 1
    return counts
