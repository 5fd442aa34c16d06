"""Pure: the batch size adapts so a batch transaction stays near its time target; a failure
that repeats itself is told from a new one."""

from events.models import ProjectionCheckpoint
from events.runner import MIN_BATCH, next_batch_size, same_failure


def test_a_slow_batch_shrinks_the_next_in_proportion() -> None:
    assert next_batch_size(5000, 2.0, ceiling=5000, target=0.5) == 1250


def test_it_never_shrinks_below_the_minimum() -> None:
    assert next_batch_size(30, 100.0, ceiling=5000, target=0.5) == MIN_BATCH


def test_a_quick_batch_grows_the_next_up_to_the_ceiling() -> None:
    assert next_batch_size(1000, 0.01, ceiling=5000, target=0.5) == 2000
    assert next_batch_size(4000, 0.01, ceiling=5000, target=0.5) == 5000


def test_a_batch_near_the_target_keeps_its_size() -> None:
    assert next_batch_size(1000, 0.3, ceiling=5000, target=0.5) == 1000


def test_a_failure_repeats_only_at_the_same_event_with_the_same_error() -> None:
    # given a checkpoint that failed at event 7 (a model instance: no database)
    failed = ProjectionCheckpoint(status="failed", failed_position=7, last_error="Boom: 7")
    # then the same error there again is a repeat; another event or another error is not
    assert same_failure(failed, 7, "Boom: 7")
    assert not same_failure(failed, 8, "Boom: 7")
    assert not same_failure(failed, 7, "Boom: 7, differently")
    # and neither is a first failure, after the checkpoint was healed
    healthy = ProjectionCheckpoint(status="ok", failed_position=None, last_error="")
    assert not same_failure(healthy, 7, "Boom: 7")
