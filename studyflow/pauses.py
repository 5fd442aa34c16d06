"""Leaving a part that failed (the broker, the cache) alone for a short pause, in this process.

A part that hangs costs every call its whole timeout, and a part asked on every request then
holds up every request. So after a call to it fails, this process skips it for a few seconds
(what needed it does without: nudges wait for the beat sweep, the limits count nothing), then
tries again: a part that stays down costs one failed call per pause, and one that is back is used
again within a pause.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pause:
    """One part's pause in this process, on `clock` (monotonic seconds; the tests' own)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._until = 0.0
        self._lock = threading.Lock()  # threads of one web process fail side by side

    def on(self) -> bool:
        """Whether to skip the part now. Without the lock: it is asked by every request, and a
        float is read whole."""
        return self.clock() < self._until

    def start(self) -> bool:
        """A call to the part failed: skip it for the next `seconds`. True when it was not paused
        already (a call that began before the pause may fail in it, and extends it)."""
        with self._lock:
            now = self.clock()
            was_on = now < self._until
            self._until = now + self.seconds
        return not was_on

    def end(self) -> None:
        """Forget the failure: the next call tries the part."""
        with self._lock:
            self._until = 0.0
