"""Fill `open_quiz_id` from the event log, so an existing site needs no rebuild: per student and
chapter, the latest quiz started, unless it passed.

The projection sets the same value again for any event it has still to apply, so reading ahead of
its checkpoint is harmless. Until this has run, an empty value only means the dashboard's
"Continue" finds the open quiz through a start command, as it used to.
"""

from typing import Any

from django.db import migrations

# On PostgreSQL one statement: the latest start per student and chapter (the partial index on
# starts), each kept unless its stream holds a QuizPassed (the stream index).
FILL_PG = """
UPDATE reporting_studentprogress AS p SET open_quiz_id = s.quiz_id::uuid
FROM (
    SELECT DISTINCT ON (student_id, chapter_id) student_id, chapter_id, quiz_id, stream_id
    FROM (
        SELECT (data->>'student_id')::int AS student_id, (data->>'chapter_id')::int AS chapter_id,
               data->>'quiz_id' AS quiz_id, stream_id, position
        FROM events_event WHERE type = 'quiz.QuizStarted'
    ) AS starts
    ORDER BY student_id, chapter_id, position DESC
) AS s
WHERE p.student_id = s.student_id AND p.chapter_id = s.chapter_id
  AND NOT EXISTS (
      SELECT 1 FROM events_event AS e WHERE e.stream_id = s.stream_id AND e.type = 'quiz.QuizPassed'
  )
"""
CHUNK = 1000


def fill_open_quizzes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_PG)
        return
    # SQLite (the development database): the same, a chunk at a time through the ORM.
    Event = apps.get_model("events", "Event")
    StudentProgress = apps.get_model("reporting", "StudentProgress")
    latest: dict[tuple[int, int], tuple[str, str]] = {}  # (student, chapter) -> (stream, quiz)
    starts = Event.objects.filter(type="quiz.QuizStarted").order_by("position")
    for stream, data in starts.values_list("stream_id", "data").iterator(chunk_size=CHUNK):
        latest[(int(data["student_id"]), int(data["chapter_id"]))] = (stream, data["quiz_id"])
    found = list(latest.items())
    for at in range(0, len(found), CHUNK):
        chunk = found[at : at + CHUNK]
        streams = [stream for _, (stream, _) in chunk]
        passed = set(
            Event.objects.filter(type="quiz.QuizPassed", stream_id__in=streams).values_list(
                "stream_id", flat=True
            )
        )
        for (student, chapter), (stream, quiz) in chunk:
            if stream not in passed:
                StudentProgress.objects.filter(student_id=student, chapter_id=chapter).update(
                    open_quiz_id=quiz
                )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_first_write_trigger_when"),
        ("reporting", "0004_progress_open_quiz"),
    ]

    operations = [
        migrations.RunPython(fill_open_quizzes, migrations.RunPython.noop, elidable=True),
    ]
