"""The content's migrations, run backwards and forwards on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: tuple[str, str]) -> Any:
    """Migrate to `target`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state(target).apps


@pytest.fixture
def back_to_the_latest() -> Iterator[None]:
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_titles_that_differ_only_in_case_are_named_before_the_constraint(
    back_to_the_latest: None,
) -> None:
    apps = migrate(("quiz", "0005_question_live"))
    course = apps.get_model("quiz", "Course")
    chapter = apps.get_model("quiz", "Chapter")
    maths = course.objects.create(title="Maths")
    course.objects.create(title="maths")
    chapter.objects.create(course=maths, title="Breuken", order=1)
    chapter.objects.create(course=maths, title="breuken", order=2)
    with pytest.raises(ValueError, match=r"Breuken / breuken in Maths; Maths / maths"):
        migrate(("quiz", "0006_titles_unique_in_any_case"))
    course.objects.filter(title="maths").update(title="Maths (old)")
    chapter.objects.filter(title="breuken").update(title="Breuken 2")
    migrate(("quiz", "0006_titles_unique_in_any_case"))


def test_the_delete_permission_on_questions_goes_with_its_grants(back_to_the_latest: None) -> None:
    apps = migrate(("quiz", "0009_course_school"))
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    user = apps.get_model("auth", "User")
    question, _ = content_type.objects.get_or_create(app_label="quiz", model="question")
    delete, _ = permission.objects.get_or_create(
        content_type=question, codename="delete_question", defaults={"name": "Can delete question"}
    )
    editor = user.objects.create(username="editor-before")
    editor.user_permissions.add(delete)
    migrate(("quiz", "0010_question_not_deletable"))
    assert not permission.objects.filter(codename="delete_question").exists()
    assert editor.user_permissions.count() == 0
