"""`wrong_answers`: per question x wrong answer (as grouped), with who gave it.

Answers are grouped by quiz.answers.answer_group across all revisions of a question: " 0,5 ", ".5"
and "0.5" are one answer, so are "35 %" and "35%", but "1/2" is another. `example` keeps the last
answer as typed. The per-student side table makes "distinct students" incremental and lets a
teacher narrow the list to the students of one class. Not partitioned (per student).

A change to the grouping changes the keys, so rows written before it no longer meet the answers
they count: ship it with a new `version` of the projection (reporting/projections/__init__.py), and
the workers rebuild it on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from reporting.projections import common as c

AnswerKey = tuple[int, str]  # (question_id, answer group)
StudentAnswerKey = tuple[int, str, int]  # (question_id, answer group, student_id)

# The API caps answers at 500 characters; grouping can add a few (`2⁷` reads `2^7`, `½` ` 1/2 `),
# so the key is cut to the column's size.
MAX_ANSWER = 500


@dataclass
class WrongAnswerRow:
    question_id: int
    answer: str
    chapter_id: int
    count: int = 0
    students: int = 0
    last_seen: datetime | None = None
    example: str = ""


@dataclass
class WrongAnswerStudentRow:
    question_id: int
    answer: str
    student_id: int
    count: int = 0
    last_seen: datetime | None = None


@dataclass(frozen=True)
class WrongAnswerChanges:
    answers: dict[AnswerKey, WrongAnswerRow]
    students: dict[StudentAnswerKey, WrongAnswerStudentRow]


Group = Callable[[str], str]  # an answer as typed -> its group (quiz.answers.answer_group)


def wrong(events: Sequence[c.EventLike]) -> list[c.EventLike]:
    return [e for e in events if e.type == c.ANSWERED_INCORRECTLY]


def grouped(event: c.EventLike, group: Group) -> str:
    return group(str(event.data.get("answer", "")))[:MAX_ANSWER]


def keys(
    events: Sequence[c.EventLike], group: Group
) -> tuple[set[AnswerKey], set[StudentAnswerKey]]:
    answer_keys: set[AnswerKey] = set()
    student_keys: set[StudentAnswerKey] = set()
    for event in wrong(events):
        answer = grouped(event, group)
        question = int(event.data["question_id"])
        answer_keys.add((question, answer))
        student_keys.add((question, answer, int(event.data["student_id"])))
    return answer_keys, student_keys


def project(
    events: Sequence[c.EventLike],
    *,
    answers: Mapping[AnswerKey, WrongAnswerRow],
    students: Mapping[StudentAnswerKey, WrongAnswerStudentRow],
    group: Group,
) -> WrongAnswerChanges:
    out: dict[AnswerKey, WrongAnswerRow] = {}
    out_students: dict[StudentAnswerKey, WrongAnswerStudentRow] = {}
    for event in wrong(events):
        data = event.data
        question = int(data["question_id"])
        answer = grouped(event, group)
        row = out.get((question, answer))
        if row is None:
            current = answers.get((question, answer))
            row = (
                replace(current)
                if current
                else WrongAnswerRow(question, answer, int(data["chapter_id"]))
            )
            out[(question, answer)] = row
        student = int(data["student_id"])
        per = out_students.get((question, answer, student))
        if per is None:
            known = students.get((question, answer, student))
            if known is None:
                row.students += 1
                per = WrongAnswerStudentRow(question, answer, student)
            else:
                per = replace(known)
            out_students[(question, answer, student)] = per
        row.count += 1
        row.last_seen = _later(row.last_seen, event.recorded_at)
        row.example = str(data.get("answer", ""))[:MAX_ANSWER]
        per.count += 1
        per.last_seen = _later(per.last_seen, event.recorded_at)
    return WrongAnswerChanges(answers=out, students=out_students)


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


# --- writer --------------------------------------------------------------------------------------


def apply(events: Sequence[c.EventLike]) -> None:
    from reporting.models import WrongAnswer, WrongAnswerStudent
    from reporting.projections import db

    events = wrong(events)
    if not events:
        return
    answer_keys, student_keys = keys(events, c.group)
    changes = project(
        events,
        answers=db.load(WrongAnswer, ("question_id", "answer"), answer_keys, WrongAnswerRow),
        students=db.load(
            WrongAnswerStudent,
            ("question_id", "answer", "student_id"),
            student_keys,
            WrongAnswerStudentRow,
        ),
        group=c.group,
    )
    db.upsert(WrongAnswer, changes.answers.values(), ("question_id", "answer"))
    db.upsert(
        WrongAnswerStudent, changes.students.values(), ("question_id", "answer", "student_id")
    )


def reset() -> None:
    from reporting.models import WrongAnswer, WrongAnswerStudent
    from reporting.projections import db

    db.truncate(WrongAnswer, WrongAnswerStudent)
