"""A plain recomputation of every report from the list of events, written independently of the
projections (no batches, no side tables): the oracle the read models and selectors must equal.

Events are taken in the order given (the log's commit order).
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

CAP_MS = 300_000
ANSWER = ("quiz.QuestionAnsweredCorrectly", "quiz.QuestionAnsweredIncorrectly")
TRY = (*ANSWER, "quiz.AnswerRevealed")
STARTED = "quiz.QuizStarted"


def _ms(earlier: datetime, later: datetime, kind: str) -> int:
    """A gap over the cap is a break: an answer or reveal after it earns the cap, others 0."""
    delta = later - earlier
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    if ms > CAP_MS:
        return CAP_MS if kind in TRY else 0
    return max(ms, 0)


def credited(events: Sequence[Any]) -> list[tuple[Any, int]]:
    """Each event with the capped gap since its student's previous event (any chapter)."""
    previous: dict[int, datetime] = {}
    out = []
    for e in events:
        s = e.data["student_id"]
        out.append((e, _ms(previous[s], e.recorded_at, e.type) if s in previous else 0))
        previous[s] = e.recorded_at
    return out


def progress(events: Sequence[Any]) -> dict[tuple[int, int], dict[str, Any]]:
    by_key: dict[tuple[int, int], list[tuple[Any, int]]] = defaultdict(list)
    for e, ms in credited(events):
        by_key[(e.data["student_id"], e.data["chapter_id"])].append((e, ms))
    cells = {}
    for key, items in by_key.items():
        kinds = [e.type for e, _ in items]
        passed = [e.recorded_at for e, _ in items if e.type == "quiz.QuizPassed"]
        stuck = False
        streak = 0
        streaks = [0]
        for e, _ in items:
            if e.type in ("quiz.StudentGotStuck",):
                stuck = True
            elif e.type in ("quiz.StudentGotUnstuck", "quiz.QuizPassed", "quiz.QuizStarted"):
                stuck = False
            if e.type == "quiz.QuestionAnsweredCorrectly":
                streak = e.data["streak"]
                streaks.append(streak)
            elif e.type in ("quiz.QuestionAnsweredIncorrectly", "quiz.AnswerRevealed", STARTED):
                streak = 0
        starts = [e for e, _ in items if e.type == STARTED]
        latest = starts[-1].data["quiz_id"] if starts else None
        latest_passed = any(
            e.type == "quiz.QuizPassed" and e.data["quiz_id"] == latest for e, _ in items
        )
        cells[key] = {
            "open_quiz_id": uuid.UUID(latest) if latest and not latest_passed else None,
            "status": "passed" if passed else ("stuck" if stuck else "in_progress"),
            "stuck": stuck,
            "streak": streak,
            "best_streak": max(streaks),
            "answered": sum(k in ANSWER for k in kinds),
            "mistakes": kinds.count("quiz.QuestionAnsweredIncorrectly"),
            "reveals": kinds.count("quiz.AnswerRevealed"),
            "time_spent_ms": sum(ms for _, ms in items),
            "last_activity": max(e.recorded_at for e, _ in items),
            "passed_at": passed[0] if passed else None,
        }
    return cells


def student_days(events: Sequence[Any], student: int, tz: tzinfo) -> dict[date, dict[str, int]]:
    days: dict[date, dict[str, int]] = defaultdict(lambda: {"time_spent_ms": 0, "answered": 0})
    for e, ms in credited(events):
        if e.data["student_id"] != student:
            continue
        day = days[e.recorded_at.astimezone(tz).date()]
        day["time_spent_ms"] += ms
        day["answered"] += e.type in ANSWER
    return dict(days)


def first_tries(events: Sequence[Any]) -> dict[tuple[int, int], tuple[int, bool]]:
    """(student, question) -> (chapter, first try correct)."""
    out: dict[tuple[int, int], tuple[int, bool]] = {}
    for e in events:
        if e.type in TRY:
            key = (e.data["student_id"], e.data["question_id"])
            if key not in out:
                out[key] = (e.data["chapter_id"], e.type == "quiz.QuestionAnsweredCorrectly")
    return out


def discrimination(
    events: Sequence[Any], chapter: int, question: int, students: Collection[int] | None = None
) -> float | None:
    tries = {
        k: correct
        for k, (ch, correct) in first_tries(events).items()
        if ch == chapter and (students is None or k[0] in students)
    }
    xs, ys = [], []
    for (s, q), correct in tries.items():
        if q != question:
            continue
        rest = [v for (s2, q2), v in tries.items() if s2 == s and q2 != question]
        if rest:
            xs.append(float(correct))
            ys.append(sum(rest) / len(rest))
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        # Undefined when either side is constant, decided exactly: statistics.correlation only
        # refuses a zero variance, and a constant ys whose mean does not round back to the value
        # gives a rounding-noise variance and a correlation of about 1e-17 instead.
        return None
    return statistics.correlation(xs, ys)


def question_report(
    events: Sequence[Any], chapter: int, students: Collection[int] | None = None
) -> dict[int, dict[str, Any]]:
    def mine(e: Any) -> bool:
        return e.data["chapter_id"] == chapter and (
            students is None or e.data["student_id"] in students
        )

    relevant = [e for e in events if e.type in TRY and mine(e)]
    tries = {
        k: v
        for k, v in first_tries(events).items()
        if v[0] == chapter and (students is None or k[0] in students)
    }
    out = {}
    for q in sorted({e.data["question_id"] for e in relevant}):
        es = [e for e in relevant if e.data["question_id"] == q]
        seconds = [float(e.data["seconds_to_answer"]) for e in es if e.type in ANSWER]
        first = [correct for (s, q2), (_, correct) in tries.items() if q2 == q]
        out[q] = {
            "answered": sum(e.type in ANSWER for e in es),
            "correct": sum(e.type == "quiz.QuestionAnsweredCorrectly" for e in es),
            "incorrect": sum(e.type == "quiz.QuestionAnsweredIncorrectly" for e in es),
            "revealed": sum(e.type == "quiz.AnswerRevealed" for e in es),
            "first_tries": len(first),
            "facility": sum(first) / len(first) if first else None,
            "discrimination": discrimination(events, chapter, q, students),
            "mean_seconds": sum(seconds) / len(seconds) if seconds else None,
            "median_seconds": (
                statistics.median([max(0, round(x)) for x in seconds]) if seconds else None
            ),
        }
    return out


def wrong_answers(
    events: Sequence[Any],
    question: int,
    normalise: Callable[[str], str],
    students: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    counts: dict[str, int] = defaultdict(int)
    who: dict[str, set[int]] = defaultdict(set)
    for e in events:
        if e.type != "quiz.QuestionAnsweredIncorrectly" or e.data["question_id"] != question:
            continue
        if students is not None and e.data["student_id"] not in students:
            continue
        answer = normalise(e.data["answer"])[:500]
        counts[answer] += 1
        who[answer].add(e.data["student_id"])
    rows = [{"answer": a, "count": n, "students": len(who[a])} for a, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["count"], -r["students"], r["answer"]))


def class_days(events: Sequence[Any], tz: tzinfo) -> dict[tuple[int, date], dict[str, int]]:
    days: dict[tuple[int, date], dict[str, Any]] = {}
    for e, ms in credited(events):
        classroom = e.data.get("classroom_id")
        if classroom is None:
            continue
        key = (classroom, e.recorded_at.astimezone(tz).date())
        day = days.setdefault(
            key, {"answered": 0, "correct": 0, "active": set(), "time_spent_ms": 0}
        )
        day["answered"] += e.type in ANSWER
        day["correct"] += e.type == "quiz.QuestionAnsweredCorrectly"
        day["active"].add(e.data["student_id"])
        day["time_spent_ms"] += ms
    return {
        key: {
            "answered": d["answered"],
            "correct": d["correct"],
            "active_students": len(d["active"]),
            "time_spent_ms": d["time_spent_ms"],
        }
        for key, d in days.items()
    }


def feed(events: Sequence[Any], classroom: int, keep: int = 200) -> list[dict[str, Any]]:
    items = [
        e
        for e in events
        if e.data.get("classroom_id") == classroom and e.type != "quiz.QuestionAssigned"
    ]
    items.sort(key=lambda e: (e.recorded_at, e.position), reverse=True)
    return [
        {
            "at": e.recorded_at,
            "position": e.position,
            "student": e.data["student_id"],
            "type": e.type,
            "question": e.data.get("question_id"),
            "correct": (e.type == "quiz.QuestionAnsweredCorrectly") if e.type in TRY else None,
        }
        for e in items[:keep]
    ]


def student_answers(events: Sequence[Any], student: int) -> list[dict[str, Any]]:
    return [
        {
            "at": e.recorded_at,
            "quiz": str(e.data["quiz_id"]),
            "question": e.data["question_id"],
            "answer": "" if e.type == "quiz.AnswerRevealed" else e.data["answer"],
            "correct": e.type == "quiz.QuestionAnsweredCorrectly",
            "seconds_to_answer": e.data.get("seconds_to_answer"),
        }
        for e in events
        if e.type in TRY and e.data["student_id"] == student
    ]
