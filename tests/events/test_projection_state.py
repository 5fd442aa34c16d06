"""A projection partition's status from its checkpoint and the code's version: pure."""

from __future__ import annotations

from datetime import UTC, datetime

from events.management.commands.projections import failure
from events.selectors import (
    REBUILD_PENDING,
    Stall,
    pending_note,
    readers_state,
    state,
    without_checkpoint,
)

VERSIONS = {"progress": 3, "answers": 2}  # the registered projections' versions, by name


def test_a_projection_that_never_ran_is_new() -> None:
    assert state(None, None, version=3) == "new"


def test_rows_of_the_codes_version_keep_their_checkpoints_status() -> None:
    for stored in ("ok", "failed", "rebuilding"):
        assert state(stored, 3, version=3) == stored


def test_rows_of_an_older_version_wait_for_their_rebuild_whatever_the_checkpoint_says() -> None:
    # given wrong_answers computed by version 2, when this release's code is version 3
    for stored in ("ok", "failed", "rebuilding"):
        # then it is not ok: a worker running version 3 rebuilds it from the start
        assert state(stored, 2, version=3) == REBUILD_PENDING
    assert pending_note(2, 3) == "rebuild pending (version 2 → 3)"


def test_rows_of_a_newer_version_are_not_this_codes_to_judge() -> None:
    # a process still running the release before (an upgrade under way) leaves them as they are
    assert state("ok", 4, version=3) == "ok"


def test_a_failed_checkpoint_reads_in_one_line_as_status_shows_it() -> None:
    # given a projection of one partition that stopped on event 17 with a traceback
    traceback = "Traceback (most recent call last):\n  ...\nValueError: no such question\n"
    # then the line names it, the event and the error's last line
    assert failure("answers", 0, 1, 17, traceback) == (
        "answers failed on event 17: ValueError: no such question"
    )
    # and a partitioned one names its partition; an error without text leaves it empty
    assert failure("answers", 2, 4, None, "") == "answers[2] failed on event -: "


def test_readers_are_told_of_a_rebuild_an_update_left_to_start() -> None:
    # given the progress grid's rows computed by version 2, read ok, when the code is version 3
    told = readers_state([("progress", 2, "ok", None, 40, None)], VERSIONS)
    # then readers are told it waits for its rebuild, with none under way yet
    assert (told.rebuild_pending, told.rebuild_progress, told.stall) == (True, None, None)


def test_an_old_versions_rebuild_or_failure_counts_as_pending_not_as_under_way() -> None:
    # given old-version rows that an old worker was rebuilding, or that failed
    rows = [
        ("progress", 2, "rebuilding", None, 10, 100),
        ("progress", 2, "failed", datetime(2026, 3, 4, tzinfo=UTC), 10, None),
    ]
    # then neither a percentage nor a stop is told, only the rebuild still to come
    told = readers_state(rows, VERSIONS)
    assert (told.rebuild_pending, told.rebuild_progress, told.stall) == (True, None, None)


def test_a_rebuild_under_way_and_a_stop_of_the_codes_version_are_told_as_they_are() -> None:
    stopped = datetime(2026, 3, 4, tzinfo=UTC)
    rows = [
        ("progress", 3, "rebuilding", None, 25, 100),
        ("answers", 2, "failed", stopped, 5, None),
    ]
    told = readers_state(rows, VERSIONS)
    assert told.rebuild_pending is False
    assert told.rebuild_progress == 0.25
    assert told.stall == Stall(["answers"], stopped)


def test_a_checkpoint_of_a_projection_no_longer_registered_tells_readers_nothing() -> None:
    rows = [
        ("retired", 1, "rebuilding", None, 1, 10),
        ("retired", 1, "failed", None, 1, None),
    ]
    told = readers_state(rows, VERSIONS)
    assert (told.rebuild_pending, told.rebuild_progress, told.stall) == (False, None, None)


def test_a_projection_partition_without_a_checkpoint_is_found_as_never_run() -> None:
    # given progress in one partition, answers in three, and checkpoints of answers[0] and of a
    # projection no longer registered
    partitions = {"progress": 1, "answers": 3}
    present = {("answers", 0), ("retired", 0)}
    # then progress and answers' other two partitions have none yet: state "new"
    assert without_checkpoint(partitions, present) == [
        ("progress", 0),
        ("answers", 1),
        ("answers", 2),
    ]
    assert (
        without_checkpoint(partitions, {("progress", 0), *present, ("answers", 1), ("answers", 2)})
        == []
    )


def test_readers_wait_for_a_new_projection_with_events_to_apply_as_for_a_rebuild() -> None:
    # given every checkpoint ok, when a release added answers and it has events no worker applied
    told = readers_state([("progress", 3, "ok", None, 40, None)], VERSIONS, new=["answers"])
    # then readers are told the reports wait, with no rebuild under way and nothing stopped
    assert (told.rebuild_pending, told.rebuild_progress, told.stall) == (True, None, None)
    # and without such a projection, they are not
    assert readers_state([("progress", 3, "ok", None, 40, None)], VERSIONS).rebuild_pending is False


def test_a_new_projection_no_longer_registered_tells_readers_nothing() -> None:
    assert readers_state([], VERSIONS, new=["retired"]).rebuild_pending is False
