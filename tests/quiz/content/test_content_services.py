"""Content services: validation (pure), creating and revising questions, and the pool reads."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from quiz.content import (
    Choice,
    NoNumberLeft,
    chapter_info,
    chapter_pool,
    chapter_questions,
    clean_content,
    create_question,
    current_revision,
    number_after,
    question_revision,
    revise_question,
)
from quiz.models import MAX_ORDER, Chapter, Course, Question, QuestionRevision
from tests.saved_meanwhile import saved_meanwhile

ABC = [{"key": "A", "text": "1/3"}, {"key": "B", "text": "1/4"}, {"key": "C", "text": "2/6"}]


def errors_of(**content):
    base: dict[str, Any] = {"kind": "open", "text": "q", "choices": [], "accepted_answers": ["1"]}
    base.update({"worked_answer": ""} | content)
    with pytest.raises(ValidationError) as caught:
        clean_content(**base)
    return caught.value.message_dict


# --- validation: given content, when cleaned, then these messages ---------------------------------


@pytest.mark.parametrize(
    ("content", "field", "fragment"),
    [
        ({"text": "   "}, "text", "text is empty"),
        ({"accepted_answers": []}, "accepted_answers", "at least one accepted answer"),
        ({"accepted_answers": ["  ", ""]}, "accepted_answers", "at least one accepted answer"),
        ({"kind": "essay"}, "kind", "Unknown question kind"),
        ({"choices": ABC}, "choices", "open question has no choices"),
        ({"kind": "choice", "choices": ABC[:1], "accepted_answers": ["A"]}, "choices", "two"),
        ({"kind": "choice", "choices": ABC, "accepted_answers": ["D"]}, "accepted_answers", "D"),
        (
            {
                "kind": "choice",
                "choices": [*ABC, {"key": "a", "text": "x"}],
                "accepted_answers": ["A"],
            },
            "choices",
            "unique",
        ),
        (  # a student's "A" would name both: choosing the wrong one would count as right
            {
                "kind": "choice",
                "choices": [{"key": "A", "text": "1"}, {"key": "A)", "text": "2"}],
                "accepted_answers": ["A)"],
            },
            "choices",
            "these name the same choice: A, A)",
        ),
        (
            {
                "kind": "choice",
                "choices": [{"key": ")", "text": "x"}, *ABC],
                "accepted_answers": ["A"],
            },
            "choices",
            "needs a letter or a digit",
        ),
        (
            {
                "kind": "choice",
                "choices": [{"key": "*", "text": "x"}, *ABC],
                "accepted_answers": ["A"],
            },
            "choices",
            "needs a letter or a digit, not '*'",
        ),
        (
            {
                "kind": "choice",
                "choices": [{"key": "", "text": "x"}, *ABC],
                "accepted_answers": ["A"],
            },
            "choices",
            "needs a key",
        ),
        (
            {
                "kind": "choice",
                "choices": [{"key": "A B", "text": "x"}, *ABC[1:]],
                "accepted_answers": ["B"],
            },
            "choices",
            "without spaces",
        ),
        (
            {
                "kind": "choice",
                "choices": [{"key": "Z", "text": " "}, *ABC],
                "accepted_answers": ["A"],
            },
            "choices",
            "no text",
        ),
        ({"accepted_answers": ["x" * 501]}, "accepted_answers", "at most 500"),
        ({"accepted_answers": ["2⁷"]}, "accepted_answers", "type powers as 2^7, not '2⁷'"),
        ({"accepted_answers": ["½"]}, "accepted_answers", "with a slash, '½' as '1/2'"),
        ({"accepted_answers": ["1½"]}, "accepted_answers", "'1½' as '1 1/2'"),
        ({"accepted_answers": ["ｘ=4"]}, "accepted_answers", "write 'ｘ=4' as 'x=4'"),  # noqa: RUF001
        ({"accepted_answers": ["10.000"]}, "accepted_answers", "'10.000' is checked as 10 "),
        (
            {"accepted_answers": ["€ 1.250,-"]},
            "accepted_answers",
            "Write the number as 1250 if you mean 1250, or as 1.25 if you mean 1.25.",
        ),
        ({"text": "x" * 2001}, "text", "at most 2,000 characters; this one has 2,001."),
        (
            {
                "kind": "choice",
                "choices": [{"key": "D", "text": "x" * 301}, *ABC],
                "accepted_answers": ["A"],
            },
            "choices",
            "The text of a choice is at most 300 characters; the choice 'D' has 301.",
        ),
        (
            {"worked_answer": "x" * 2001},
            "worked_answer",
            "The worked answer is at most 2,000 characters; this one has 2,001.",
        ),
    ],
)
def test_invalid_content_is_refused_with_a_clear_message(content, field, fragment):
    messages = errors_of(**content)
    assert field in messages
    assert any(fragment in message for message in messages[field]), messages


def test_a_fraction_character_is_not_told_about_powers():
    # given an accepted answer "½", when cleaned, then the message is about fractions only
    (message,) = errors_of(accepted_answers=["½"])["accepted_answers"]
    assert message == (
        "Accepted answers are written in plain characters: write fractions with a slash, "
        "'½' as '1/2'."
    )


def test_a_degree_sign_typed_as_another_character_is_told_to_be_the_degree_sign():
    # given accepted answers with the ordinal indicator and the ring above for a degree sign
    (message,) = errors_of(accepted_answers=["6 \u00baC", "6\u02da"])["accepted_answers"]
    # then the plain characters suggested are the degree sign, not the letter o or a lone ring
    assert message == (
        "Accepted answers are written in plain characters: write '6 \u00baC' as '6 °C'; "
        "write '6\u02da' as '6°'."
    )


def test_each_doubtful_thousands_answer_is_named():
    messages = errors_of(accepted_answers=["10.000", "10000", "2,500"])["accepted_answers"]
    assert [message.split(" is ")[0] for message in messages] == ["'10.000'", "'2,500'"]


def test_content_at_its_limits_and_written_plainly_is_kept():
    # given a question text of 2,000 characters (line breaks counted as one), a 300-character
    # choice text and numbers written without doubt
    text = "x" * 1998 + "\r\ny"
    clean = clean_content(
        kind="open",
        text=text,
        choices=None,
        accepted_answers=["10000", "10 000", "10,0", "3.1420", "1/2", "2^7"],
        worked_answer=f"  {text}\n",  # and a worked answer of 2,000, its blanks around not counted
    )
    assert len(clean.text) == 2000 and clean.worked_answer == clean.text
    assert clean.accepted_answers == ("10000", "10 000", "10,0", "3.1420", "1/2", "2^7")
    choices = [{"key": "A", "text": "y" * 300}, {"key": "B", "text": "1.000"}]
    chosen = clean_content(
        kind="choice", text="Which?", choices=choices, accepted_answers=["a"], worked_answer=""
    )
    assert chosen.accepted_answers == ("A",)


def test_several_problems_are_reported_together():
    messages = errors_of(text="", accepted_answers=[])
    assert set(messages) == {"text", "accepted_answers"}


def test_content_is_trimmed_and_answers_deduplicated():
    clean = clean_content(
        kind="open",
        text="  What is 1/2?  ",
        choices=None,
        accepted_answers=[" 0.5", "0.5", "", "1/2 "],
        worked_answer=" half ",
    )
    assert clean.text == "What is 1/2?"
    assert clean.accepted_answers == ("0.5", "1/2")
    assert clean.worked_answer == "half"
    assert clean.choices == ()


def test_choice_answers_take_the_keys_spelling():
    clean = clean_content(
        kind="choice", text="Which?", choices=ABC, accepted_answers=["b"], worked_answer=""
    )
    assert clean.accepted_answers == ("B",)
    assert clean.choices[1] == Choice(key="B", text="1/4")
    # also as a student may write it
    named = clean_content(
        kind="choice", text="Which?", choices=ABC, accepted_answers=["c)"], worked_answer=""
    )
    assert named.accepted_answers == ("C",)


# --- writes and reads (database) -----------------------------------------------------------------


@pytest.mark.django_db
def test_create_question_makes_revision_one(make_question, staff_user):
    question = make_question(actor=staff_user)
    assert question.current_revision == 1
    revision = question.revisions.get()
    assert (revision.revision, revision.created_by) == (1, staff_user)
    assert revision.accepted_answers == ["3/4", "0.75"]
    assert revision.choices == []


@pytest.mark.django_db
def test_questions_are_ordered_after_the_last_one(make_question):
    first, second = make_question(), make_question(text="Another")
    third = make_question(text="Put first", order=0)
    assert (first.order, second.order, third.order) == (1, 2, 0)


def test_the_number_after_the_last_is_within_the_highest():
    # given the last number of a course's, chapter's or question's kind, then the number after it
    assert [number_after(last) for last in (None, 0, 1, MAX_ORDER - 1)] == [1, 1, 2, MAX_ORDER]
    # and none after the highest (nor after a number past it, saved before there was a highest)
    assert number_after(MAX_ORDER) is None and number_after(1_500_000_000) is None


@pytest.mark.django_db
def test_a_question_numbered_last_after_the_highest_number_is_refused(make_question):
    # given a chapter whose last question has the highest number
    last = make_question(order=MAX_ORDER)
    # when a question is added without a number, then it is refused with the reason, not saved as
    # one past the highest (which its next edit would refuse)
    with pytest.raises(NoNumberLeft) as refused:
        make_question(text="Another")
    assert refused.value.messages == [
        f"An empty number puts this question after the last, question {last.pk}, but that has "
        f"number {MAX_ORDER}, the highest there is. Give this question a number, or first give "
        f"question {last.pk} a lower one."
    ]
    assert list(Question.objects.values_list("pk", flat=True)) == [last.pk]
    # and a number given is kept
    assert make_question(text="Another", order=5).order == 5


@pytest.mark.django_db(transaction=True)  # the other staff member's question really commits
def test_a_question_numbered_last_takes_the_next_number_when_its_own_was_taken_meanwhile():
    # given a chapter with #1, a question added to it without a number while another staff
    # member's question takes #2 (in another connection, committed) after this one's number was
    # read and before it is saved
    chapter = Chapter.objects.create(
        course=Course.objects.create(title="Test course", order=1), title="Fractions", order=1
    )
    content: dict[str, Any] = {"kind": "open", "choices": [], "worked_answer": ""}
    create_question(chapter=chapter, text="First", accepted_answers=["1"], **content)
    with saved_meanwhile(
        Question,
        lambda: create_question(
            chapter=chapter, text="Theirs", accepted_answers=["2"], order=2, **content
        ),
    ):
        mine = create_question(chapter=chapter, text="Mine", accepted_answers=["3"], **content)
    # then it goes after that one, with its revision: no error, and no second #2
    assert mine.order == 3 and mine.current_revision == 1
    numbers = chapter.questions.order_by("order").values_list("order", "revisions__text")
    assert list(numbers) == [(1, "First"), (2, "Theirs"), (3, "Mine")]


@pytest.mark.django_db
def test_a_number_another_question_of_the_chapter_has_is_refused_by_the_database(make_question):
    make_question(order=2)
    with pytest.raises(IntegrityError):
        make_question(order=2, text="Another")
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_invalid_content_creates_nothing(make_question):
    with pytest.raises(ValidationError):
        make_question(accepted_answers=[])
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_revising_without_changes_adds_no_revision(make_question):
    question = make_question()
    revision = revise_question(
        question=question,
        text=" Calculate 1/2 + 1/4. ",
        choices=[],
        accepted_answers=["3/4", "0.75"],
        worked_answer="2/4 + 1/4 = 3/4",
    )
    assert revision.revision == 1
    assert question.revisions.count() == 1


@pytest.mark.django_db
def test_revising_adds_a_revision_and_keeps_the_old_one(make_question, staff_user):
    question = make_question()
    revision = revise_question(
        question=question,
        text="Calculate 1/2 + 1/4.",
        choices=[],
        accepted_answers=["3/4", "0.75", "0,75"],
        worked_answer="2/4 + 1/4 = 3/4",
        actor=staff_user,
    )
    assert (revision.revision, revision.created_by) == (2, staff_user)
    question.refresh_from_db()
    assert question.current_revision == 2
    assert current_revision(question).accepted_answers == ("3/4", "0.75", "0,75")
    assert question_revision(question.pk, 1).accepted_answers == ("3/4", "0.75")
    assert list(
        QuestionRevision.objects.filter(question=question).values_list("revision", flat=True)
    ) == [1, 2]


@pytest.mark.django_db
def test_a_failed_revision_changes_nothing(make_question):
    question = make_question()
    with pytest.raises(ValidationError):
        revise_question(
            question=question, text="", choices=[], accepted_answers=["1"], worked_answer=""
        )
    question.refresh_from_db()
    assert question.current_revision == 1
    assert question.revisions.count() == 1


@pytest.mark.django_db
def test_chapter_pool_has_current_revisions_in_order(chapter, make_question):
    second = make_question(text="Second", order=2)
    first = make_question(kind="choice", text="First", choices=ABC, accepted_answers=["B"], order=1)
    revise_question(
        question=second, text="Second, edited", choices=[], accepted_answers=["1"], worked_answer=""
    )
    pool = chapter_pool(chapter.pk)
    assert [(q.id, q.revision, q.text) for q in pool] == [
        (first.pk, 1, "First"),
        (second.pk, 2, "Second, edited"),
    ]
    assert pool[0].kind == "choice"
    assert pool[0].choices == (Choice("A", "1/3"), Choice("B", "1/4"), Choice("C", "2/6"))
    assert pool[0].accepted_answers == ("B",)
    assert chapter_pool(chapter.pk + 1000) == ()


@pytest.mark.django_db
def test_a_draft_is_never_in_the_pool_but_staff_see_it(chapter, make_question):
    live = make_question(text="Live")
    draft = make_question(text="Draft", live=False)
    assert [q.id for q in chapter_pool(chapter.pk)] == [live.pk]
    assert [(q.id, q.text, is_live) for q, is_live in chapter_questions(chapter.pk)] == [
        (live.pk, "Live", True),
        (draft.pk, "Draft", False),
    ]


@pytest.mark.django_db
def test_reads_of_unknown_questions_raise(chapter):
    with pytest.raises(Question.DoesNotExist):
        current_revision(12345)
    with pytest.raises(QuestionRevision.DoesNotExist):
        question_revision(12345, 1)


@pytest.mark.django_db
def test_chapter_info(chapter):
    info = chapter_info(chapter.pk)
    assert info is not None
    assert (info.id, info.course_id, info.title, info.streak_goal) == (
        chapter.pk,
        chapter.course_id,
        "Fractions",
        3,
    )
    assert chapter_info(chapter.pk + 1000) is None
