"""The quiz a student is on per chapter, so the dashboard can link to it (filled by 0005).

On its own, in its own transaction: adding a nullable column only holds the table's lock for a
moment, not for the length of the fill."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
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
    ]
