"""The projection runner in-process, against the real event store on PostgreSQL."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.timezone import now as timezone_now
from rest_framework.test import APIClient

from events import nudges, projections, runner, selectors, tasks
from events.models import ProjectionCheckpoint
from events.projections import Projection
from reporting.models import Answer
from reporting.projections.answers import OUTCOMES
from tests.events import faulty_projection
from tests.held_open import held_open
from tests.projection_support import (
    answer_count,
    answers_snapshot,
    append_history,
    postgres_only,
    settle,
)

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def catch_up_all(name: str, **kwargs: Any) -> int:
    """Catch every partition up to the end of the log. read_all only hands out events below the
    oldest transaction still running anywhere on the server (other tests' too): wait for those."""
    projection = projections.get(name)
    applied = 0
    deadline = time.monotonic() + 60
    for partition in range(projection.partitions):
        while True:
            result = runner.catch_up(name, partition, budget_seconds=math.inf, **kwargs)
            applied += result.applied
            if result.failed or lag_events(projection, partition) == 0:
                break
            assert time.monotonic() < deadline, "the event log's horizon did not move"
            time.sleep(0.05)
    return applied


def lag_events(projection: Projection, partition: int) -> int:
    checkpoint = ProjectionCheckpoint.objects.get(name=projection.name, partition=partition)
    return selectors.lag(projection, partition, checkpoint.cursor)[0]


class Terminal(StringIO):
    """Output that says it is a terminal, as a shell's is."""

    def isatty(self) -> bool:
        return True


class ClosedPipe(StringIO):
    """`| head -1`: takes one line, then the reader is gone."""

    def write(self, text: str) -> int:
        if self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_catch_up_projects_every_answer_once() -> None:
    histories = append_history(40)
    settle()

    catch_up_all("answers", batch_size=7)

    assert Answer.objects.count() == answer_count(histories)
    assert catch_up_all("answers") == 0  # nothing twice
    assert Answer.objects.count() == answer_count(histories)
    assert Answer.objects.filter(course_id__isnull=True).count() == 0
    statuses = selectors.projection_status()
    assert [s["partition"] for s in statuses if s["name"] == "answers"] == [0, 1, 2, 3]
    assert all(
        s["lag_events"] == 0 and s["status"] == "ok" for s in statuses if s["name"] == "answers"
    )


def test_status_shows_what_is_behind() -> None:
    append_history(5)
    settle()
    rows = {(s["name"], s["partition"]): s for s in selectors.projection_status()}
    behind = sum(s["lag_events"] for key, s in rows.items() if key[0] == "answers")
    assert behind > 0
    assert all(s["status"] == "new" for key, s in rows.items() if key[0] == "answers")
    out = StringIO()
    call_command("projections", "status", stdout=out)
    assert "answers[0]" in out.getvalue()


def test_status_gives_a_failed_projections_retry_in_the_sites_time_zone() -> None:
    from datetime import UTC, datetime

    ProjectionCheckpoint.objects.create(
        name="answers",
        partition=0,
        partitions=4,
        status="failed",
        failed_position=17,
        last_error="Traceback ...\nValueError: no such question",
        next_attempt_at=datetime(2026, 3, 4, 10, 15, tzinfo=UTC),
    )
    out = StringIO()
    call_command("projections", "status", stdout=out)
    # Europe/Amsterdam, as the admin shows it: 11:15 CET, not 10:15+00:00
    expected = "failed on event 17, retry at 2026-03-04 11:15:00 CET: ValueError: no such question"
    assert expected in out.getvalue()


def test_rebuild_equals_incremental_catch_up() -> None:
    append_history(30)
    settle()
    catch_up_all("answers", batch_size=3)
    incremental = answers_snapshot()
    checkpoints = ProjectionCheckpoint.objects.filter(name="answers")
    ids = list(checkpoints.order_by("partition").values_list("pk", flat=True))
    checkpoints.filter(partition=1).update(failures=3, last_error="an old failure")

    err = Terminal()  # where the progress bar is drawn
    call_command(
        "projections", "rebuild", "answers", "--batch-size", "11", stdout=StringIO(), stderr=err
    )

    assert answers_snapshot() == incremental
    assert "100.0%" in err.getvalue()
    assert set(checkpoints.values_list("status", flat=True)) == {"ok"}
    # The same rows, so the admin's links to them still work, with nothing of their past kept.
    assert list(checkpoints.order_by("partition").values_list("pk", flat=True)) == ids
    assert set(checkpoints.values_list("failures", "last_error")) == {(0, "")}


def test_the_rebuilds_progress_bar_is_drawn_on_a_terminal_only() -> None:
    append_history(5)
    settle()
    # given a rebuild's output going to a file, then there is no bar in it, only the outcome
    into_a_file, report = StringIO(), StringIO()
    call_command("projections", "rebuild", "answers", stdout=report, stderr=into_a_file)
    assert into_a_file.getvalue() == ""
    assert report.getvalue().startswith("Rebuilt answers: ")
    # given a terminal, then the bar is drawn there, in place, and ends its line
    terminal = Terminal()
    call_command("projections", "rebuild", "answers", stdout=StringIO(), stderr=terminal)
    assert terminal.getvalue().startswith("\ranswers [") and terminal.getvalue().endswith("\n")
    # unless asked not to
    terminal = Terminal()
    call_command(
        "projections", "rebuild", "answers", "--no-progress", stdout=StringIO(), stderr=terminal
    )
    assert terminal.getvalue() == ""


def test_status_piped_into_a_reader_that_stops_early_ends_quietly() -> None:
    out = ClosedPipe()
    call_command("projections", "status", stdout=out)  # no BrokenPipeError
    assert out.getvalue().startswith("projection ")


def test_an_interrupted_rebuild_says_how_it_finishes_and_catch_up_finishes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.management.base import CommandError

    from events.management.commands import projections as command

    append_history(30)
    settle()
    catch_up_all("answers", batch_size=3)
    incremental = answers_snapshot()

    def ctrl_c(self: Any, count: int) -> None:
        raise KeyboardInterrupt

    # when Ctrl-C stops a rebuild after its first batch (on a terminal, where its bar is drawn)
    monkeypatch.setattr(command.ProgressBar, "advance", ctrl_c)
    with pytest.raises(CommandError, match=r"Interrupted\. A rebuild under way") as stopped:
        call_command(
            "projections", "rebuild", "answers", "--batch-size", "5", stdout=StringIO(),
            stderr=Terminal(),
        )  # fmt: skip
    assert stopped.value.returncode == 130
    # then status shows it under way, and says what finishes it
    out = StringIO()
    call_command("projections", "status", stdout=out)
    assert "rebuilding" in out.getvalue() and command.RESUMES in out.getvalue()
    # and catching up finishes it: the same read model as before
    catch_up_all("answers")
    assert answers_snapshot() == incremental
    assert set(
        ProjectionCheckpoint.objects.filter(name="answers").values_list("status", flat=True)
    ) == {"ok"}


class Fault:
    """The faulty test projection's controls: where it raises, what it has seen."""

    apply = staticmethod(faulty_projection.apply)
    reset = staticmethod(faulty_projection.reset)
    seen_positions = staticmethod(faulty_projection.seen_positions)

    @property
    def position(self) -> int | None:
        raise AttributeError("write-only")

    @position.setter
    def position(self, value: int | None) -> None:
        faulty_projection.set_fault(value)


@pytest.fixture
def fault() -> Iterator[Fault]:
    faulty_projection.create_tables()
    projections.register(faulty_projection.faulty)
    yield Fault()
    projections.unregister(faulty_projection.NAME)
    faulty_projection.drop_tables()


def test_a_failing_handler_stops_only_its_projection_and_resumes_from_that_event(
    fault: Fault,
) -> None:
    histories = append_history(20)
    settle()
    answer_positions = list(ProjectionCheckpoint.objects.none().values_list("position", flat=True))
    from events.store import read_all

    answer_positions = [e.position for e in read_all(limit=10_000, types=OUTCOMES).events]
    fault_at = answer_positions[25]
    fault.position = fault_at

    result = runner.catch_up("test_faulty", budget_seconds=math.inf, batch_size=1000)
    catch_up_all("answers", batch_size=10)

    assert result.failed
    # it applied everything before the failing event, nothing from it on
    assert fault.seen_positions() == answer_positions[:25]
    failed = ProjectionCheckpoint.objects.get(name="test_faulty")
    assert failed.status == "failed"
    assert failed.failed_position == fault_at
    assert "cannot project event" in failed.last_error
    assert failed.next_attempt_at is not None
    # the other projection went on
    assert Answer.objects.count() == answer_count(histories)
    status = {s["name"]: s for s in selectors.projection_status()}
    assert status["test_faulty"]["status"] == "failed"
    assert status["test_faulty"]["failed_position"] == fault_at
    assert status["test_faulty"]["lag_events"] == len(answer_positions) - 25

    # back-off: an unforced catch-up waits; a forced one meets the same fault again
    assert runner.catch_up("test_faulty").skipped == "backing_off"
    assert runner.catch_up("test_faulty", force=True).failed
    again = ProjectionCheckpoint.objects.get(name="test_faulty")
    assert again.failures == 2
    assert again.next_attempt_at is not None and failed.next_attempt_at is not None
    assert again.next_attempt_at - again.updated_at > failed.next_attempt_at - failed.updated_at

    fault.position = None  # the fix is deployed
    ProjectionCheckpoint.objects.filter(name="test_faulty").update(next_attempt_at=None)
    runner.catch_up("test_faulty", budget_seconds=math.inf)

    assert fault.seen_positions() == answer_positions
    healed = ProjectionCheckpoint.objects.get(name="test_faulty")
    assert (healed.status, healed.last_error, healed.failed_position) == ("ok", "", None)


def test_a_failure_is_logged_once_with_its_traceback_not_once_a_retry(
    fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    append_history(5)
    settle()
    from events.store import read_all

    positions = [e.position for e in read_all(limit=10_000, types=OUTCOMES).events]
    fault.position = positions[3]
    with caplog.at_level(logging.INFO, logger="events.runner"):
        # given a handler failing on an event, then retried (a forced catch-up, as an operator's,
        # or the workers' after the back-off) and failing the same way twice more
        for _ in range(3):
            assert runner.catch_up("test_faulty", budget_seconds=math.inf, force=True).failed
    # then the first failure is one ERROR, naming the event, with its traceback
    said = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    level, message, exc_info = said[0]
    assert level == "ERROR" and message.startswith(
        f"Projection test_faulty[0] stopped at event {positions[3]} ("
    )
    assert f"RuntimeError: cannot project event {positions[3]}." in message
    assert "`manage.py projections catch-up test_faulty`" in message
    assert exc_info is not None and isinstance(exc_info[1], RuntimeError)
    # and each retry that met it again is one line at INFO, without one
    assert [(level, message, exc_info) for level, message, exc_info in said[1:]] == [
        (
            "INFO",
            f"Projection test_faulty[0] failed again on event {positions[3]}, as before "
            f"({failures} failures in a row)",
            None,
        )
        for failures in (2, 3)
    ]
    # when it fails on another event (the fix of the first one deployed, say), then that is a
    # new failure, logged with its traceback
    caplog.clear()
    fault.position = positions[4]
    with caplog.at_level(logging.INFO, logger="events.runner"):
        assert runner.catch_up("test_faulty", budget_seconds=math.inf, force=True).failed
    [record] = caplog.records
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert f"stopped at event {positions[4]}" in record.getMessage()


def test_catch_up_exits_non_zero_naming_what_failed_until_the_fix_is_in(fault: Fault) -> None:
    append_history(5)
    settle()
    from events.store import read_all

    positions = [e.position for e in read_all(limit=10_000, types=OUTCOMES).events]
    fault.position = positions[2]
    # when an operator catches it up (as the runbook says) and it fails again
    with pytest.raises(CommandError) as failed:
        call_command("projections", "catch-up", "test_faulty", "answers", stdout=StringIO())
    # then the command fails (exit 1 from the shell), with the line `projections status` shows
    assert failed.value.returncode == 1
    assert str(failed.value) == (
        f"test_faulty failed on event {positions[2]}: "
        f"RuntimeError: cannot project event {positions[2]}"
    )
    # when the fix is in, then it catches up and succeeds
    fault.position = None
    out = StringIO()
    call_command("projections", "catch-up", "test_faulty", stdout=out)
    assert "test_faulty: applied" in out.getvalue()
    assert ProjectionCheckpoint.objects.get(name="test_faulty").status == "ok"


def test_catch_up_is_judged_by_what_it_met_not_by_a_failure_a_worker_holds(fault: Fault) -> None:
    append_history(5)
    settle()
    from events.store import read_all

    positions = [e.position for e in read_all(limit=10_000, types=OUTCOMES).events]
    # given a failure recorded before the run (a worker's), the fix not deployed to it yet
    fault.position = positions[2]
    assert runner.catch_up("test_faulty", budget_seconds=math.inf).failed

    def hold() -> list[int]:  # a worker's batch under way on it
        checkpoints = ProjectionCheckpoint.objects.select_for_update().filter(name="test_faulty")
        return list(checkpoints.values_list("pk", flat=True))

    # when an operator catches up everything while a worker holds that projection
    out = StringIO()
    with held_open(hold):
        call_command("projections", "catch-up", "test_faulty", "answers", stdout=out)
    # then the run succeeds (exit 0): it says it skipped it, and tried nothing there
    assert "test_faulty[0] skipped (locked)." in out.getvalue()
    assert "answers: applied" in out.getvalue()
    # and the failure is still there for `projections status` to show
    assert ProjectionCheckpoint.objects.get(name="test_faulty").status == "failed"
    # when the worker has let go, then the run meets the failure itself and exits 1, naming it
    with pytest.raises(CommandError) as failed:
        call_command("projections", "catch-up", "test_faulty", "answers", stdout=StringIO())
    assert failed.value.returncode == 1
    assert str(failed.value) == (
        f"test_faulty failed on event {positions[2]}: "
        f"RuntimeError: cannot project event {positions[2]}"
    )


def test_rebuild_exits_non_zero_naming_each_failed_partition(fault: Fault) -> None:
    append_history(5)
    settle()
    register_faulty(fault, partitions=2)
    from events.store import read_all

    position = read_all(limit=10_000, types=OUTCOMES).events[2].position
    fault.position = position

    with pytest.raises(CommandError, match=r"^test_faulty\[[01]\] failed on event ") as failed:
        call_command("projections", "rebuild", "test_faulty", stdout=StringIO())

    assert str(failed.value).endswith(f" {position}: RuntimeError: cannot project event {position}")


def register_faulty(fault: Fault, *, partitions: int, version: int = 1) -> None:
    """(Re-)register the test projection, as a deploy that adds or changes it would."""
    projections.unregister("test_faulty")
    projections.register(
        Projection(
            name="test_faulty",
            event_types=frozenset(OUTCOMES),
            apply=fault.apply,
            reset=fault.reset,
            partitions=partitions,
            version=version,
        )
    )


def test_a_new_version_of_a_projection_rebuilds_itself_and_old_code_stands_down(
    fault: Fault,
) -> None:
    # given a projection caught up by version 1, whose rows the test then spoils (wrong rows, as
    # code that computed them differently would have left them)
    register_faulty(fault, partitions=1)
    append_history(3)
    settle()
    catch_up_all("test_faulty")
    seen = fault.seen_positions()
    assert seen
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_fault_seen (position) VALUES (-1)")
    # when a worker runs version 2 of it
    register_faulty(fault, partitions=1, version=2)
    result = runner.catch_up("test_faulty", budget_seconds=math.inf)
    # then it rebuilt it from the log on its own: the old rows are gone, each event once
    assert result.done and fault.seen_positions() == seen
    checkpoint = ProjectionCheckpoint.objects.get(name="test_faulty")
    assert (checkpoint.version, checkpoint.status) == (2, "ok")
    # and a worker still running version 1 (an upgrade under way) applies nothing
    register_faulty(fault, partitions=1, version=1)
    append_history(2)
    settle()
    stale = runner.catch_up("test_faulty", budget_seconds=math.inf)
    assert (stale.skipped, stale.applied) == ("newer_version", 0)
    assert fault.seen_positions() == seen
    assert ProjectionCheckpoint.objects.get(name="test_faulty").version == 2
    # until version 2 runs again and goes on where it was, without another rebuild
    register_faulty(fault, partitions=1, version=2)
    assert runner.catch_up("test_faulty", budget_seconds=math.inf).applied > 0
    assert fault.seen_positions()[: len(seen)] == seen


def test_after_an_upgrade_a_raised_version_shows_as_pending_until_a_worker_rebuilds_it() -> None:
    # given wrong_answers caught up, by the version before this release's
    append_history(5)
    settle()
    catch_up_all("wrong_answers")
    version = projections.get("wrong_answers").version
    ProjectionCheckpoint.objects.filter(name="wrong_answers").update(version=version - 1)

    # when the operator looks, after `migrate` with the new code but before any worker ran it
    [row] = [s for s in selectors.projection_status() if s["name"] == "wrong_answers"]
    out = StringIO()
    call_command("projections", "status", stdout=out)
    health = APIClient().get("/api/health/")

    # then it is not ok: its reports are the old version's, and the whole log is to apply
    assert (row["status"], row["rows_version"], row["version"]) == (
        "rebuild_pending",
        version - 1,
        version,
    )
    assert row["lag_events"] > 0 and row["lag_seconds"] > 0
    assert f"rebuild pending (version {version - 1} → {version})" in out.getvalue()
    assert "started by the first worker running this release" in out.getvalue()
    # and the health check says so with a 200, as for a projection behind
    assert health.status_code == 200
    [entry] = [p for p in health.json()["projections"] if p["name"] == "wrong_answers"]
    assert entry == {**entry, "status": "rebuild_pending", "rows_version": version - 1}
    assert any(
        line.startswith(f"wrong_answers: rebuild pending (version {version - 1} → {version})")
        for line in health.json()["problems"]
    )

    # when a worker running this release catches it up, then it rebuilt it and is ok again
    catch_up_all("wrong_answers")
    [row] = [s for s in selectors.projection_status() if s["name"] == "wrong_answers"]
    assert (row["status"], row["rows_version"], row["lag_events"]) == ("ok", version, 0)


def test_a_projection_a_release_added_shows_as_new_until_a_worker_runs_it(fault: Fault) -> None:
    # given a history, when a release adds a projection no worker running it has run yet
    projections.unregister("test_faulty")  # not there while history happens
    append_history(3)
    settle()
    for projection in projections.all_projections():
        catch_up_all(projection.name)
    register_faulty(fault, partitions=1)
    ProjectionCheckpoint.objects.filter(name="test_faulty").delete()

    # then `projections status` shows it new, its events behind, and says who catches it up
    out = StringIO()
    call_command("projections", "status", stdout=out)
    [line] = [line for line in out.getvalue().splitlines() if line.startswith("test_faulty ")]
    assert line.split()[1] == "new" and int(line.split()[3]) > 0
    assert "A new projection is caught up by the first worker running this release" in (
        out.getvalue()
    )

    # and once it ran, no longer
    catch_up_all("test_faulty")
    out = StringIO()
    call_command("projections", "status", stdout=out)
    assert "A new projection" not in out.getvalue()


def test_a_projection_added_later_then_rebuilt_covers_all_history(fault: Fault) -> None:
    projections.unregister("test_faulty")  # not there while history happens
    append_history(15)
    settle()
    catch_up_all("answers")
    register_faulty(fault, partitions=1)

    runner.rebuild("test_faulty")

    assert fault.seen_positions() == list(
        Answer.objects.order_by("position").values_list("position", flat=True)
    )


def test_changed_partitions_stop_the_projection_until_rebuilt(fault: Fault) -> None:
    append_history(3)
    settle()
    runner.catch_up("test_faulty", budget_seconds=math.inf)
    register_faulty(fault, partitions=2)
    assert runner.catch_up("test_faulty", 0).failed
    assert "rebuild" in ProjectionCheckpoint.objects.get(name="test_faulty", partition=0).last_error
    runner.rebuild("test_faulty")
    assert ProjectionCheckpoint.objects.filter(name="test_faulty", status="ok").count() == 2
    # And back to one: the second partition's checkpoint goes.
    register_faulty(fault, partitions=1)
    runner.rebuild("test_faulty")
    assert list(
        ProjectionCheckpoint.objects.filter(name="test_faulty").values_list(
            "partition", "partitions", "status"
        )
    ) == [(0, 1, "ok")]


def progress_snapshot() -> list[tuple[Any, ...]]:
    from reporting.models import StudentProgress

    return list(
        StudentProgress.objects.order_by("student_id", "chapter_id").values_list(
            "student_id", "chapter_id", "status", "answered", "mistakes", "time_spent_ms"
        )
    )


def test_rebuilding_groups_side_by_side_equals_rebuilding_one_by_one() -> None:
    append_history(30)
    settle()
    runner.rebuild("answers", batch_size=7)
    runner.rebuild("progress", batch_size=7)
    one_by_one = (answers_snapshot(), progress_snapshot())

    out = StringIO()
    call_command(
        "projections",
        "rebuild",
        "answers,progress",  # one group: one read of the log for both
        "class_activity",  # a second group, in a second process
        "--batch-size",
        "13",
        "--no-progress",
        stdout=out,
    )

    assert (answers_snapshot(), progress_snapshot()) == one_by_one
    assert "Rebuilt answers, progress" in out.getvalue()
    assert "Rebuilt class_activity" in out.getvalue()
    statuses = ProjectionCheckpoint.objects.filter(name__in=["answers", "progress"])
    assert set(statuses.values_list("status", flat=True)) == {"ok"}


def test_rebuild_refuses_names_together_with_all() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not both"):
        call_command("projections", "rebuild", "answers", "--all", stdout=StringIO())


def test_a_failing_handler_in_a_group_rebuild_is_recorded_and_reported(fault: Fault) -> None:
    from django.core.management.base import CommandError

    from events.store import read_all

    histories = append_history(20)
    settle()
    fault_at = [e.position for e in read_all(limit=10_000, types=OUTCOMES).events][25]
    fault.position = fault_at

    expected = f"^test_faulty failed on event {fault_at}: RuntimeError: cannot project event"
    with pytest.raises(CommandError, match=expected):
        call_command(
            "projections", "rebuild", "answers,test_faulty", "--no-progress", stdout=StringIO()
        )

    # the group fell back to one projection at a time: answers is whole, the fault recorded
    assert Answer.objects.count() == answer_count(histories)
    failed = ProjectionCheckpoint.objects.get(name="test_faulty")
    assert (failed.status, failed.failed_position) == ("failed", fault_at)


def test_the_sweep_wakes_an_outdated_projection_and_leaves_a_newer_one_alone(
    fault: Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    nudged: list[tuple[str, int]] = []

    def nudge(name: str, partition: int, **_: Any) -> int:  # which partitions, not the broker
        nudged.append((name, partition))
        return 1

    monkeypatch.setattr(nudges, "nudge", nudge)
    # given a projection caught up by version 1: nothing to apply
    register_faulty(fault, partitions=1)
    append_history(2)
    settle()
    catch_up_all("test_faulty")
    tasks.sweep_projections()
    assert ("test_faulty", 0) not in nudged
    # when the workers run version 2, the sweep wakes it (its catch-up rebuilds it)
    register_faulty(fault, partitions=1, version=2)
    tasks.sweep_projections()
    assert ("test_faulty", 0) in nudged
    # and once version 2 built it, a sweep on a worker still running version 1 leaves it alone,
    # new events or not
    runner.catch_up("test_faulty", budget_seconds=math.inf)
    register_faulty(fault, partitions=1, version=1)
    append_history(1)
    settle()
    nudged.clear()
    tasks.sweep_projections()
    assert ("test_faulty", 0) not in nudged


def test_a_checkpoint_row_written_without_a_version_is_of_version_1() -> None:
    # given a worker of a release before versions, which inserts every column it knows but this
    fields = [
        f for f in ProjectionCheckpoint._meta.concrete_fields if f.name not in ("id", "version")
    ]
    values = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    values.update(name="test_versionless", created_at=timezone_now(), updated_at=timezone_now())
    columns = ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProjectionCheckpoint._meta.db_table} ({columns})"
            f" VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
    # then the database gives it version 1, the version every projection had before
    assert ProjectionCheckpoint.objects.get(name="test_versionless").version == 1
    ProjectionCheckpoint.objects.filter(name="test_versionless").delete()
