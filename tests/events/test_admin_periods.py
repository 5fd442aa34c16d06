"""The event list's estimated count, as pure functions (no database)."""

import pytest

from events.templatetags.events_admin import rounded


@pytest.mark.parametrize(
    ("count", "shown"),
    [(1_004_467, "1,000,000"), (24_342, "24,300"), (534_488, "534,000"), (999, "999"), (0, "0")],
)
def test_an_estimated_count_reads_as_round(count, shown) -> None:
    # an estimate is shown to three digits: "about 1,004,467" would claim a precision it lacks
    assert rounded(count) == shown
