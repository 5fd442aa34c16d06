"""Every rule of the quiz as given (past events), when (a command), then (events or rejection)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from quiz.domain import (
    ANSWER_REVEALED,
    ANSWERED_CORRECTLY,
    ANSWERED_INCORRECTLY,
    QUESTION_ASSIGNED,
    QUIZ_PASSED,
    QUIZ_STARTED,
    STUDENT_GOT_STUCK,
    STUDENT_GOT_UNSTUCK,
    AnswerQuestion,
    DomainEvent,
    NextQuestion,
    Pool,
    RevealAnswer,
    StartQuiz,
    candidates,
    evolve,
    is_repeat_of,
    no_repeat_window,
)
from quiz.errors import CommandRejected
from tests.quiz.givens import (
    CHAPTER,
    CLASSROOM,
    COURSE,
    POOL,
    QUIZ_ID,
    STUDENT,
    Past,
    assigned,
    at,
    correct,
    event,
    given,
    last,
    passed,
    q,
    revealed,
    started,
    stuck,
    unstuck,
    when,
    wrong,
)

START = StartQuiz(QUIZ_ID, STUDENT, CHAPTER, COURSE, CLASSROOM, streak_goal=3)


def rejected(code: str, state, command, **kwargs) -> CommandRejected:
    with pytest.raises(CommandRejected) as info:
        when(state, command, **kwargs)
    assert info.value.code == code
    return info.value


# --- starting -----------------------------------------------------------------------------------


def test_start_quiz_starts_and_assigns_the_first_question():
    seen: list[Sequence[int]] = []

    def pick(options: Sequence[int]) -> int:
        seen.append(list(options))
        return 4

    assert when(given(), START, pick=pick) == [
        event(QUIZ_STARTED, course_id=COURSE, streak_goal=3),
        event(QUESTION_ASSIGNED, question_id=4, question_revision=1, number=1),
    ]
    assert seen == [list(range(1, 11))]  # any question of the chapter may come first


def test_start_quiz_assigns_the_current_revision():
    pool = Pool(questions=(q(1, revision=5),))
    events = when(given(), START, pool=pool)
    assert events[1].data["question_revision"] == 5


def test_start_quiz_records_the_class_at_the_time_even_when_there_is_none():
    events = when(given(), StartQuiz(QUIZ_ID, STUDENT, CHAPTER, COURSE, None, 2))
    assert all(e.data["classroom_id"] is None for e in events)
    assert events[0].data["streak_goal"] == 2


def test_start_quiz_needs_questions():
    rejected("no_questions", given(), START, pool=Pool())


def test_a_started_quiz_does_not_start_again():
    rejected("quiz_started", given(started(), assigned(1, 1)), START)


@pytest.mark.parametrize("command", [AnswerQuestion("1"), RevealAnswer(), NextQuestion()])
def test_a_quiz_that_has_not_started_takes_no_other_command(command):
    rejected("quiz_not_started", given(), command)


def test_the_pick_must_be_one_of_the_candidates():
    with pytest.raises(ValueError, match="not one of"):
        when(given(started(), assigned(1, 1), wrong(1)), NextQuestion(), pick=lambda _: 1)


# --- answering ----------------------------------------------------------------------------------


def test_a_correct_answer_extends_the_streak():
    state = given(started(), assigned(2, 1, seconds=10))
    assert when(state, AnswerQuestion(" 20 "), now=at(25)) == [
        event(
            ANSWERED_CORRECTLY,
            question_id=2,
            question_revision=1,
            answer=" 20 ",
            streak=1,
            seconds_to_answer=15,
        )
    ]


def test_the_answer_is_checked_as_a_number():
    state = given(started(), assigned(1, 1))
    pool = Pool(questions=(q(1, "1/2"),))
    assert when(state, AnswerQuestion("0,5"), pool=pool)[0].type == ANSWERED_CORRECTLY


def test_a_wrong_answer_is_recorded_with_the_answer_given():
    state = given(started(), assigned(2, 1), correct(2, 1), assigned(3, 2, seconds=60))
    assert when(state, AnswerQuestion("31"), now=at(100)) == [
        event(
            ANSWERED_INCORRECTLY,
            question_id=3,
            question_revision=1,
            answer="31",
            seconds_to_answer=40,
        )
    ]


def test_a_wrong_answer_starts_the_streak_over():
    state = given(started(), assigned(2, 1), correct(2, 1), assigned(3, 2), wrong(3))
    assert state.streak == 0
    assert state.status == "answered_incorrectly"


def test_the_streak_goal_passes_the_quiz():
    state = given(
        started(seconds=0),
        assigned(1, 1),
        wrong(1),
        assigned(2, 2),
        correct(2, 1),
        assigned(3, 3),
        correct(3, 2),
        assigned(4, 4, seconds=80),
    )
    assert when(state, AnswerQuestion("40"), now=at(95)) == [
        event(
            ANSWERED_CORRECTLY,
            question_id=4,
            question_revision=1,
            answer="40",
            streak=3,
            seconds_to_answer=15,
        ),
        event(QUIZ_PASSED, questions_answered=4, mistakes=1, seconds=95),
    ]


def test_the_streak_goal_is_the_one_the_quiz_started_with():
    state = given(started(goal=1), assigned(1, 1))
    assert [e.type for e in when(state, AnswerQuestion("10"))] == [ANSWERED_CORRECTLY, QUIZ_PASSED]


def test_the_answer_is_checked_against_the_assigned_revision_not_the_current_one():
    # Question 1 was assigned at revision 1 (answer 10) and edited since (revision 2, answer 99).
    pool = Pool(questions=(q(1, "99", revision=2),), older_revisions=(q(1, "10", revision=1),))
    state = given(started(), assigned(1, 1, revision=1))
    assert when(state, AnswerQuestion("10"), pool=pool)[0].type == ANSWERED_CORRECTLY
    assert when(state, AnswerQuestion("99"), pool=pool)[0].type == ANSWERED_INCORRECTLY


def test_a_choice_question_compares_choice_keys():
    pool = Pool(questions=(q(1, "b", kind="choice"),))
    state = given(started(), assigned(1, 1))
    assert when(state, AnswerQuestion("B"), pool=pool)[0].type == ANSWERED_CORRECTLY
    assert when(state, AnswerQuestion("c"), pool=pool)[0].type == ANSWERED_INCORRECTLY


def test_seconds_to_answer_is_never_negative():
    state = given(started(), assigned(1, 1, seconds=30))
    events = when(state, AnswerQuestion("10"), now=at(29.5))
    assert events[0].data["seconds_to_answer"] == 0


@pytest.mark.parametrize(
    "past",
    [
        [],  # after the start the question is open: see the other tests
        [correct(1, 1)],
        [wrong(1)],
        [revealed(1)],
    ],
)
def test_answering_needs_an_open_question(past):
    state = given(started(), assigned(1, 1), *past)
    if not past:
        assert when(state, AnswerQuestion("10"))
        return
    answering = rejected("no_open_question", state, AnswerQuestion("10"))
    assert answering.message == "There is no open question to answer."
    revealing = rejected("no_open_question", state, RevealAnswer())
    assert revealing.message == "There is no open question to reveal."


# --- revealing ----------------------------------------------------------------------------------


def test_reveal_answer_reveals_and_counts_as_not_correct():
    state = given(started(), assigned(1, 1), correct(1, 1), assigned(2, 2, seconds=5))
    assert when(state, RevealAnswer(), now=at(12)) == [
        event(ANSWER_REVEALED, question_id=2, question_revision=1, seconds_to_answer=7)
    ]
    after = given(started(), assigned(1, 1), correct(1, 1), assigned(2, 2), revealed(2))
    assert after.streak == 0
    assert after.status == "answer_revealed"
    assert after.mistakes == 1


# --- stuck and unstuck --------------------------------------------------------------------------


def test_three_misses_in_a_row_get_the_student_stuck():
    state = given(started(), assigned(1, 1), wrong(1), assigned(2, 2), revealed(2), assigned(3, 3))
    assert [e.type for e in when(state, AnswerQuestion("0"))] == [
        ANSWERED_INCORRECTLY,
        STUDENT_GOT_STUCK,
    ]
    assert [e.type for e in when(state, RevealAnswer())] == [ANSWER_REVEALED, STUDENT_GOT_STUCK]


def test_two_misses_are_not_stuck():
    state = given(started(), assigned(1, 1), wrong(1), assigned(2, 2))
    assert [e.type for e in when(state, AnswerQuestion("0"))] == [ANSWERED_INCORRECTLY]


def test_a_correct_answer_in_between_restarts_the_count():
    state = given(
        started(),
        assigned(1, 1),
        wrong(1),
        assigned(2, 2),
        wrong(2),
        assigned(3, 3),
        correct(3, 1),
        assigned(4, 4),
        wrong(4),
        assigned(5, 5),
    )
    assert [e.type for e in when(state, AnswerQuestion("0"))] == [ANSWERED_INCORRECTLY]


def stuck_history() -> list[Past]:
    return [
        started(),
        assigned(1, 1),
        wrong(1),
        assigned(2, 2),
        wrong(2),
        assigned(3, 3),
        wrong(3),
        stuck(),
        assigned(4, 4),
    ]


def test_a_stuck_student_gets_stuck_only_once():
    state = given(*stuck_history())
    assert state.stuck
    assert [e.type for e in when(state, AnswerQuestion("0"))] == [ANSWERED_INCORRECTLY]
    assert [e.type for e in when(state, RevealAnswer())] == [ANSWER_REVEALED]


def test_the_next_correct_answer_gets_the_student_unstuck():
    state = given(*stuck_history())
    assert when(state, AnswerQuestion("40")) == [
        event(
            ANSWERED_CORRECTLY,
            question_id=4,
            question_revision=1,
            answer="40",
            streak=1,
            seconds_to_answer=0,
        ),
        event(STUDENT_GOT_UNSTUCK),
    ]
    assert not given(*stuck_history(), correct(4, 1), unstuck()).stuck


def test_unstuck_comes_before_passed():
    state = given(started(goal=1), *stuck_history()[1:])
    assert [e.type for e in when(state, AnswerQuestion("40"))] == [
        ANSWERED_CORRECTLY,
        STUDENT_GOT_UNSTUCK,
        QUIZ_PASSED,
    ]


def test_after_unstuck_three_more_misses_get_the_student_stuck_again():
    history = [*stuck_history(), correct(4, 1), unstuck()]
    history += [assigned(5, 5), wrong(5), assigned(6, 6), wrong(6), assigned(7, 7)]
    assert [e.type for e in when(given(*history), RevealAnswer())] == [
        ANSWER_REVEALED,
        STUDENT_GOT_STUCK,
    ]


# --- next question ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [correct(1, 1), wrong(1), revealed(1)])
def test_next_question_after_an_answer_assigns_another_question(answer):
    state = given(started(), assigned(1, 1), answer)
    assert when(state, NextQuestion()) == [
        event(QUESTION_ASSIGNED, question_id=2, question_revision=1, number=2)
    ]


def test_next_question_while_a_question_is_open_is_rejected():
    rejected("question_open", given(started(), assigned(1, 1)), NextQuestion())


def test_next_question_assigns_the_current_revision():
    pool = Pool(questions=(q(1), q(2, revision=3)))
    state = given(started(), assigned(1, 1), wrong(1))
    assert when(state, NextQuestion(), pool=pool)[0].data["question_revision"] == 3


def test_next_question_needs_questions():
    rejected(
        "no_questions", given(started(), assigned(1, 1), wrong(1)), NextQuestion(), pool=Pool()
    )


# --- a passed quiz ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [START, AnswerQuestion("10"), RevealAnswer(), NextQuestion()])
def test_a_passed_quiz_takes_no_command(command):
    state = given(started(goal=1), assigned(1, 1), correct(1, 1), passed())
    assert state.status == "passed"
    rejected("quiz_passed", state, command)


# --- not repeated -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pool_size", "window"), [(0, 0), (1, 0), (2, 1), (3, 2), (5, 4), (10, 9), (20, 18), (100, 90)]
)
def test_the_no_repeat_window_is_90_percent_of_the_pool_leaving_one(pool_size, window):
    assert no_repeat_window(pool_size) == window


def test_the_most_recent_questions_are_not_candidates():
    # Pool of 10: the 9 most recent are out, so only the oldest one is left.
    assert candidates(POOL, [3, 1, 2, 4, 5, 6, 7, 8, 9, 10]) == [3]
    assert candidates(POOL, [1, 2]) == [3, 4, 5, 6, 7, 8, 9, 10]


def test_the_window_counts_distinct_questions():
    # With a pool of 3 (window 2): 1 and 2 are the most recent distinct questions.
    pool = Pool(questions=(q(1), q(2), q(3)))
    assert candidates(pool, [3, 1, 2, 1, 2]) == [3]


def test_a_pool_of_two_alternates_and_a_pool_of_one_repeats():
    assert candidates(Pool(questions=(q(1), q(2))), [1]) == [2]
    assert candidates(Pool(questions=(q(1),)), [1]) == [1]


def test_questions_removed_from_the_chapter_do_not_use_up_the_window():
    pool = Pool(questions=(q(1), q(2), q(3)))
    assert candidates(pool, [2, 50, 51, 52]) == [1, 3]


def test_next_question_picks_only_from_the_candidates():
    state = given(
        started(),
        *[a for n in range(1, 10) for a in (assigned(n, n), wrong(n))],
    )
    assert when(state, NextQuestion(), pick=last)[0].data["question_id"] == 10


# --- evolve ---------------------------------------------------------------------------------------


def test_unknown_events_only_count_towards_the_version():
    state = given(started(), assigned(1, 1))
    after = evolve(state, Past("quiz.SomethingNew", {}))
    assert after.version == 3
    assert after.status == state.status


def test_state_after_a_start():
    state = given(started(goal=4, seconds=1), assigned(6, 1, revision=2, seconds=2))
    assert (state.version, state.status, state.streak_goal) == (2, "question_open", 4)
    assert (state.question_id, state.question_revision, state.question_number) == (6, 2, 1)
    assert state.started_at == at(1)
    assert state.assigned_at == at(2)


def test_decided_events_are_plain_data():
    events = when(given(), START)
    assert all(isinstance(e, DomainEvent) and isinstance(e.data, dict) for e in events)


# --- re-sent commands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "first_event"),
    [
        (START, started()),
        (AnswerQuestion("31"), wrong(3, "31")),
        (AnswerQuestion(" X = 4 "), wrong(3, "x = 4")),  # what checking ignores, a retry may vary
        (AnswerQuestion("20"), correct(2, 1)),
        (RevealAnswer(), revealed(2)),
        (NextQuestion(), assigned(3, 2)),
    ],
)
def test_a_command_resent_is_a_repeat_of_the_first(command, first_event):
    assert is_repeat_of(command, first_event)


@pytest.mark.parametrize(
    ("command", "first_event"),
    [
        (AnswerQuestion("32"), wrong(3, "31")),  # another answer under the same command id
        (AnswerQuestion("20"), revealed(2)),
        (RevealAnswer(), wrong(3, "31")),
        (NextQuestion(), started()),
        (NextQuestion(), correct(2, 1)),
        (START, assigned(3, 2)),
    ],
)
def test_the_same_command_id_on_a_different_request_is_no_repeat(command, first_event):
    assert not is_repeat_of(command, first_event)
