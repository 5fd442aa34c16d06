"""A question staff moved to another chapter (the admin's chapter picker): its figures follow it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from quiz import services
from quiz.models import Question
from tests.reporting.world import Feeder, World, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def answer(world: World, pupil: Any, question: Question, given: str) -> None:
    """`pupil` starts a quiz on the question's chapter, is asked `question` and answers it."""
    quiz = services.start_quiz(
        actor=pupil,
        chapter_id=question.chapter_id,
        command_id=uuid.uuid4(),
        pick=lambda _: question.pk,
    ).quiz
    assert quiz.question is not None and quiz.question.id == question.pk
    services.answer_question(actor=pupil, quiz_id=quiz.id, answer=given, command_id=uuid.uuid4())


def test_a_moved_questions_figures_are_on_its_new_chapters_page_only() -> None:
    # given a question answered in its first chapter, then moved to the second and answered there
    world = make_world(students_a=2, students_b=0, chapters=2)
    first, second = world.chapters
    question = Question.objects.filter(chapter=first, kind="open").order_by("order").first()
    assert question is not None
    right = world.accepted[question.pk]
    answer(world, world.students_a[0], question, "wrong 1")
    question.chapter, question.order = second, 99  # a number free in the second chapter
    question.save(update_fields=["chapter", "order"])
    answer(world, world.students_a[1], question, right)
    Feeder().catch_up()
    client = APIClient()
    client.force_authenticate(world.staff)
    # when staff read both chapters' question tables, overall and for the class
    for scope in ("", f"&class={world.class_a.pk}"):
        old = client.get(f"/api/reports/questions/?chapter={first.pk}{scope}").json()
        new = client.get(f"/api/reports/questions/?chapter={second.pk}{scope}").json()
        # then the question is one row, on its chapter's page, with both answers
        assert question.pk not in [row["question"] for row in old], scope
        (row,) = [row for row in new if row["question"] == question.pk]
        assert (row["answered"], row["correct"], row["incorrect"]) == (2, 1, 1), scope
        assert row["first_tries"] == 2, scope
