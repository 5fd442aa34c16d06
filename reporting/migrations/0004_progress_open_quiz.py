"""The quiz a student is on per chapter, so the dashboard can link to it.

The column is filled here from the event log, so an existing site needs no rebuild: per student and
chapter, the latest quiz started, unless it passed. The projection sets the same value again for
any event it has still to apply, so a migration that reads ahead of its checkpoint is harmless.
"""

from typing import Any

from django.db import migrations, models

CHUNK = 1000


def fill_open_quizzes(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("events", "Event")
    StudentProgress = apps.get_model("reporting", "StudentProgress")
    latest: dict[tuple[int, int], tuple[str, str]] = {}  # (student, chapter) -> (stream, quiz)
    starts = (
        Event.objects.filter(type="quiz.QuizStarted")
        .order_by("position")
        .values_list("stream_id", "data")
    )
    for stream, data in starts.iterator(chunk_size=CHUNK):
        latest[(int(data["student_id"]), int(data["chapter_id"]))] = (stream, data["quiz_id"])
    open_quizzes = list(latest.items())
    for at in range(0, len(open_quizzes), CHUNK):
        chunk = open_quizzes[at : at + CHUNK]
        passed = set(
            Event.objects.filter(
                type="quiz.QuizPassed", stream_id__in=[stream for _, (stream, _) in chunk]
            ).values_list("stream_id", flat=True)
        )
        for (student, chapter), (stream, quiz) in chunk:
            if stream not in passed:
                StudentProgress.objects.filter(student_id=student, chapter_id=chapter).update(
                    open_quiz_id=quiz
                )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_first_write_trigger_when"),
        ("reporting", "0003_question_student_chapter_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="studentprogress",
            name="open_quiz_id",
            field=models.UUIDField(
                help_text="The quiz the student is on; empty once it passed", null=True
            ),
        ),
        migrations.RunPython(fill_open_quizzes, migrations.RunPython.noop, elidable=True),
    ]
