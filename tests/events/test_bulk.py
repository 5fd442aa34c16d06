"""Projection writers' bulk inserts: a row already there is skipped, never an error."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from events.bulk import insert_rows
from reporting.models import AnswersQuiz

pytestmark = pytest.mark.django_db


def test_rows_already_there_are_skipped_and_the_new_ones_go_in() -> None:
    # given a batch written once
    old, new = uuid.uuid4(), uuid.uuid4()
    with transaction.atomic():
        insert_rows(AnswersQuiz, ("quiz_id", "course_id"), [(old, 1)])
    # when a batch holding that row again and a new one is written (on PostgreSQL COPY refuses it)
    with transaction.atomic():
        insert_rows(AnswersQuiz, ("quiz_id", "course_id"), [(old, 1), (new, 2)])
    # then each row is there once
    rows = sorted(AnswersQuiz.objects.values_list("course_id", flat=True), key=lambda c: c or 0)
    assert rows == [1, 2]
