"""`since` as a client or a page sends it (pure: no database)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from reporting.selectors import read_moment


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-02-03T10:00:00Z", datetime(2026, 2, 3, 10, tzinfo=UTC)),
        (
            "2026-02-03T10:00:00 01:00",
            datetime(2026, 2, 3, 10, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("yesterday", None),
        ("2026-13-01T10:00:00Z", None),
        # the calendar's edges: moments that UTC, which the database compares in, cannot hold
        ("0001-01-01T00:00:00+14:00", None),
        ("0001-01-01T00:00:00+00:01", None),
        ("9999-12-31T23:59:59-14:00", None),
    ],
)
def test_a_since_is_read_as_the_moment_it_names_or_as_none(text, moment) -> None:
    assert read_moment(text) == moment


@pytest.mark.parametrize("text", ["2026-02-03T10:00:00+16:00", "2026-02-03T10:00:00-23:59"])
def test_a_since_comes_back_in_utc_whatever_offset_it_was_sent_with(text) -> None:
    # PostgreSQL takes offsets only up to 15:59; the same instant in UTC it always takes.
    moment = read_moment(text)
    assert moment == datetime.fromisoformat(text)
    assert moment is not None and moment.utcoffset() == timedelta(0)
