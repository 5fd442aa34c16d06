"""A multiple-choice answer the quiz takes for a key ("b)", "b.", a full-width letter) reads as
that choice on the teacher pages too, as it does on the student's own quiz page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.reporting.world import Feeder, answer_the_choice, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("given", ["a)", "a.", "\uff41"])
def test_a_choice_named_as_the_quiz_allows_reads_as_its_choice(given: str) -> None:
    world = make_world(students_a=1, students_b=1, chapters=1)
    student = world.students_a[0]
    answered = answer_the_choice(world, given)
    # the quiz took it as a choice (the choices are a: 1/3, b: 2/4; the right one is "b")
    assert answered.quiz.status == "answered_incorrectly"
    Feeder().catch_up()
    client = Client()
    client.force_login(world.teacher_a)
    page = client.get(f"/teacher/students/{student.pk}/").content.decode()
    feed = client.get(f"/teacher/classes/{world.class_a.pk}/feed/").content.decode()
    assert 'data-label="Answer"><span class="unbroken">a: 1/3</span></td>' in page
    assert '(“<bdi><span class="unbroken">a: 1/3</span></bdi>”)' in feed
