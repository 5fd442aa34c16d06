"""The key of `reporting_questionstudent` on SQLite (the development default), where 0006 left it
out: the projection's upsert by it failed there ("ON CONFLICT clause does not match any PRIMARY
KEY or UNIQUE constraint").

0006 declared the key as a unique constraint that also carries first_try_correct (INCLUDE, for
PostgreSQL's index-only scan). Django makes no such constraint on a database without INCLUDE, not
even without the column, and remakes a SQLite table (for any later change of it) from the declared
constraints, which would leave it out again. So the model declares the key plain now (the state,
below), and the databases keep what serves each: PostgreSQL its covering index from 0006, as it
is; SQLite a plain unique index on the two columns.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

TABLE = "reporting_questionstudent"
KEY = "question_student_key"


def make_the_key(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.features.supports_covering_indexes:
        return  # PostgreSQL: 0006's key, with its INCLUDE
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {quote(KEY)} "
        f"ON {quote(TABLE)} ({quote('question_id')}, {quote('student_id')})"
    )


def drop_the_key(apps: Any, schema_editor: Any) -> None:
    if not schema_editor.connection.features.supports_covering_indexes:
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(KEY)}")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_question_student_covered_by_question")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(make_the_key, drop_the_key)],
            state_operations=[
                migrations.RemoveConstraint(model_name="questionstudent", name=KEY),
                migrations.AddConstraint(
                    model_name="questionstudent",
                    constraint=models.UniqueConstraint(
                        fields=("question_id", "student_id"), name=KEY
                    ),
                ),
            ],
        )
    ]
