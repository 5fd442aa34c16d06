"""The pure decisions behind the student pages (quiz.pages): given data, then this outcome."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from quiz.content import Choice, QuestionContent
from quiz.pages import (
    Progress,
    Streak,
    chapter_card,
    classify_submission,
    format_duration,
    home_role,
    onlooker_note,
    remembered,
    time_spent,
    with_own_quizzes,
)
from quiz.quiz_view import answer_as_read


def never_asked() -> bool:
    raise AssertionError("the events must not be read when the page is current")


def test_a_current_page_applies_without_reading_events() -> None:
    assert classify_submission(
        posted_version=4, current_version=4, already_applied=never_asked
    ) == ("apply")


def test_a_resent_command_is_a_duplicate() -> None:
    assert (
        classify_submission(posted_version=4, current_version=5, already_applied=lambda: True)
        == "duplicate"
    )


def test_an_old_page_with_a_new_command_is_stale() -> None:
    assert (
        classify_submission(posted_version=4, current_version=7, already_applied=lambda: False)
        == "stale"
    )


@pytest.mark.parametrize(
    ("student", "teacher", "staff", "role"),
    [
        (True, False, False, "student"),
        (False, True, False, "teacher"),
        (False, True, True, "teacher"),
        (False, False, True, "staff"),
        (False, False, False, None),
    ],
)
def test_home_by_role(student: bool, teacher: bool, staff: bool, role: str | None) -> None:
    assert home_role(is_student=student, is_teacher=teacher, is_staff=staff) == role


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (252, "4 min 12 s"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_streak_dots_fill_from_the_left_and_never_overflow() -> None:
    assert Streak(1, 3).dots == [True, False, False]
    assert Streak(0, 3).dots == [False, False, False]
    assert Streak(5, 3).dots == [True, True, True]
    assert Streak(2, 3).text == "Streak: 2 of 3 correct in a row"
    assert Streak(4, 3).label == "3 of 3 in a row"


def test_chapter_cards_by_status() -> None:
    def card(status: str | None, streak: int = 0):
        return chapter_card(
            chapter_id=1, title="Fractions", streak_goal=3, status=status, streak=streak
        )

    assert (card(None).label, card(None).action, card(None).streak) == (
        "Not started",
        "Start",
        None,
    )
    in_progress = card("in_progress", 2)
    assert (in_progress.label, in_progress.action) == ("In progress", "Continue")
    assert in_progress.streak == Streak(2, 3)
    assert "2 of 3" in in_progress.detail
    assert card("stuck").label == "Needs a little help"
    assert "Show the answer" in card("stuck").detail
    assert (card("passed").label, card("passed").action) == ("Passed", "Practise again")
    assert card("in_progress").quiz_id is None  # no open quiz known: the action is a start


def test_a_chapter_with_no_live_question_offers_no_new_quiz() -> None:
    def card(status: str | None, open_quiz_id: str | None = None):
        return chapter_card(
            chapter_id=1, title="Fractions", streak_goal=3, status=status, streak=0,
            open_quiz_id=open_quiz_id, live=False,
        )  # fmt: skip

    # a passed chapter whose questions are all drafts now: passed, no "Practise again", and why
    passed = card("passed")
    assert (passed.label, passed.action, passed.actionable) == ("Passed", "", False)
    assert passed.detail == "Well done! This chapter has no questions to practise right now."
    assert (card(None).action, card(None).actionable) == ("", False)  # nor a "Start"
    # a quiz still open there is continued: its open question can still be answered
    again = card("passed", "q-1")
    assert (again.action, again.quiz_id, again.actionable) == ("Continue", "q-1", True)
    assert card("in_progress").action == "Continue" and card("in_progress").actionable


def test_a_chapter_card_continues_the_open_quiz_by_a_link() -> None:
    def card(status: str, streak: int = 0):
        return chapter_card(
            chapter_id=1,
            title="Fractions",
            streak_goal=3,
            status=status,
            streak=streak,
            open_quiz_id="q-1",
        )

    assert (card("in_progress").action, card("in_progress").quiz_id) == ("Continue", "q-1")
    assert (card("stuck").action, card("stuck").quiz_id) == ("Continue", "q-1")
    # a passed chapter practised again stays passed and says so
    again = card("passed", 1)
    assert (again.label, again.action, again.quiz_id) == ("Passed", "Continue", "q-1")
    assert again.detail == "Practising again: 1 of 3 correct in a row."
    assert again.streak == Streak(1, 3)


def test_time_spent_on_a_quiz_counts_a_pause_before_an_answer_up_to_five_minutes() -> None:
    # given a quiz started, answered 40 s later, a question left open overnight and answered
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    events = [
        ("quiz.QuizStarted", start),
        ("quiz.QuestionAnsweredIncorrectly", start + timedelta(seconds=40)),
        ("quiz.QuestionAssigned", start + timedelta(seconds=45)),
        ("quiz.QuestionAnsweredCorrectly", start + timedelta(hours=16)),
    ]
    # then the night counts five minutes, not sixteen hours
    assert time_spent(events) == 40 + 5 + 300
    # and one event, or clocks out of order, count nothing
    assert time_spent(events[:1]) == 0
    assert time_spent([events[0], ("quiz.QuestionAssigned", start - timedelta(seconds=5))]) == 0


def test_a_next_question_after_a_break_counts_nothing() -> None:
    # given an answer, then the next question asked for the morning after, and answered in 30 s
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    events = [
        ("quiz.QuizStarted", start),
        ("quiz.QuestionAnsweredCorrectly", start + timedelta(seconds=40)),
        ("quiz.QuestionAssigned", start + timedelta(hours=16)),
        ("quiz.QuestionAnsweredCorrectly", start + timedelta(hours=16, seconds=30)),
    ]
    # then the night is no study time: the click that came back only moved on
    assert time_spent(events) == 40 + 30


@pytest.mark.parametrize(
    ("answer", "read_back"),
    [("B", "B: 2/5"), ("b", "B: 2/5"), ("b)", "B: 2/5"), (" b. ", "B: 2/5"), ("Z", "Z")],
)
def test_a_choice_answer_is_read_back_with_its_text(answer: str, read_back: str) -> None:
    question = QuestionContent(
        id=1,
        revision=1,
        kind="choice",
        text="Which is two fifths?",
        choices=(Choice("A", "1/5"), Choice("B", "2/5")),
        accepted_answers=("B",),
        worked_answer="",
    )
    assert answer_as_read(answer, question) == read_back


def test_an_open_answer_is_read_back_as_given() -> None:
    question = QuestionContent(1, 1, "open", "1 + 1?", (), ("2",), "")
    assert answer_as_read(" 2 ", question) == " 2 "


# --- the dashboard lays the student's own quizzes over the read model ---------------------------


@dataclass(frozen=True)
class Quiz:
    id: str
    chapter: int
    status: str
    streak: int = 0
    stuck: bool = False


def test_a_quiz_just_passed_shows_as_passed_before_the_read_model_knows() -> None:
    # given the read model still shows the quiz in progress
    progress = {1: Progress("in_progress", 2, "q1")}
    # when the quiz itself has passed
    fresh = with_own_quizzes(progress, [Quiz("q1", 1, "passed", streak=3)])
    # then the chapter is passed, with no quiz to continue
    assert fresh == {1: Progress("passed", 3, None)}


def test_a_chapter_just_started_can_be_continued_before_the_read_model_knows() -> None:
    fresh = with_own_quizzes({}, [Quiz("q2", 7, "answered_correctly", streak=1)])
    assert fresh == {7: Progress("in_progress", 1, "q2")}


def test_a_stuck_quiz_shows_stuck() -> None:
    quiz = Quiz("q3", 4, "question_open", 0, True)
    fresh = with_own_quizzes({4: Progress("in_progress", 0, "q3")}, [quiz])
    assert fresh == {4: Progress("stuck", 0, "q3", stuck=True)}


def test_a_passed_chapter_stays_passed_while_practised_again() -> None:
    # given a chapter passed earlier, then a new quiz on it, stuck
    progress = {2: Progress("passed", 3, None)}
    fresh = with_own_quizzes(progress, [Quiz("q5", 2, "question_open", 0, True)])
    # then it still says passed, and the new quiz is the one to continue
    assert fresh == {2: Progress("passed", 0, "q5", stuck=True)}


def test_the_newer_quiz_of_a_chapter_wins() -> None:
    # given the passed quiz and then the practice quiz of the same chapter, oldest first
    quizzes = [Quiz("old", 2, "passed", 3), Quiz("new", 2, "question_open", 1)]
    # then the chapter is passed and practised again in the new quiz
    assert with_own_quizzes({}, quizzes) == {2: Progress("passed", 1, "new")}


def test_an_old_passed_quiz_does_not_hide_a_later_practice_quiz() -> None:
    # given the read model knows the chapter is practised again in a later quiz
    progress = {2: Progress("passed", 1, "later")}
    # when the student's session still holds the quiz that passed it
    fresh = with_own_quizzes(progress, [Quiz("old", 2, "passed", 3)])
    # then the later quiz is still the one to continue
    assert fresh == progress


def test_chapters_without_a_current_quiz_keep_the_read_models_word() -> None:
    progress = {1: Progress("passed", 3, None), 2: Progress("in_progress", 1, "q9")}
    assert with_own_quizzes(progress, []) == progress


def test_a_student_stuck_practising_a_passed_chapter_gets_the_tip() -> None:
    card = chapter_card(
        chapter_id=2, title="Powers", streak_goal=3, status="passed", streak=0,
        open_quiz_id="q5", stuck=True,
    )  # fmt: skip
    assert card.label == "Passed" and card.action == "Continue"
    assert "Practising again: 0 of 3" in card.detail and "Show the answer" in card.detail
    calm = chapter_card(
        chapter_id=2, title="Powers", streak_goal=3, status="passed", streak=1, open_quiz_id="q5"
    )
    assert "Show the answer" not in calm.detail


def test_the_quiz_opened_last_comes_first_among_the_recent_ones() -> None:
    assert remembered([], "a") == ["a"]
    assert remembered(["a", "b"], "b") == ["b", "a"]
    # and only the last few are kept
    assert remembered(["a", "b", "c"], "d") == ["d", "a", "b"]


def test_a_teacher_reading_a_quiz_is_told_whose_it_is_and_that_only_they_answer() -> None:
    # given a student's quiz, read by their teacher
    note = onlooker_note(student="Anna de Vries", chapter="Fractions", as_teacher=True)
    # then the line names the student and the chapter, and why there is nothing to press
    assert note == (
        "Quiz of Anna de Vries, Fractions: you are seeing it as their teacher; "
        "only they can answer."
    )


def test_staff_reading_a_quiz_are_told_they_see_it_as_staff() -> None:
    note = onlooker_note(student="Anna de Vries", chapter="Fractions", as_teacher=False)
    assert "you are seeing it as staff; only they can answer." in note
