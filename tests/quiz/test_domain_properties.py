"""Properties of the aggregate for ANY command sequence (hypothesis): replaying the events gives the
same state, the streak never exceeds the goal, a quiz passes exactly when the goal is reached,
versions are contiguous, the no-repeat window holds and rejections match the state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.domain import (
    ANSWER_REVEALED,
    ANSWERED_CORRECTLY,
    ANSWERED_INCORRECTLY,
    QUESTION_ASSIGNED,
    QUIZ_PASSED,
    STUDENT_GOT_STUCK,
    STUDENT_GOT_UNSTUCK,
    AnswerQuestion,
    Command,
    NextQuestion,
    Pool,
    QuizState,
    RevealAnswer,
    StartQuiz,
    decide,
    evolve,
    fold,
    no_repeat_window,
)
from quiz.errors import CommandRejected
from quiz.quiz_view import lost_a_streak
from tests.quiz.givens import CHAPTER, CLASSROOM, COURSE, QUIZ_ID, STUDENT, T0, q


@dataclass(frozen=True)
class Recorded:
    version: int
    type: str
    data: dict[str, Any]
    recorded_at: datetime


# A step: (command kind, answer correctly?, seconds later, which candidate to pick)
steps = st.lists(
    st.tuples(
        st.sampled_from(["answer", "reveal", "next"]),
        st.booleans(),
        st.integers(min_value=0, max_value=600),
        st.integers(min_value=0, max_value=1000),
    ),
    max_size=60,
)


def run(pool_size: int, goal: int, script) -> tuple[QuizState, list[Recorded], list[str]]:
    pool = Pool(questions=tuple(q(n) for n in range(1, pool_size + 1)))
    state = QuizState()
    log: list[Recorded] = []
    rejections: list[str] = []
    now = T0

    def record(events, at):
        nonlocal state
        for e in events:
            recorded = Recorded(state.version + 1, e.type, e.data, at)
            log.append(recorded)
            state = evolve(state, recorded)

    start = StartQuiz(QUIZ_ID, STUDENT, CHAPTER, COURSE, CLASSROOM, goal)
    record(decide(state, start, pool=pool, pick=lambda c: c[0], now=now), now)
    for kind, right, later, choice in script:
        now += timedelta(seconds=later)
        command: Command
        if kind == "answer":
            assert state.question_id is not None
            command = AnswerQuestion(str(state.question_id * 10) if right else "wrong")
        elif kind == "reveal":
            command = RevealAnswer()
        else:
            command = NextQuestion()
        before = state
        try:
            events = decide(state, command, pool=pool, pick=picker(choice), now=now)
        except CommandRejected as rejection:
            rejections.append(rejection.code)
            check_rejection(before, command, rejection.code)
            continue
        assert not before.passed
        assert events, "a command that succeeds always records something"
        record(events, now)
    return state, log, rejections


def picker(choice: int):
    return lambda candidates: candidates[choice % len(candidates)]


def check_rejection(state: QuizState, command: Command, code: str) -> None:
    if state.passed:
        assert code == "quiz_passed"
    elif isinstance(command, NextQuestion):
        assert code == "question_open" and state.question_open
    else:
        assert code == "no_open_question" and not state.question_open


@settings(max_examples=300, deadline=None)
@given(
    pool_size=st.integers(min_value=1, max_value=12),
    goal=st.integers(min_value=1, max_value=5),
    script=steps,
)
def test_any_command_sequence_keeps_the_quiz_consistent(pool_size, goal, script):
    state, log, _ = run(pool_size, goal, script)

    # Replaying the events gives the same state as deciding them one by one, and fold is evolve
    # reduced (from any point).
    assert fold(log) == state
    middle = len(log) // 2
    assert fold(log[middle:], fold(log[:middle])) == state
    # Versions are contiguous from 1.
    assert [e.version for e in log] == list(range(1, len(log) + 1))
    assert state.version == len(log)

    streaks = [e.data["streak"] for e in log if e.type == ANSWERED_CORRECTLY]
    assert all(1 <= s <= goal for s in streaks)
    assert 0 <= state.streak <= goal

    # Passed exactly when the goal is reached, once, as the last event.
    passed_at = [i for i, e in enumerate(log) if e.type == QUIZ_PASSED]
    assert (goal in streaks) == state.passed == bool(passed_at)
    if passed_at:
        assert passed_at == [len(log) - 1]
        assert log[-2].type in (ANSWERED_CORRECTLY, STUDENT_GOT_UNSTUCK)
        assert log[-1].data["questions_answered"] == state.questions_answered
        assert log[-1].data["mistakes"] == state.mistakes

    # Every event carries the common fields.
    for e in log:
        assert (e.data["quiz_id"], e.data["student_id"]) == (QUIZ_ID, STUDENT)
        assert (e.data["chapter_id"], e.data["classroom_id"]) == (CHAPTER, CLASSROOM)


@settings(max_examples=300, deadline=None)
@given(
    pool_size=st.integers(min_value=1, max_value=12),
    script=steps,
)
def test_the_no_repeat_window_holds(pool_size, script):
    _, log, _ = run(pool_size, 99, script)
    history: list[int] = []
    window = no_repeat_window(pool_size)
    for e in log:
        if e.type != QUESTION_ASSIGNED:
            continue
        recent: list[int] = []
        for question_id in reversed(history):
            if len(recent) == window:
                break
            if question_id not in recent:
                recent.append(question_id)
        assert e.data["question_id"] not in recent
        assert e.data["number"] == len(history) + 1
        history.append(e.data["question_id"])
    if pool_size >= 2:
        assert all(a != b for a, b in pairwise(history))


@settings(max_examples=300, deadline=None)
@given(script=steps)
def test_stuck_and_unstuck_alternate_and_follow_the_misses(script):
    state, log, _ = run(5, 99, script)
    flags = [e.type for e in log if e.type in (STUDENT_GOT_STUCK, STUDENT_GOT_UNSTUCK)]
    assert flags == [STUDENT_GOT_STUCK, STUDENT_GOT_UNSTUCK] * (len(flags) // 2) + (
        [STUDENT_GOT_STUCK] if len(flags) % 2 else []
    )
    assert state.stuck == (state.misses_in_row >= 3)
    assert not state.stuck or state.streak == 0


@settings(max_examples=300, deadline=None)
@given(
    pool_size=st.integers(min_value=1, max_value=12),
    goal=st.integers(min_value=2, max_value=5),
    script=steps,
)
def test_the_pages_know_when_a_miss_ended_a_streak(pool_size, goal, script):
    # The state keeps no streak from before a miss: quiz_view.lost_a_streak works it out, and
    # "your streak starts over" is said exactly when there was one.
    _, log, _ = run(pool_size, goal, script)
    state, streak_before = QuizState(), 0
    for event in log:
        if event.type in (ANSWERED_INCORRECTLY, ANSWER_REVEALED):
            streak_before = state.streak
        state = evolve(state, event)
        if state.status in ("answered_incorrectly", "answer_revealed"):
            assert lost_a_streak(state) == (streak_before > 0)
        else:
            assert not lost_a_streak(state)
