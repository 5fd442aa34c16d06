"""A clock for the tests of the command limit: the counting's `time`, at whatever the test says."""

from __future__ import annotations

T = 1_000_040.0  # 20 s into a minute (1,000,020 is a whole number of minutes)


class Clock:
    """Stands in for the `time` module of the counting: the time is what the test says."""

    def __init__(self, at: float) -> None:
        self.at = at

    def time(self) -> float:
        return self.at
