"""Content models: revisions never change or disappear; chapter settings stay in range; a
question's number is its own in its chapter."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from quiz.models import Chapter, ImmutableRevision, Question, QuestionRevision

pytestmark = pytest.mark.django_db


def test_a_saved_revision_cannot_be_saved_again(make_question):
    revision = make_question().revisions.get()
    revision.text = "Something else"
    with pytest.raises(ImmutableRevision):
        revision.save()
    assert QuestionRevision.objects.get(pk=revision.pk).text == "Calculate 1/2 + 1/4."


def test_a_revision_cannot_be_deleted(make_question):
    revision = make_question().revisions.get()
    with pytest.raises(ImmutableRevision):
        revision.delete()
    with pytest.raises(ImmutableRevision):
        QuestionRevision.objects.filter(pk=revision.pk).delete()
    with pytest.raises(ImmutableRevision):
        QuestionRevision.objects.filter(pk=revision.pk).update(text="changed")
    assert QuestionRevision.objects.filter(pk=revision.pk).exists()


def test_a_question_with_revisions_cannot_be_deleted(make_question):
    question = make_question()
    with pytest.raises(ProtectedError), transaction.atomic():
        question.delete()


def test_revision_numbers_are_unique_per_question(make_question):
    question = make_question()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionRevision.objects.create(question=question, revision=1, text="dup")


def test_question_numbers_are_unique_per_chapter(make_question, chapter):
    make_question(order=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(chapter=chapter, order=3)
    # another chapter's #3 is another number
    other = Chapter.objects.create(course=chapter.course, title="Decimals", order=2)
    assert Question.objects.create(chapter=other, order=3).order == 3


def test_deleting_the_author_keeps_the_revision(make_question, staff_user):
    question = make_question(actor=staff_user)
    assert question.revisions.get().created_by == staff_user
    staff_user.delete()
    assert question.revisions.get().created_by is None


def test_streak_goal_defaults_to_three(chapter):
    assert chapter.streak_goal == 3


@pytest.mark.parametrize("goal", [0, 21])
def test_streak_goal_outside_1_to_20_is_invalid(chapter, goal):
    chapter.streak_goal = goal
    with pytest.raises(ValidationError):
        chapter.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Chapter.objects.filter(pk=chapter.pk).update(streak_goal=goal)


@pytest.mark.parametrize("goal", [1, 20])
def test_streak_goal_at_the_bounds_is_valid(chapter, goal):
    chapter.streak_goal = goal
    chapter.full_clean()
    chapter.save()
