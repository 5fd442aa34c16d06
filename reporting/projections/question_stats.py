"""`question_stats`: per question and revision, and per question x student (for item analysis).

- Per (question, revision): assigned, answered (= correct + incorrect), correct, incorrect,
  revealed,
  first tries and first tries correct, and the sum and count of seconds to answer (the mean).
- Per (question, revision, whole second): how many answers took that long. The median is read from
  this histogram at query time. A batch's buckets are increments, added to the stored counts in the
  database, so a batch never needs to read them first.
- Per (question, student): the student's counts and their FIRST TRY: the first answer or reveal of
  that student on that question, in any quiz and any revision (a reveal is a try that was not
  correct). The facility and discrimination indices are computed from these rows.
- Per (chapter, question, first try correct, rest tried, rest correct): how many students' first
  try on the question was right (or not) while their other first tries in the chapter numbered
  `rest tried`, `rest correct` of them right ("rest scores"). The discrimination index of a chapter
  is a correlation over these counts (reporting.analysis), so the question table reads a few
  hundred of them instead of every first try of the chapter. The chapter is the one the
  question x student rows are filed under (their first event's): a batch's first try moves each
  of the student's earlier first tries in that chapter to its new rest score, as increments.
Seconds to answer count answers only, not reveals. Not partitioned: a student's quizzes are separate
streams and the first try is per student.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from reporting.projections import common as c

StatsKey = tuple[int, int]  # (question_id, revision)
BucketKey = tuple[int, int, int]  # (question_id, revision, seconds)
StudentKey = tuple[int, int]  # (question_id, student_id)
ChapterKey = tuple[int, int]  # (student_id, chapter_id as the student's rows are filed)
RestScoreKey = tuple[int, int, bool, int, int]  # (chapter, question, correct, rest tried, right)


@dataclass
class QuestionStatsRow:
    question_id: int
    revision: int
    chapter_id: int
    assigned: int = 0
    answered: int = 0
    correct: int = 0
    incorrect: int = 0
    revealed: int = 0
    first_tries: int = 0
    first_try_correct: int = 0
    seconds_count: int = 0
    seconds_sum: float = 0.0


@dataclass
class QuestionStudentRow:
    question_id: int
    student_id: int
    chapter_id: int
    classroom_id: int | None = None
    assigned: int = 0
    answered: int = 0
    correct: int = 0
    incorrect: int = 0
    revealed: int = 0
    seconds_count: int = 0
    seconds_sum: float = 0.0
    first_try_revision: int | None = None
    first_try_correct: bool | None = None
    first_try_at: datetime | None = None
    last_at: datetime | None = None


@dataclass(frozen=True)
class FirstTryRow:
    """A question x student row as the rest scores read it."""

    question_id: int
    student_id: int
    chapter_id: int
    first_try_correct: bool | None


@dataclass(frozen=True)
class QuestionChanges:
    stats: dict[StatsKey, QuestionStatsRow]
    buckets: dict[BucketKey, int]  # increments: answers of this batch per bucket
    students: dict[StudentKey, QuestionStudentRow]
    rest_scores: dict[RestScoreKey, int]  # increments (some negative): students per rest score


def duration_bucket(seconds: float) -> int:
    """Histogram bucket of a duration: whole seconds (the median's resolution)."""
    return max(0, round(seconds))


def _question(event: c.EventLike) -> tuple[int, int]:
    return int(event.data["question_id"]), int(event.data.get("question_revision") or 1)


def relevant(events: Sequence[c.EventLike]) -> list[c.EventLike]:
    return [e for e in events if e.type == c.QUESTION_ASSIGNED or e.type in c.TRY_TYPES]


def stats_keys(events: Sequence[c.EventLike]) -> set[StatsKey]:
    return {_question(e) for e in relevant(events)}


def student_keys(events: Sequence[c.EventLike]) -> set[StudentKey]:
    return {(int(e.data["question_id"]), int(e.data["student_id"])) for e in relevant(events)}


def chapter_keys(
    events: Sequence[c.EventLike], students: Mapping[StudentKey, QuestionStudentRow]
) -> set[ChapterKey]:
    """The (student, chapter) a batch adds first tries to: the student of each first try with the
    chapter its question x student row is filed under (stored, else the batch's first event of
    that question and student). `students`: the stored rows of the batch's student_keys."""
    filed: dict[StudentKey, int | None] = {}  # None: tried before, or earlier in the batch
    out: set[ChapterKey] = set()
    for event in relevant(events):
        data = event.data
        key = (int(data["question_id"]), int(data["student_id"]))
        if key in filed:
            chapter = filed[key]
        else:
            known = students.get(key)
            if known is None:
                chapter = int(data["chapter_id"])
            else:
                chapter = known.chapter_id if known.first_try_at is None else None
            filed[key] = chapter
        if chapter is not None and event.type in c.TRY_TYPES:
            out.add((key[1], chapter))
            filed[key] = None
    return out


def first_tries_by_chapter(rows: Iterable[FirstTryRow]) -> dict[ChapterKey, dict[int, bool]]:
    """Per (student, chapter) the questions first tried and whether right, from their rows."""
    out: dict[ChapterKey, dict[int, bool]] = {}
    for row in rows:
        if row.first_try_correct is not None:
            out.setdefault((row.student_id, row.chapter_id), {})[row.question_id] = (
                row.first_try_correct
            )
    return out


def project(
    events: Sequence[c.EventLike],
    *,
    stats: Mapping[StatsKey, QuestionStatsRow],
    students: Mapping[StudentKey, QuestionStudentRow],
    first_tries: Mapping[ChapterKey, Mapping[int, bool]],
) -> QuestionChanges:
    """`first_tries`: per (student, chapter) of chapter_keys, the stored first tries (question ->
    correct). The rest scores change by those of each student's first tries in the chapter after
    the batch less those before it."""
    out: dict[StatsKey, QuestionStatsRow] = {}
    out_buckets: dict[BucketKey, int] = {}
    out_students: dict[StudentKey, QuestionStudentRow] = {}
    tried: dict[ChapterKey, dict[int, bool]] = {}
    scores: dict[RestScoreKey, int] = defaultdict(int)
    for event in relevant(events):
        data = event.data
        question, revision = _question(event)
        chapter = int(data["chapter_id"])
        student = int(data["student_id"])
        row = out.get((question, revision))
        if row is None:
            current = stats.get((question, revision))
            row = replace(current) if current else QuestionStatsRow(question, revision, chapter)
            out[(question, revision)] = row
        per = out_students.get((question, student))
        if per is None:
            known = students.get((question, student))
            per = replace(known) if known else QuestionStudentRow(question, student, chapter)
            out_students[(question, student)] = per
        if data.get("classroom_id") is not None:
            per.classroom_id = int(data["classroom_id"])
        per.last_at = event.recorded_at
        if event.type == c.QUESTION_ASSIGNED:
            row.assigned += 1
            per.assigned += 1
            continue
        correct = event.type == c.ANSWERED_CORRECTLY
        if per.first_try_at is None:
            per.first_try_at = event.recorded_at
            per.first_try_revision = revision
            per.first_try_correct = correct
            row.first_tries += 1
            row.first_try_correct += correct
            mine = tried.get((student, per.chapter_id))
            if mine is None:
                mine = dict(first_tries.get((student, per.chapter_id), {}))
                tried[(student, per.chapter_id)] = mine
            mine[question] = correct
        if event.type == c.ANSWER_REVEALED:
            row.revealed += 1
            per.revealed += 1
            continue
        row.answered += 1
        per.answered += 1
        if correct:
            row.correct += 1
            per.correct += 1
        else:
            row.incorrect += 1
            per.incorrect += 1
        if data.get("seconds_to_answer") is not None:
            seconds = float(data["seconds_to_answer"])
            row.seconds_count += 1
            row.seconds_sum += seconds
            per.seconds_count += 1
            per.seconds_sum += seconds
            bucket = (question, revision, duration_bucket(seconds))
            out_buckets[bucket] = out_buckets.get(bucket, 0) + 1
    for (student, chapter), after in tried.items():
        _count_rest_scores(scores, chapter, first_tries.get((student, chapter), {}), -1)
        _count_rest_scores(scores, chapter, after, 1)
    return QuestionChanges(
        stats=out,
        buckets=out_buckets,
        students=out_students,
        rest_scores={key: n for key, n in scores.items() if n},
    )


def _count_rest_scores(
    scores: dict[RestScoreKey, int], chapter: int, tries: Mapping[int, bool], sign: int
) -> None:
    """Add (sign 1) or take away (-1) the rest scores of one student's first tries in a chapter:
    each with the others as its rest."""
    tried, right = len(tries), sum(tries.values())
    for question, ok in tries.items():
        scores[(chapter, question, ok, tried - 1, right - ok)] += sign


# --- writer -------------------------------------------------------------------------------------


@dataclass
class BucketRow:
    question_id: int
    revision: int
    seconds: int
    count: int


@dataclass
class RestScoreRow:
    chapter_id: int
    question_id: int
    correct: bool
    rest_tried: int
    rest_correct: int
    students: int


def apply(events: Sequence[c.EventLike]) -> None:
    from reporting.models import QuestionDuration, QuestionRestScore, QuestionStats, QuestionStudent
    from reporting.projections import db

    events = relevant(events)
    if not events:
        return
    students = db.load(
        QuestionStudent, ("question_id", "student_id"), student_keys(events), QuestionStudentRow
    )
    tried = db.load_all(
        QuestionStudent, ("student_id", "chapter_id"), chapter_keys(events, students), FirstTryRow
    )
    changes = project(
        events,
        stats=db.load(
            QuestionStats, ("question_id", "revision"), stats_keys(events), QuestionStatsRow
        ),
        students=students,
        first_tries=first_tries_by_chapter(row for rows in tried.values() for row in rows),
    )
    db.upsert(QuestionStats, changes.stats.values(), ("question_id", "revision"))
    db.add(
        QuestionDuration,
        [BucketRow(q, r, s, n) for (q, r, s), n in changes.buckets.items()],
        ("question_id", "revision", "seconds"),
        "count",
    )
    db.upsert(QuestionStudent, changes.students.values(), ("question_id", "student_id"))
    db.add(
        QuestionRestScore,
        [RestScoreRow(*key, n) for key, n in changes.rest_scores.items()],
        ("chapter_id", "question_id", "correct", "rest_tried", "rest_correct"),
        "students",
    )


def reset() -> None:
    from reporting.models import QuestionDuration, QuestionRestScore, QuestionStats, QuestionStudent
    from reporting.projections import db

    db.truncate(QuestionStats, QuestionDuration, QuestionStudent, QuestionRestScore)
