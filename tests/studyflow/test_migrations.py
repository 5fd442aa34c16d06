"""The roster's migrations, run backwards and forwards on a real database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("studyflow", "0002_roles_groups")
ANY_CASE = ("studyflow", "0003_names_unique_in_any_case")


def migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


def test_names_that_differ_only_in_case_are_named_before_the_constraint() -> None:
    from studyflow.models import Classroom, School

    migrate(BEFORE)
    try:
        # given a roster from before, with names that differ only in case
        demo = School.objects.create(name="Demo School")
        School.objects.create(name="demo school")
        Classroom.objects.create(school=demo, name="2A")
        Classroom.objects.create(school=demo, name="2a")
        # when migrating, then the clashes are named, and nothing is half done
        with pytest.raises(ValueError, match=r"2A / 2a in Demo School; Demo School / demo school"):
            migrate(ANY_CASE)
        # and once renamed, it goes through
        School.objects.filter(name="demo school").update(name="Demo School (old)")
        Classroom.objects.filter(name="2a").update(name="2C")
        migrate(ANY_CASE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
