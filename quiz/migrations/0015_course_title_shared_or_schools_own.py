"""A course's title (in any case) is a course for every school's or schools' own, never both.

The unique constraints keep a title once among the shared courses and once in each school, but a
school's own course beside a shared one of that title was refused by the form alone
(Course.title_seen_beside): two staff saving them at the same moment both passed it, and the
school's people then saw two courses of one name. A unique index cannot say this rule (schools may
each have their own "Extra practice"), an exclusion constraint can: no two rows of one lower(title)
of which one is shared and the other not. It compares the title with `=` and the kind of course
with `<>` in one GiST index, which takes the btree_gist extension (PostgreSQL's contrib, trusted:
the database's owner may create it). On PostgreSQL only: SQLite has no such constraint, and lets
one writer at a time check and save anyway.

A site that has such courses already is refused, not renamed: which course should change its
title, and telling its school, is staff's to decide.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, migrations
from django.db.models import F

CONSTRAINT = "course_title_shared_or_schools_own"


def on_postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


def refuse_titles_seen_twice(apps: Any, schema_editor: Any) -> None:
    """A shared course and a school's own of one title would make the constraint fail with a bare
    integrity error: name them, with what to do. A CommandError: `migrate` prints its message
    without a traceback."""
    if not on_postgresql(schema_editor):
        return
    Course = apps.get_model("quiz", "Course")
    courses: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    shared_first = F("school__name").asc(nulls_first=True)
    rows = Course.objects.order_by(shared_first, "pk").values_list("pk", "title", "school__name")
    for pk, title, school in rows:
        courses[title.lower()].append((pk, title, school))
    clashes = [
        found
        for found in courses.values()
        if any(school is None for _, _, school in found)
        and any(school is not None for _, _, school in found)
    ]
    if not clashes:
        return
    example_pk, example_school = next(
        (pk, school) for pk, _, school in clashes[0] if school is not None
    )
    in_sql = f" ({example_school})".replace("'", "''")  # a quote inside an SQL string is doubled
    # The upgrade has every process stopped: SQL first (`manage.py dbshell`), which needs none;
    # the admin only with the web process started for it. And `migrate` applies each migration in
    # a transaction of its own: only this one changed nothing.
    raise CommandError(
        "A course for every school and a school's own course may no longer have one title (in "
        "any case), and these do: "
        + "; ".join(
            " / ".join(
                f"{title} (id {pk}, {'every school' if school is None else school})"
                for pk, title, school in found
            )
            for found in clashes
        )
        + ". Rename the course for every school, or each school's own, so that a school's people "
        f"see each title once: in SQL (python manage.py dbshell), UPDATE quiz_course SET title = "
        f"title || '{in_sql}' WHERE id = {example_pk}; or in the admin (Quizzes and content › "
        "Courses) if you start the web process for it. Then run migrate again. This migration "
        "changed nothing; migrations before it in this run may have been applied, which is fine: "
        "migrate goes on from here."
    )


def add_constraint(apps: Any, schema_editor: Any) -> None:
    if not on_postgresql(schema_editor):
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except DatabaseError as error:  # a user not allowed to (before PostgreSQL 13), or no contrib
        database = schema_editor.connection.settings_dict["NAME"]
        raise CommandError(
            f"The database could not add the btree_gist extension ({error}): a superuser adds it "
            f"with CREATE EXTENSION btree_gist; in the database {database} (it comes with "
            "PostgreSQL's contrib package). Then run migrate again. This migration changed "
            "nothing."
        ) from error
    # The kind of course as an integer: btree_gist compares booleans only from PostgreSQL 15.
    schema_editor.execute(
        f"ALTER TABLE quiz_course ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(lower(title) WITH =, ((school_id IS NULL)::integer) WITH <>)"
    )


def drop_constraint(apps: Any, schema_editor: Any) -> None:
    # The extension stays: other databases' objects, or the operator's, may use it.
    if on_postgresql(schema_editor):
        schema_editor.execute(f"ALTER TABLE quiz_course DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0014_order_up_to_99999"),
    ]

    operations = [
        migrations.RunPython(refuse_titles_seen_twice, migrations.RunPython.noop),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
