"""Pure: the batch size adapts so a batch transaction stays near its time target."""

from events.runner import MIN_BATCH, next_batch_size


def test_a_slow_batch_shrinks_the_next_in_proportion() -> None:
    assert next_batch_size(5000, 2.0, ceiling=5000, target=0.5) == 1250


def test_it_never_shrinks_below_the_minimum() -> None:
    assert next_batch_size(30, 100.0, ceiling=5000, target=0.5) == MIN_BATCH


def test_a_quick_batch_grows_the_next_up_to_the_ceiling() -> None:
    assert next_batch_size(1000, 0.01, ceiling=5000, target=0.5) == 2000
    assert next_batch_size(4000, 0.01, ceiling=5000, target=0.5) == 5000


def test_a_batch_near_the_target_keeps_its_size() -> None:
    assert next_batch_size(1000, 0.3, ceiling=5000, target=0.5) == 1000
