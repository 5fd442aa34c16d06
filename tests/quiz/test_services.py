"""Quiz commands through the real services on PostgreSQL: the happy path to passed, idempotency,
permissions, rejections, and what a view may show."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from events import store
from quiz import caches, content, selectors, services, start_lookups
from quiz.domain import fold
from quiz.errors import (
    ChapterNotFound,
    CommandIdReused,
    CommandRejected,
    InvalidAnswer,
    NotAStudent,
    QuizNotFound,
)
from quiz.models import Question
from tests.quiz.conftest import World, answer_of

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def cid() -> uuid.UUID:
    return uuid.uuid4()


def right_answer(view) -> str:
    return answer_of(Question.objects.get(pk=view.question.id))


def start(world: World, **kwargs):
    return services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=cid(), **kwargs
    )


def answer(world: World, quiz_id, text: str, **kwargs):
    kwargs.setdefault("command_id", cid())
    return services.answer_question(actor=world.student, quiz_id=quiz_id, answer=text, **kwargs)


def next_q(world: World, quiz_id, **kwargs):
    kwargs.setdefault("command_id", cid())
    return services.next_question(actor=world.student, quiz_id=quiz_id, **kwargs)


def types(result) -> list[str]:
    return [e.type for e in result.events]


def test_a_full_quiz_to_passed(world):
    started = start(world, now=at(0))
    quiz = started.quiz
    assert started.created
    assert types(started) == ["quiz.QuizStarted", "quiz.QuestionAssigned"]
    assert (quiz.status, quiz.streak, quiz.streak_goal, quiz.version) == ("question_open", 0, 3, 2)
    assert quiz.question is not None and quiz.question.number == 1
    assert started.events[0].data["classroom_id"] == world.classroom.pk
    assert started.events[0].data["course_id"] == world.chapter.course_id

    wrong = answer(world, quiz.id, "nonsense", now=at(20))
    assert types(wrong) == ["quiz.QuestionAnsweredIncorrectly"]
    assert wrong.quiz.result is not None and not wrong.quiz.result.correct
    # the first answer: no streak was running, so none "starts over"
    assert "starts" not in wrong.quiz.result.message
    assert wrong.events[0].data["seconds_to_answer"] == 20

    second = 30
    for streak in (1, 2, 3):
        view = next_q(world, quiz.id, now=at(second)).quiz
        assert view.status == "question_open"
        result = answer(world, quiz.id, right_answer(view), now=at(second + 7))
        assert result.events[0].data["streak"] == streak
        assert result.events[0].data["seconds_to_answer"] == 7
        assert result.quiz.result is not None and result.quiz.result.correct
        second += 10

    assert types(result) == ["quiz.QuestionAnsweredCorrectly", "quiz.QuizPassed"]
    assert result.events[1].data | {"seconds": 57} == result.events[1].data
    assert result.events[1].data["questions_answered"] == 4
    assert result.events[1].data["mistakes"] == 1
    assert result.quiz.status == "passed"
    assert result.quiz.question is None
    assert "passed" in result.quiz.result.message

    events = store.read_stream(services.stream_id(quiz.id))
    assert [e.version for e in events] == list(range(1, len(events) + 1))
    assert all(e.recorded_at >= at(0) for e in events)
    with pytest.raises(CommandRejected) as rejected:
        next_q(world, quiz.id)
    assert rejected.value.code == "quiz_passed"


def test_every_event_carries_the_command_metadata(world):
    command_id, correlation = cid(), cid()
    result = services.start_quiz(
        actor=world.student,
        chapter_id=world.chapter.pk,
        command_id=command_id,
        correlation_id=correlation,
    )
    for index, event in enumerate(result.events):
        assert event.metadata == {
            "command_id": str(command_id),
            "correlation_id": str(correlation),
            "causation_id": str(command_id),
            "actor_id": world.student.pk,
        }
        assert event.event_id == uuid.uuid5(command_id, str(index))
    answered = answer(world, result.quiz.id, "0")
    assert (
        answered.events[0].metadata["correlation_id"] == answered.events[0].metadata["command_id"]
    )


def test_start_returns_the_open_quiz_and_a_new_one_after_passing(world):
    world.chapter.streak_goal = 1
    world.chapter.save()
    first = start(world)
    again = start(world)
    assert not again.created and again.events == []
    assert again.quiz.id == first.quiz.id
    answer(world, first.quiz.id, right_answer(first.quiz))
    fresh = start(world)
    assert fresh.created and fresh.quiz.id != first.quiz.id
    assert fresh.quiz.streak_goal == 1
    assert services.quizzes_started(student_id=world.student.pk, chapter_id=world.chapter.pk) == 2


@pytest.mark.parametrize("known", [0, 1])
@pytest.mark.parametrize("checked", [1, services.NEXT_QUIZZES_CHECKED], ids=["beyond", "within"])
def test_a_start_finds_quizzes_another_process_started(world, monkeypatch, checked, known):
    real_append = store.append
    # This process last saw `known` quizzes; more were passed since (elsewhere) and a third is open.
    monkeypatch.setattr(start_lookups, "NEXT_QUIZZES_CHECKED", checked)
    world.chapter.streak_goal = 1
    world.chapter.save()
    for _ in range(2):
        view = start(world).quiz
        answer(world, view.id, right_answer(view))
    third = start(world)
    caches.clear()
    caches.remember_quizzes_started(world.student.pk, world.chapter.pk, known)
    appends = []

    def counted_append(*args, **kwargs):
        appends.append(args)
        return real_append(*args, **kwargs)

    monkeypatch.setattr(store, "append", counted_append)

    again = start(world)
    assert not again.created and again.quiz.id == third.quiz.id
    assert appends == []  # found at once, not by losing a race for a quiz that exists
    answer(world, third.quiz.id, right_answer(third.quiz))
    fourth = start(world)
    assert fourth.created
    assert fourth.quiz.id == str(
        services.nth_quiz_id(student_id=world.student.pk, chapter_id=world.chapter.pk, n=4)
    )


def test_a_start_in_a_process_that_knows_the_count_does_not_count_them_all(world, monkeypatch):
    world.chapter.streak_goal = 1
    world.chapter.save()
    first = start(world).quiz
    answer(world, first.id, right_answer(first))

    def counted_all(**kwargs):
        raise AssertionError("counted all quizzes")

    monkeypatch.setattr(start_lookups, "_COUNT_ALL", "SELECT counted all quizzes")
    monkeypatch.setattr(start_lookups, "quizzes_started", counted_all)
    second = start(world)
    answer(world, second.quiz.id, right_answer(second.quiz))
    third = start(world)

    assert second.created and third.created
    assert [second.quiz.id, third.quiz.id] == [
        str(services.nth_quiz_id(student_id=world.student.pk, chapter_id=world.chapter.pk, n=n))
        for n in (2, 3)
    ]


def test_a_start_does_not_trust_a_count_of_quizzes_that_are_gone(world):
    # E.g. the database was restored to before this process saw quizzes 2..5 being started.
    world.chapter.streak_goal = 1
    world.chapter.save()
    first = start(world).quiz
    answer(world, first.id, right_answer(first))
    caches.remember_quizzes_started(world.student.pk, world.chapter.pk, 5)

    second = start(world)

    assert second.created
    assert second.quiz.id == str(
        services.nth_quiz_id(student_id=world.student.pk, chapter_id=world.chapter.pk, n=2)
    )


# --- idempotency ----------------------------------------------------------------------------------


def test_a_resent_answer_returns_the_first_outcome_and_appends_nothing(world):
    quiz = start(world).quiz
    command_id = cid()
    first = answer(world, quiz.id, right_answer(quiz), command_id=command_id)
    version = store.stream_version(services.stream_id(quiz.id))
    again = answer(world, quiz.id, right_answer(quiz), command_id=command_id)
    assert again.quiz == first.quiz
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert store.stream_version(services.stream_id(quiz.id)) == version

    # Still the first outcome after the quiz moved on (a late retry of a slow request).
    next_q(world, quiz.id)
    late = answer(world, quiz.id, right_answer(quiz), command_id=command_id)
    assert late.quiz == first.quiz
    assert late.quiz.result is not None and late.quiz.result.correct


def test_a_command_id_used_again_for_another_answer_or_command_is_refused(world):
    quiz = start(world).quiz
    command_id = cid()
    answer(world, quiz.id, "not a number", command_id=command_id)
    version = store.stream_version(services.stream_id(quiz.id))
    with pytest.raises(CommandIdReused):
        answer(world, quiz.id, right_answer(quiz), command_id=command_id)
    with pytest.raises(CommandIdReused):
        next_q(world, quiz.id, command_id=command_id)
    assert store.stream_version(services.stream_id(quiz.id)) == version


def test_a_resent_start_returns_the_first_outcome(world):
    command_id = cid()
    kwargs = {"actor": world.student, "chapter_id": world.chapter.pk, "command_id": command_id}
    first = services.start_quiz(**kwargs)
    again = services.start_quiz(**kwargs)
    assert again.created and again.quiz == first.quiz
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert store.stream_version(services.stream_id(first.quiz.id)) == 2


def test_a_resent_next_question_assigns_once(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    command_id = cid()
    first = next_q(world, quiz.id, command_id=command_id)
    again = next_q(world, quiz.id, command_id=command_id)
    assert again.quiz.question == first.quiz.question
    assert store.stream_version(services.stream_id(quiz.id)) == 4


def test_a_command_id_used_on_another_quiz_is_refused(world):
    quiz = start(world).quiz
    other = services.start_quiz(
        actor=world.other_student, chapter_id=world.chapter.pk, command_id=cid()
    ).quiz
    command_id = cid()
    answer(world, quiz.id, "1", command_id=command_id)
    with pytest.raises(CommandIdReused):
        services.answer_question(
            actor=world.other_student, quiz_id=other.id, answer="1", command_id=command_id
        )
    assert store.stream_version(services.stream_id(other.id)) == 2


# --- permissions and input ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "outsider"])
def test_only_students_start_quizzes(world, who):
    with pytest.raises(NotAStudent):
        services.start_quiz(
            actor=getattr(world, who), chapter_id=world.chapter.pk, command_id=cid()
        )


def test_a_missing_chapter(world):
    with pytest.raises(ChapterNotFound):
        services.start_quiz(actor=world.student, chapter_id=10**9, command_id=cid())


@pytest.mark.parametrize("who", ["other_student", "teacher", "outsider"])
def test_nobody_acts_on_someone_elses_quiz(world, who):
    quiz = start(world).quiz
    actor = getattr(world, who)
    with pytest.raises(QuizNotFound):
        services.answer_question(actor=actor, quiz_id=quiz.id, answer="1", command_id=cid())
    with pytest.raises(QuizNotFound):
        services.reveal_answer(actor=actor, quiz_id=quiz.id, command_id=cid())
    assert store.stream_version(services.stream_id(quiz.id)) == 2


@pytest.mark.parametrize("quiz_id", ["not-a-uuid", str(uuid.uuid4())])
def test_a_missing_quiz(world, quiz_id):
    with pytest.raises(QuizNotFound):
        answer(world, quiz_id, "1")
    with pytest.raises(QuizNotFound):
        selectors.quiz_view(world.student, quiz_id)


@pytest.mark.parametrize("text", ["", "   ", "9" * 501])
def test_an_invalid_answer_is_refused_before_anything_happens(world, text):
    quiz = start(world).quiz
    with pytest.raises(InvalidAnswer):
        answer(world, quiz.id, text)
    assert store.stream_version(services.stream_id(quiz.id)) == 2


def test_a_number_right_only_with_a_thousands_separator_is_asked_about_not_judged(world):
    # given a student with a streak of one, at a question accepting 42xx (4201 to 4205)
    quiz = start(world).quiz
    answer(world, quiz.id, right_answer(quiz))
    view = next_q(world, quiz.id).quiz
    right = right_answer(view)
    version = store.stream_version(services.stream_id(quiz.id))
    # when they answer it with a thousands point, Dutch style
    with pytest.raises(InvalidAnswer) as asked:
        answer(world, quiz.id, f"{right[0]}.{right[1:]}")
    # then they are asked which number they mean, and nothing is recorded: no mistake
    assert asked.value.message.startswith(f"Is that {right[0]}.{right[1:]} or {right}? Write")
    assert store.stream_version(services.stream_id(quiz.id)) == version
    # and the answer without it counts, on the streak they had
    result = answer(world, quiz.id, right)
    assert types(result) == ["quiz.QuestionAnsweredCorrectly"]
    assert result.quiz.streak == 2


def test_a_number_wrong_with_or_without_a_thousands_separator_is_a_mistake(world):
    quiz = start(world).quiz
    result = answer(world, quiz.id, "9.999")
    assert types(result) == ["quiz.QuestionAnsweredIncorrectly"]
    assert result.events[0].data["answer"] == "9.999"


def test_rejections_reach_the_caller(world):
    quiz = start(world).quiz
    with pytest.raises(CommandRejected) as open_question:
        next_q(world, quiz.id)
    assert open_question.value.code == "question_open"
    answer(world, quiz.id, "0")
    with pytest.raises(CommandRejected) as no_question:
        services.reveal_answer(actor=world.student, quiz_id=quiz.id, command_id=cid())
    assert no_question.value.code == "no_open_question"


# --- content revisions ----------------------------------------------------------------------------


def test_an_answer_is_checked_against_the_revision_that_was_assigned(world):
    quiz = start(world).quiz
    question = Question.objects.get(pk=quiz.question.id)
    old_answer = answer_of(question)
    content.revise_question(
        question=question,
        text="Changed: what is 1 + 1?",
        choices=None,
        accepted_answers=["2"],
        worked_answer="1 + 1 = 2",
    )
    shown = selectors.quiz_view(world.student, quiz.id).question
    assert shown is not None and shown.text == quiz.question.text
    result = answer(world, quiz.id, old_answer)
    assert result.events[0].type == "quiz.QuestionAnsweredCorrectly"
    assert result.events[0].data["question_revision"] == 1


# --- what a view shows ----------------------------------------------------------------------------


def test_a_view_never_shows_accepted_answers_except_right_after_a_reveal(world):
    quiz = start(world).quiz
    secret = right_answer(quiz)
    assert secret not in repr(asdict(quiz))
    revealed = services.reveal_answer(actor=world.student, quiz_id=quiz.id, command_id=cid())
    assert revealed.quiz.status == "answer_revealed"
    assert revealed.quiz.streak == 0
    assert revealed.quiz.revealed_answer is not None
    assert f"Answer: {secret}" in revealed.quiz.revealed_answer
    assert selectors.quiz_view(world.student, quiz.id).revealed_answer == (
        revealed.quiz.revealed_answer
    )
    after = next_q(world, quiz.id).quiz
    assert after.revealed_answer is None and after.result is None


def test_the_feedback_message_varies_but_is_stable_per_answer(world):
    messages = set()
    quiz = start(world).quiz
    for _ in range(8):
        result = answer(world, quiz.id, "0").quiz.result
        assert result is not None and not result.correct
        assert selectors.quiz_view(world.student, quiz.id).result == result
        messages.add(result.message.split(" Stuck?")[0])
        next_q(world, quiz.id)
    assert len(messages) > 1


def test_stuck_after_three_misses_and_unstuck_on_a_correct_answer(world):
    quiz = start(world).quiz
    for _ in range(2):
        answer(world, quiz.id, "0")
        next_q(world, quiz.id)
    stuck = services.reveal_answer(actor=world.student, quiz_id=quiz.id, command_id=cid())
    assert types(stuck) == ["quiz.AnswerRevealed", "quiz.StudentGotStuck"]
    assert stuck.quiz.stuck
    view = next_q(world, quiz.id).quiz
    unstuck = answer(world, quiz.id, right_answer(view))
    assert types(unstuck) == ["quiz.QuestionAnsweredCorrectly", "quiz.StudentGotUnstuck"]
    assert not unstuck.quiz.stuck


# --- selectors ------------------------------------------------------------------------------------


def test_who_may_read_a_quiz(world):
    quiz = start(world).quiz
    assert selectors.quiz_view(world.student, quiz.id) == quiz
    assert selectors.quiz_view(world.teacher, quiz.id).id == quiz.id
    for stranger in (world.other_student, world.other_teacher, world.outsider):
        with pytest.raises(QuizNotFound):
            selectors.quiz_view(stranger, quiz.id)
        with pytest.raises(QuizNotFound):
            selectors.quiz_events(stranger, quiz.id)


def test_quiz_events_in_version_order(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    events = selectors.quiz_events(world.student, quiz.id)
    assert [e.version for e in events] == [1, 2, 3]
    assert events[-1].type == "quiz.QuestionAnsweredIncorrectly"
    later = selectors.quiz_events(world.teacher, quiz.id, from_version=2, limit=1)
    assert [e.version for e in later] == [2]


def test_quizzes_of_a_student_newest_first(world):
    world.chapter.streak_goal = 1
    world.chapter.save()
    first = start(world).quiz
    answer(world, first.id, right_answer(first))
    second = start(world).quiz
    services.start_quiz(actor=world.other_student, chapter_id=world.chapter.pk, command_id=cid())
    page = selectors.quiz_page(world.student, limit=2)
    assert [q.id for q in page.quizzes] == [second.id, first.id] and page.next_before is None
    assert [q.status for q in page.quizzes] == ["question_open", "passed"]
    newest = selectors.quiz_page(world.student, limit=1)
    assert [q.id for q in newest.quizzes] == [second.id] and newest.next_before is not None
    older = selectors.quiz_page(world.student, limit=1, before=newest.next_before)
    assert [q.id for q in older.quizzes] == [first.id] and older.next_before is None


# --- caches: stale is safe ------------------------------------------------------------------------


def _make_cache_stale(quiz_id) -> None:
    """As if another process moved the quiz on: this process remembers an older version."""
    stream = services.stream_id(quiz_id)
    events = tuple(store.read_stream(stream))
    caches.remember_stream(stream, events[:-1], fold(events[:-1]))


def test_a_stale_cached_quiz_is_read_again_when_the_append_conflicts(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    next_q(world, quiz.id)
    caches.forget_stream(services.stream_id(quiz.id))
    view = selectors.quiz_view(world.student, quiz.id)
    answer(world, quiz.id, "0")
    _make_cache_stale(quiz.id)  # remembers the question as still open (version 4)
    with pytest.raises(CommandRejected) as rejected:
        answer(world, quiz.id, right_answer(view))
    assert rejected.value.code == "no_open_question"
    assert store.stream_version(services.stream_id(quiz.id)) == 5


def test_a_rejection_decided_on_a_stale_cached_quiz_is_checked_on_a_fresh_read(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    view = next_q(world, quiz.id).quiz
    _make_cache_stale(quiz.id)  # remembers the question as answered: answering would be rejected
    result = answer(world, quiz.id, right_answer(view))
    assert types(result) == ["quiz.QuestionAnsweredCorrectly"]
    assert result.quiz.version == 5


def test_a_resent_command_is_found_even_when_the_cache_is_stale(world):
    quiz = start(world).quiz
    command_id = cid()
    first = answer(world, quiz.id, "0", command_id=command_id)
    _make_cache_stale(quiz.id)
    again = answer(world, quiz.id, "0", command_id=command_id)
    assert again.quiz == first.quiz
    assert store.stream_version(services.stream_id(quiz.id)) == 3


def test_saving_a_chapter_clears_its_cached_info(world):
    def goal() -> int | None:
        info = caches.chapter(world.chapter.pk, content.chapter_info)
        return None if info is None else info.streak_goal

    assert goal() == 3
    world.chapter.streak_goal = 1
    world.chapter.save()
    assert goal() == 1


def test_the_caches_are_keyed_by_the_database_in_use(world):
    from django.db import connection

    # The test runner renamed the database in the settings after they were read: the key follows.
    assert caches._db() == connection.settings_dict["NAME"]
    assert caches._db().startswith("test_") or connection.vendor == "sqlite"


def test_a_start_after_a_stale_cached_open_quiz_reads_the_stream(world):
    world.chapter.streak_goal = 1
    world.chapter.save()
    quiz = start(world).quiz
    stream = services.stream_id(quiz.id)
    stale = caches.stream(stream)
    answer(world, quiz.id, right_answer(quiz))  # passed
    assert stale is not None
    caches.remember_stream(stream, *stale)  # this process still believes it open
    fresh = start(world)
    assert fresh.created and fresh.quiz.id != quiz.id


def test_an_edited_question_is_assigned_at_its_new_revision(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    for question in world.questions:
        content.revise_question(
            question=question,
            text=f"Edited {question.pk}",
            choices=None,
            accepted_answers=["7"],
            worked_answer="",
        )
    view = next_q(world, quiz.id).quiz
    assert view.question.revision == 2 and view.question.text.startswith("Edited")


# --- idempotency of commands that appended nothing -----------------------------------------------


def test_a_rejected_command_resent_after_the_quiz_moved_on_is_rejected_again(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    command_id = cid()
    with pytest.raises(CommandRejected) as first:
        answer(world, quiz.id, "0", command_id=command_id)
    next_q(world, quiz.id)  # a question is open now: deciding afresh would answer it
    version = store.stream_version(services.stream_id(quiz.id))
    with pytest.raises(CommandRejected) as again:
        answer(world, quiz.id, "0", command_id=command_id)
    assert (again.value.code, again.value.message) == (first.value.code, first.value.message)
    assert store.stream_version(services.stream_id(quiz.id)) == version


def test_a_rejected_command_id_used_on_another_quiz_or_command_is_refused(world):
    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    command_id = cid()
    with pytest.raises(CommandRejected):
        answer(world, quiz.id, "0", command_id=command_id)
    with pytest.raises(CommandIdReused):
        services.reveal_answer(actor=world.student, quiz_id=quiz.id, command_id=command_id)
    other = services.start_quiz(
        actor=world.other_student, chapter_id=world.chapter.pk, command_id=cid()
    ).quiz
    with pytest.raises(CommandIdReused):
        services.answer_question(
            actor=world.other_student, quiz_id=other.id, answer="0", command_id=command_id
        )


def test_a_start_that_returned_the_open_quiz_returns_it_again_after_it_passed(world):
    opened = start(world).quiz
    command_id = cid()
    kwargs = {"actor": world.student, "chapter_id": world.chapter.pk, "command_id": command_id}
    first = services.start_quiz(**kwargs)
    assert not first.created and first.quiz.id == opened.id
    view = opened
    while view.status != "passed":
        view = answer(world, opened.id, right_answer(view)).quiz
        if view.status != "passed":
            view = next_q(world, opened.id).quiz
    again = services.start_quiz(**kwargs)
    assert not again.created and again.events == []
    assert again.quiz == first.quiz
    assert services.quizzes_started(student_id=world.student.pk, chapter_id=world.chapter.pk) == 1


def test_a_chapter_id_or_command_id_of_the_wrong_type_is_a_clear_error(world):
    bad_chapter: Any = "abc"
    bad_command: Any = str(cid())
    with pytest.raises(ChapterNotFound):
        services.start_quiz(actor=world.student, chapter_id=bad_chapter, command_id=cid())
    with pytest.raises(TypeError, match="command_id"):
        services.start_quiz(
            actor=world.student, chapter_id=world.chapter.pk, command_id=bad_command
        )
    quiz = start(world).quiz
    with pytest.raises(TypeError, match="command_id"):
        services.answer_question(
            actor=world.student, quiz_id=quiz.id, answer="1", command_id=bad_command
        )


def add_a_question(chapter) -> None:
    content.create_question(
        chapter=chapter,
        kind="open",
        text="What is 1 + 1?",
        choices=None,
        accepted_answers=["2"],
        worked_answer="1 + 1 = 2",
    )


def test_a_start_id_used_again_on_another_chapter_or_for_an_answer_is_refused(world):
    from quiz.models import Chapter

    other = Chapter.objects.create(course=world.chapter.course, title="Other")
    add_a_question(other)
    command_id = cid()
    quiz = services.start_quiz(
        actor=world.student, chapter_id=world.chapter.pk, command_id=command_id
    ).quiz
    with pytest.raises(CommandIdReused):
        services.start_quiz(actor=world.student, chapter_id=other.pk, command_id=command_id)
    assert services.quizzes_started(student_id=world.student.pk, chapter_id=other.pk) == 0
    # An answer's command id is no start either.
    answer_id = cid()
    answer(world, quiz.id, "not a number", command_id=answer_id)
    with pytest.raises(CommandIdReused):
        services.start_quiz(actor=world.student, chapter_id=world.chapter.pk, command_id=answer_id)


def test_a_start_refused_for_a_chapter_without_questions_is_refused_again(world):
    from quiz.models import Chapter

    empty = Chapter.objects.create(course=world.chapter.course, title="Soon")
    kwargs = {"actor": world.student, "chapter_id": empty.pk, "command_id": cid()}
    with pytest.raises(CommandRejected) as first:
        services.start_quiz(**kwargs)
    add_a_question(empty)
    caches.POOLS.clear()
    with pytest.raises(CommandRejected) as again:
        services.start_quiz(**kwargs)
    assert again.value.code == first.value.code == "no_questions"
    assert services.quizzes_started(student_id=world.student.pk, chapter_id=empty.pk) == 0
    with pytest.raises(CommandIdReused):  # the same id for a start on another chapter
        services.start_quiz(**{**kwargs, "chapter_id": world.chapter.pk})


def test_outcomes_are_kept_for_the_retention_days_then_forgotten(world):
    from quiz.models import CommandOutcome

    quiz = start(world).quiz
    answer(world, quiz.id, "0")
    command_id = cid()
    with pytest.raises(CommandRejected):
        answer(world, quiz.id, "0", command_id=command_id, now=at(60))
    outcome = CommandOutcome.objects.get(pk=command_id)
    assert outcome.recorded_at == at(60)  # the command's clock, as its events have
    assert services.forget_old_outcomes(days=7, now=at(60) + timedelta(days=6)) == 0
    assert services.forget_old_outcomes(days=7, now=at(60) + timedelta(days=8)) == 1
    assert not CommandOutcome.objects.filter(pk=command_id).exists()


def test_a_start_looked_up_query_by_query_finds_its_own_quiz_started_meanwhile(world, monkeypatch):
    # given a start re-sent while its first sending is still running, on a database whose lookups
    # are separate queries (SQLite): the first commits its quiz between two of the re-send's
    # lookups
    command_id = cid()
    real_count = start_lookups.quizzes_started
    first: list[services.CommandResult] = []

    def count_after_the_first_commits(**kwargs: Any) -> int:
        if not first:
            monkeypatch.setattr(start_lookups, "quizzes_started", real_count)
            first.append(
                services.start_quiz(
                    actor=world.student, chapter_id=world.chapter.pk, command_id=command_id
                )
            )
        return real_count(**kwargs)

    monkeypatch.setattr(start_lookups, "quizzes_started", count_after_the_first_commits)
    # when the re-send looks up what its command did and how many quizzes there are
    stream, started, outcome = start_lookups.lookups_one_by_one(
        command_id, student_id=world.student.pk, chapter_id=world.chapter.pk
    )
    # then it finds the quiz it counted as its own: it replays "created", not "your open quiz"
    assert first and first[0].created
    assert started == 1 and outcome is None
    assert stream == services.stream_id(first[0].quiz.id)
