"""A part's pause after a failure (studyflow.pauses), on a clock the test moves: no services."""

from __future__ import annotations

from studyflow.pauses import Pause


class Clock:
    """Monotonic seconds, what the test says."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_a_part_is_skipped_for_the_pause_after_a_failure_then_tried_again() -> None:
    clock = Clock(100.0)
    pause = Pause(5.0, clock)
    # given a part that has not failed: it is asked
    assert not pause.on()
    # when a call to it fails, then it is skipped for 5 s
    assert pause.start() is True
    for at in (100.0, 102.5, 104.999):
        clock.at = at
        assert pause.on(), at
    # and asked again after
    clock.at = 105.0
    assert not pause.on()


def test_a_failure_during_the_pause_extends_it_and_is_not_a_new_one() -> None:
    clock = Clock(100.0)
    pause = Pause(5.0, clock)
    assert pause.start() is True
    # given a call begun before the pause, failing 3 s into it (a slow timeout, another thread)
    clock.at = 103.0
    # then it is no new failure (nothing to log again), and the pause runs from it
    assert pause.start() is False
    clock.at = 107.0
    assert pause.on()
    clock.at = 108.0
    assert not pause.on()
    # and a failure after the pause is a new one
    assert pause.start() is True


def test_a_pause_ended_lets_the_part_be_asked_at_once() -> None:
    clock = Clock(100.0)
    pause = Pause(5.0, clock)
    pause.start()
    pause.end()
    assert not pause.on()
    assert pause.start() is True
