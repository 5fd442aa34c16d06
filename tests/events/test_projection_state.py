"""A projection partition's status from its checkpoint and the code's version: pure."""

from __future__ import annotations

from events.management.commands.projections import failure
from events.selectors import REBUILD_PENDING, pending_note, state


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
