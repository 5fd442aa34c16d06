"""The content's migrations, run backwards and forwards on a real database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
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


def test_questions_sharing_a_number_are_renumbered_in_their_order_before_the_constraint(
    back_to_the_latest: None,
) -> None:
    # given questions from before, two staff having given some the same number at once
    apps = migrate(("quiz", "0011_course_titles_unique_per_school"))
    course = apps.get_model("quiz", "Course").objects.create(title="Maths", order=1)
    chapter = apps.get_model("quiz", "Chapter")
    question = apps.get_model("quiz", "Question")
    fractions = chapter.objects.create(course=course, title="Fractions", order=1)
    decimals = chapter.objects.create(course=course, title="Decimals", order=2)
    powers = chapter.objects.create(course=course, title="Powers", order=3)
    created = {
        name: question.objects.create(chapter=where, order=number).pk
        for name, where, number in [
            ("a", fractions, 3),
            ("b", fractions, 1),
            ("c", fractions, 3),
            ("d", fractions, 4),
            ("e", fractions, 7),
            ("f", decimals, 0),
            ("g", decimals, 0),
            ("h", powers, 5),
            ("i", powers, 2),
        ]
    }
    # when migrating
    apps = migrate(("quiz", "0013_question_unique_number_in_chapter"))
    # then each chapter keeps its order (by number, then by id), the first of a number keeps it,
    # the next takes the one after (pushing along the one that had it), and the rest stay
    numbers = dict(apps.get_model("quiz", "Question").objects.values_list("pk", "order"))
    assert {name: numbers[pk] for name, pk in created.items()} == {
        "a": 3,
        "b": 1,
        "c": 4,
        "d": 5,
        "e": 7,
        "f": 0,
        "g": 1,
        "h": 5,
        "i": 2,
    }
    # and the database keeps them apart from now on
    with pytest.raises(IntegrityError), transaction.atomic():
        apps.get_model("quiz", "Question").objects.create(chapter_id=powers.pk, order=2)


BEFORE_SEEN_ONCE = ("quiz", "0014_order_up_to_99999")
SEEN_ONCE = ("quiz", "0015_course_title_shared_or_schools_own")


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the exclusion constraint is PostgreSQL's (SQLite has none)",
)
def test_a_shared_and_a_schools_course_of_one_title_are_named_before_the_constraint(
    back_to_the_latest: None,
) -> None:
    # given courses from before: "Algebra" for every school, and two schools' own "algebra",
    # saved at once, say; and courses of one title in two schools, which may be
    apps = migrate(BEFORE_SEEN_ONCE)
    course = apps.get_model("quiz", "Course")
    school = apps.get_model("studyflow", "School")
    abbey = school.objects.create(name="Abbey's")
    south = school.objects.create(name="South")
    shared = course.objects.create(title="Algebra", order=1)
    abbeys = course.objects.create(title="algebra", school=abbey, order=2)
    souths = course.objects.create(title="ALGEBRA", school=south, order=3)
    course.objects.create(title="Extra practice", school=abbey, order=4)
    course.objects.create(title="Extra practice", school=south, order=5)
    # when migrating, then they are named, with what to do, and nothing is half done
    with pytest.raises(CommandError) as refused:
        migrate(SEEN_ONCE)
    message = str(refused.value)
    assert (
        f"Algebra (id {shared.pk}, every school) / algebra (id {abbeys.pk}, Abbey's) / ALGEBRA "
        f"(id {souths.pk}, South). Rename" in message
    )
    assert "Extra practice" not in message
    # the SQL it suggests renames Abbey's, and runs as it stands (a quote in the school's name)
    (suggested,) = re.findall(r"UPDATE quiz_course SET .* WHERE id = \d+;", message)
    assert suggested == (
        f"UPDATE quiz_course SET title = title || ' (Abbey''s)' WHERE id = {abbeys.pk};"
    )
    assert "This migration changed nothing" in message
    # and once renamed (Abbey's by that SQL, South's otherwise), it goes through, and the
    # database refuses such a course from then on
    with connection.cursor() as cursor:
        cursor.execute(suggested)
    assert course.objects.get(pk=abbeys.pk).title == "algebra (Abbey's)"
    course.objects.filter(pk=souths.pk).update(title="Algebra at South")
    course.objects.filter(pk=shared.pk).update(title="Algebra for everyone")
    course.objects.create(title="algebra", school=school.objects.create(name="West"), order=6)
    apps = migrate(SEEN_ONCE)
    with pytest.raises(IntegrityError), transaction.atomic():
        apps.get_model("quiz", "Course").objects.create(
            title="algebra FOR everyone", school_id=abbey.pk, order=7
        )
    # and backwards, it is gone
    apps = migrate(BEFORE_SEEN_ONCE)
    apps.get_model("quiz", "Course").objects.create(
        title="algebra FOR everyone", school_id=abbey.pk, order=7
    )
    apps.get_model("quiz", "Course").objects.filter(title="algebra FOR everyone").delete()
