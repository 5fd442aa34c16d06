"""An index to find a student's quizzes: QuizStarted events by `data->>'student_id'`.

PostgreSQL only (an expression index on jsonb, partial to the one event type); elsewhere the query
just scans. Built CONCURRENTLY so that adding it to a live event table does not block appends.
"""

from django.db import migrations

INDEX = "quiz_started_by_student"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON events_event "
        "((data ->> 'student_id')) WHERE type = 'quiz.QuizStarted'"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("quiz", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
