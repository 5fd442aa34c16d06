"""When the health check logs a part (the database, the broker, the cache) that is down: pure.

A load balancer probes /api/health/ every few seconds; a warning with every probe while the
broker is down buried the rest of the log. So each web process logs an outage when it first sees
it, then once every `every` seconds while it lasts, and once when the part is back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Outage:
    """A part seen down, by one process: since when, and when that was last logged (monotonic
    seconds)."""

    since: float
    logged_at: float


class Note(enum.Enum):
    DOWN = "down"
    STILL_DOWN = "still down"
    BACK = "back"


def follow(
    outage: Outage | None, *, ok: bool, now: float, every: float
) -> tuple[Outage | None, Note | None]:
    """After one check of a part (`ok` or not) at `now`: its outage (None while it is up) and
    what to log, if anything."""
    if ok:
        return None, (Note.BACK if outage is not None else None)
    if outage is None:
        return Outage(since=now, logged_at=now), Note.DOWN
    if now - outage.logged_at >= every:
        return replace(outage, logged_at=now), Note.STILL_DOWN
    return outage, None
