"""Rebuild the `wrong_answers` read model: its rows are now keyed by quiz.answers.answer_group
("0,6", ".6" and "0.6" are one answer, so are "35 %" and "35%"), not by normalise_answer.

Rows keyed the old way would never meet the new keys again (a teacher would see "0,6" beside
"0.6" forever), so this does what `manage.py projections rebuild wrong_answers` starts with
(events.runner.reset): empty both tables and start the projection's checkpoint(s) from the
beginning, marked "rebuilding" with the number of events to replay, so the teacher pages show the
progress. The running workers replay the log (the beat's sweep finds the checkpoint behind); no
one has to run anything.

Written against the historical models only (apps.get_model), not the projection's code, which may
change later. Going back changes nothing; the rows then carry the new keys, so after a downgrade
run `manage.py projections rebuild wrong_answers`.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone

PROJECTION = "wrong_answers"
ANSWERED_INCORRECTLY = "quiz.QuestionAnsweredIncorrectly"  # the only event type it reads


def regroup_wrong_answers(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("events", "Event")
    Checkpoint = apps.get_model("events", "ProjectionCheckpoint")
    # Count first, before taking any lock: on a big site this scans the log for a while, and the
    # TRUNCATE below keeps teachers from reading the tables until this transaction ends.
    # One partition: the projection counts distinct students per question, so it sees them all.
    total = Event.objects.filter(type=ANSWERED_INCORRECTLY).count()
    # Waits for a batch a worker is applying (it holds the row), then keeps the workers off the
    # projection until the tables are empty and the checkpoints start over (no-op on SQLite,
    # where writers take turns anyway).
    checkpoints = list(Checkpoint.objects.select_for_update().filter(name=PROJECTION))
    for model_name in ("WrongAnswer", "WrongAnswerStudent"):
        table = schema_editor.quote_name(apps.get_model("reporting", model_name)._meta.db_table)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"TRUNCATE {table}")
        else:
            schema_editor.execute(f"DELETE FROM {table}")
    now = timezone.now()
    for checkpoint in checkpoints:
        # The row stays (an operator's link to it stays good), every field as a fresh one has it.
        Checkpoint.objects.filter(pk=checkpoint.pk).update(
            **started_over(total, checkpoint.partition, now)
        )


def started_over(total: int, partition: int, now: Any) -> dict[str, Any]:
    """A checkpoint's fields, started over to replay `total` events: "rebuilding" until the replay
    catches up (events.runner._advance). With no wrong answer in the log there is nothing to
    replay, and nothing would end a "rebuilding" (the sweep wakes a projection only for events it
    has to apply): the teacher pages would say "being rebuilt, 0% done" until the first wrong
    answer came. So then it is simply "ok"."""
    fresh = {
        "cursor": "",
        "position": None,
        "last_event_at": None,
        "events_applied": 0,
        "last_error": "",
        "failed_position": None,
        "failures": 0,
        "next_attempt_at": None,
        "updated_at": now,
    }
    if not total:
        return {**fresh, "status": "ok", "rebuild_total": None, "rebuild_started_at": None}
    planned = total if partition == 0 else 0  # one partition: the projection has just one
    return {**fresh, "status": "rebuilding", "rebuild_total": planned, "rebuild_started_at": now}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_projection_operate_permission"),
        ("reporting", "0005_fill_open_quizzes"),
    ]

    operations = [
        migrations.RunPython(regroup_wrong_answers, migrations.RunPython.noop, elidable=True),
    ]
