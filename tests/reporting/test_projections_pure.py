"""The projections as pure functions: events in, rows out; any split into batches gives the same
rows, and the rows equal the oracle's plain recomputation."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.answers import answer_group
from reporting import analysis
from reporting.projections import class_activity, progress, question_stats, wrong_answers
from reporting.projections.common import gap_ms
from tests.reporting import oracle
from tests.reporting.histories import T0, Log, Quiz, random_history

AMS = ZoneInfo("Europe/Amsterdam")


def batches(events: list[Any], sizes: list[int]) -> list[list[Any]]:
    out, i = [], 0
    for size in sizes:
        out.append(events[i : i + size])
        i += size
    out.append(events[i:])
    return [b for b in out if b]


# Each runner feeds batches to a projection, keeping its tables as dicts (what the writer does).


def run_progress(events: list[Any], sizes: Sequence[int] = ()) -> progress.ProgressChanges:
    rows: dict = {}
    clocks: dict = {}
    days: dict = {}
    for batch in batches(events, list(sizes)):
        keys = progress.progress_keys(batch)
        changes = progress.project(
            batch,
            progress={k: v for k, v in rows.items() if k in keys},
            clocks=clocks,
            days={k: v for k, v in days.items() if k in progress.day_keys(batch, AMS)},
            tz=AMS,
        )
        rows.update(changes.progress)
        clocks.update(changes.clocks)
        days.update(changes.days)
    return progress.ProgressChanges(rows, clocks, days)


def run_questions(events: list[Any], sizes: Sequence[int] = ()) -> question_stats.QuestionChanges:
    stats: dict = {}
    buckets: dict = {}
    students: dict = {}
    scores: dict = {}
    for batch in batches(events, list(sizes)):
        mine = {k: v for k, v in students.items() if k in question_stats.student_keys(batch)}
        chapters = question_stats.chapter_keys(batch, mine)
        changes = question_stats.project(
            batch,
            stats={k: v for k, v in stats.items() if k in question_stats.stats_keys(batch)},
            students=mine,
            first_tries=question_stats.first_tries_by_chapter(
                question_stats.FirstTryRow(
                    r.question_id, r.student_id, r.chapter_id, r.first_try_correct
                )
                for r in students.values()
                if (r.student_id, r.chapter_id) in chapters
            ),
        )
        stats.update(changes.stats)
        for key, added in changes.buckets.items():
            buckets[key] = buckets.get(key, 0) + added
        students.update(changes.students)
        for score, added in changes.rest_scores.items():
            scores[score] = scores.get(score, 0) + added
    kept = {key: n for key, n in scores.items() if n}
    return question_stats.QuestionChanges(stats, buckets, students, kept)


def run_wrong(events: list[Any], sizes: Sequence[int] = ()) -> wrong_answers.WrongAnswerChanges:
    answers: dict = {}
    students: dict = {}
    for batch in batches(events, list(sizes)):
        answer_keys, student_keys = wrong_answers.keys(batch, answer_group)
        changes = wrong_answers.project(
            batch,
            answers={k: v for k, v in answers.items() if k in answer_keys},
            students={k: v for k, v in students.items() if k in student_keys},
            group=answer_group,
        )
        answers.update(changes.answers)
        students.update(changes.students)
    return wrong_answers.WrongAnswerChanges(answers, students)


def run_activity(
    events: list[Any],
    sizes: Sequence[int] = (),
    keep: int = class_activity.FEED_KEEP,
) -> tuple[class_activity.ActivityChanges, list[class_activity.FeedItem]]:
    days: dict = {}
    student_days: dict = {}
    clocks: dict = {}
    feed: list = []
    for batch in batches(events, list(sizes)):
        day_keys, student_keys = class_activity.keys(batch, AMS)
        changes = class_activity.project(
            batch,
            days={k: v for k, v in days.items() if k in day_keys},
            student_days={k: v for k, v in student_days.items() if k in student_keys},
            clocks=clocks,
            tz=AMS,
        )
        days.update(changes.days)
        student_days.update(changes.student_days)
        clocks.update(changes.clocks)
        feed = class_activity.newest(feed + changes.feed, keep)  # the writer's prune
    return class_activity.ActivityChanges(days, student_days, clocks, []), feed


# --- given/when/then examples -------------------------------------------------------------------


def test_gap_is_capped_at_five_minutes_and_never_negative():
    answer, start, assigned = (
        "quiz.QuestionAnsweredCorrectly",
        "quiz.QuizStarted",
        "quiz.QuestionAssigned",
    )
    assert gap_ms(None, T0, answer) == 0
    assert gap_ms(T0, T0 + timedelta(seconds=42), answer) == 42_000
    assert gap_ms(T0, T0 + timedelta(seconds=42), start) == 42_000
    assert gap_ms(T0, T0 + timedelta(hours=3), answer) == 300_000
    assert gap_ms(T0 + timedelta(seconds=5), T0, answer) == 0
    # after a break, a click that only moves on is no study time
    assert gap_ms(T0, T0 + timedelta(hours=3), start) == 0
    assert gap_ms(T0, T0 + timedelta(minutes=5, seconds=1), assigned) == 0


def test_progress_of_a_stuck_then_passing_student():
    # given a quiz: two wrong answers, a reveal (stuck), then three correct answers (passed)
    log = Log()
    quiz = Quiz(log, student=7, chapter=3, classroom=11)
    t = T0
    quiz.start(t)
    for i, step in enumerate(["wrong", "wrong", "reveal", "correct", "correct", "correct"]):
        t += timedelta(seconds=30)
        quiz.assign(t, question=300 + i)
        t += timedelta(seconds=20 if i else 600)  # the first answer after a long pause
        getattr(quiz, step)(t, 300 + i)
        if step == "reveal":
            stuck = run_progress(log.events).progress[(7, 3)]
            assert (stuck.status, stuck.stuck, stuck.streak) == ("stuck", True, 0)
    quiz.passed(t)
    # when projected
    row = run_progress(log.events).progress[(7, 3)]
    # then
    assert row.status == "passed" and row.passed_at == t and not row.stuck
    assert (row.answered, row.correct, row.mistakes, row.reveals) == (5, 3, 2, 1)
    assert (row.streak, row.best_streak, row.quizzes, row.classroom_id) == (3, 3, 1, 11)
    assert row.time_spent_ms == (30 * 6 + 20 * 5 + 300) * 1000  # the 600 s pause counts 300
    assert row.last_activity == t


def test_the_open_quiz_is_the_one_started_last_until_it_passes():
    # given a student who passed a chapter
    log = Log()
    first = Quiz(log, student=7, chapter=3, classroom=11)
    first.start(T0)
    assert run_progress(log.events).progress[(7, 3)].open_quiz_id == uuid.UUID(first.quiz_id)
    first.passed(T0 + timedelta(minutes=5))
    assert run_progress(log.events).progress[(7, 3)].open_quiz_id is None
    # when they practise the chapter again
    again = Quiz(log, student=7, chapter=3, classroom=11)
    again.start(T0 + timedelta(minutes=6))
    again.assign(T0 + timedelta(minutes=7), question=1)
    # then the chapter stays passed, and the new quiz is the one to continue (in any batching)
    for sizes in ([], [1], [2, 1], [3]):
        row = run_progress(log.events, sizes).progress[(7, 3)]
        assert (row.status, row.open_quiz_id) == ("passed", uuid.UUID(again.quiz_id))


def test_time_between_chapters_goes_to_the_later_event_and_is_counted_once():
    log = Log()
    a = Quiz(log, student=1, chapter=1, classroom=5)
    b = Quiz(log, student=1, chapter=2, classroom=5)
    a.start(T0)
    b.start(T0 + timedelta(seconds=100))
    a.assign(T0 + timedelta(seconds=130), question=1)
    result = run_progress(log.events)
    assert result.progress[(1, 1)].time_spent_ms == 30_000
    assert result.progress[(1, 2)].time_spent_ms == 100_000
    day = result.days[(1, T0.astimezone(AMS).date())]
    assert day.time_spent_ms == 130_000


def test_first_try_is_per_student_and_question_across_quizzes():
    log = Log()
    first = Quiz(log, student=1, chapter=1, classroom=None)
    first.start(T0)
    first.assign(T0, question=9)
    first.wrong(T0, 9, seconds=4)
    first.correct(T0, 9, seconds=6)
    again = Quiz(log, student=1, chapter=1, classroom=None)
    again.start(T0)
    again.assign(T0, question=9)
    again.correct(T0, 9, seconds=20)
    other = Quiz(log, student=2, chapter=1, classroom=None)
    other.start(T0)
    other.assign(T0, question=9)
    other.reveal(T0, 9)
    result = run_questions(log.events)
    stats = result.stats[(9, 1)]
    assert (stats.assigned, stats.answered, stats.correct, stats.incorrect) == (3, 3, 2, 1)
    assert (stats.revealed, stats.first_tries, stats.first_try_correct) == (1, 2, 0)
    assert stats.seconds_sum / stats.seconds_count == 10
    assert result.buckets == {(9, 1, 4): 1, (9, 1, 6): 1, (9, 1, 20): 1}
    assert result.students[(9, 1)].first_try_correct is False
    assert result.students[(9, 2)].first_try_correct is False
    assert result.students[(9, 2)].revealed == 1


def test_wrong_answers_group_by_answer_group_and_count_students_once():
    log = Log()
    for student, answer in [(1, "0,5"), (1, " 0.5"), (2, "0.5 "), (3, "7")]:
        quiz = Quiz(log, student=student, chapter=1, classroom=None)
        quiz.wrong(T0 + timedelta(minutes=student), 4, answer=answer)
    rows = run_wrong(log.events).answers
    assert (rows[(4, "0.5")].count, rows[(4, "0.5")].students) == (3, 2)
    assert rows[(4, "0.5")].last_seen == T0 + timedelta(minutes=2)
    assert (rows[(4, "7")].count, rows[(4, "7")].students) == (1, 1)


def test_wrong_answers_spelled_differently_are_one_row_keeping_the_last_as_typed():
    # given wrong answers to one question: one decimal and one percentage in several spellings,
    # and the decimal as a fraction
    log = Log()
    typed = ["0.6", "0,6", "0.6", ".6", "35 %", "35%", "35 procent", "3/5"]
    for minute, answer in enumerate(typed):
        quiz = Quiz(log, student=minute % 3 + 1, chapter=1, classroom=None)
        quiz.wrong(T0 + timedelta(minutes=minute), 4, answer=answer)
    # when they are projected, in batches of any size
    for sizes in ([], [1] * len(typed), [3, 2]):
        rows = run_wrong(log.events, sizes).answers
        # then each reads as one answer, counted once per student, with its last spelling typed
        got = {a: (r.count, r.students, r.example) for (_, a), r in rows.items()}
        assert got == {
            "0.6": (4, 3, ".6"),
            "35%": (3, 3, "35 procent"),
            "3/5": (1, 1, "3/5"),  # a fraction stays apart: another misconception
        }


def test_class_activity_counts_active_students_per_local_day():
    log = Log()
    late = T0.replace(hour=22, minute=30)  # 23:30 in Amsterdam: still the same school day
    after_midnight = late + timedelta(hours=1)  # 00:30 the next day
    for student in (1, 2):
        quiz = Quiz(log, student=student, chapter=1, classroom=8)
        quiz.start(late)
        quiz.assign(late, question=1)
        quiz.correct(late + timedelta(seconds=40), 1)
    lone = Quiz(log, student=3, chapter=1, classroom=None)
    lone.start(late)  # no class: counts for no class
    Quiz(log, student=1, chapter=1, classroom=8).start(after_midnight)
    result, feed = run_activity(log.events)
    day1 = result.days[(8, late.astimezone(AMS).date())]
    day2 = result.days[(8, after_midnight.astimezone(AMS).date())]
    assert (day1.answered, day1.correct, day1.active_students, day1.time_spent_ms) == (
        2,
        2,
        2,
        80_000,
    )
    # a start an hour after the last answer: the break is not study time
    assert (day2.active_students, day2.quizzes_started, day2.time_spent_ms) == (1, 1, 0)
    assert [item.type for item in feed][:1] == ["quiz.QuizStarted"]
    assert all(item.classroom_id == 8 for item in feed)


def test_feed_keeps_only_the_newest_items_per_class():
    events = random_history(3, steps=300)
    _, feed = run_activity(events, sizes=[50] * 10, keep=5)
    for classroom in {item.classroom_id for item in feed}:
        mine = [i for i in feed if i.classroom_id == classroom]
        expected = oracle.feed(events, classroom, keep=5)
        got = sorted(mine, key=lambda i: i.order, reverse=True)
        assert [(i.at, i.type, i.student_id) for i in got] == [
            (e["at"], e["type"], e["student"]) for e in expected
        ]


# --- batch independence and the oracle ----------------------------------------------------------


def compare_with_oracle(events: list[Any], sizes: list[int]) -> None:
    got = run_progress(events, sizes)
    expected = oracle.progress(events)
    assert set(got.progress) == set(expected)
    for key, cell in expected.items():
        row = got.progress[key]
        assert {name: getattr(row, name) for name in cell} == cell, key

    questions = run_questions(events, sizes)
    for chapter in {e.data["chapter_id"] for e in events}:
        for question, want in oracle.question_report(events, chapter).items():
            rows = [r for (q, _), r in questions.stats.items() if q == question]
            assert sum(r.answered for r in rows) == want["answered"]
            assert sum(r.revealed for r in rows) == want["revealed"]
            assert sum(r.first_tries for r in rows) == want["first_tries"]
            histogram = [
                s for (q, _, s), n in questions.buckets.items() if q == question for _ in range(n)
            ]
            if histogram:
                assert statistics.median(histogram) == want["median_seconds"]
        # the rest scores kept batch by batch are those of the chapter's first tries, and give
        # the oracle's discrimination index
        first_tries = [
            (r.student_id, r.question_id, r.first_try_correct)
            for r in questions.students.values()
            if r.chapter_id == chapter and r.first_try_correct is not None
        ]
        scores = {k[1:]: n for k, n in questions.rest_scores.items() if k[0] == chapter}
        assert scores == analysis.rest_scores(first_tries)
        index = analysis.discrimination_from_rest_scores(scores.items())
        for question in {q for _, q, _ in first_tries}:
            want_index = oracle.discrimination(events, chapter, question)
            if want_index is None:
                assert question not in index
            else:
                assert index[question] == pytest.approx(want_index, rel=1e-12, abs=1e-12)

    wrong = run_wrong(events, sizes).answers
    for question in {q for q, _ in wrong}:
        mine: list[dict[str, Any]] = sorted(
            (
                {"answer": a, "count": r.count, "students": r.students}
                for (q, a), r in wrong.items()
                if q == question
            ),
            key=lambda r: (-r["count"], -r["students"], r["answer"]),
        )
        assert mine == oracle.wrong_answers(events, question, answer_group)

    activity, _ = run_activity(events, sizes)
    want_days = oracle.class_days(events, AMS)
    assert set(activity.days) == set(want_days)
    for day_key, want_day in want_days.items():
        day_row = activity.days[day_key]
        assert {name: getattr(day_row, name) for name in want_day} == want_day


@pytest.mark.parametrize("seed", range(4))
def test_random_histories_equal_the_oracle_in_one_batch(seed):
    compare_with_oracle(random_history(seed), [])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 60), max_size=12))
def test_any_split_into_batches_equals_the_oracle(seed, cuts):
    compare_with_oracle(random_history(seed, steps=150), cuts)


def test_rows_are_new_objects_the_inputs_stay_unchanged():
    events = random_history(9, steps=50)
    first = run_progress(events[:25])
    before = {k: (v.answered, v.time_spent_ms) for k, v in first.progress.items()}
    progress.project(
        events[25:], progress=first.progress, clocks=first.clocks, days=first.days, tz=UTC
    )
    assert {k: (v.answered, v.time_spent_ms) for k, v in first.progress.items()} == before


def test_random_history_is_deterministic():
    assert random_history(5) == random_history(5)
