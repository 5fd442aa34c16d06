"""What the health check answers, from the states of the parts it checked: pure.

The shell (studyflow.api.HealthApi) checks each part; here is only what follows from their states:
the status code a load balancer acts on, and one line for each part not ok saying what an
operator does about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from events.selectors import NEW, REBUILD_PENDING, pending_note

# "dev": the static files are served from the apps' folders as they are (DEBUG on), with no
# manifest that could lack one. "stale": the manifest names every file, but some as another
# release collected them (studyflow.static_manifest).
STATIC_STATES = ["ok", "missing", "stale", "dev"]
COLLECT = "run `manage.py collectstatic --noinput`, then restart the web processes"
# "unknown": the database, where the sweep records its runs, is down.
SWEEP_STATES = ["ok", "late", "unknown"]
# Late after ten sweeps missed, and never under half a minute: a worker busy for a moment, or
# restarted, is not an alarm.
SWEEP_LATE_MIN_SECONDS = 30.0
SWEEP_LATE_PERIODS = 10
PING = "`celery -A studyflow inspect ping` answers for each worker; beat runs once"


def sweep_late_after(every: float) -> float:
    """Seconds without a sweep, beat sweeping every `every` seconds, after which it is late."""
    return max(SWEEP_LATE_MIN_SECONDS, SWEEP_LATE_PERIODS * every)


@dataclass(frozen=True)
class Sweep:
    status: str  # SWEEP_STATES
    last_ran_seconds_ago: int | None  # None: never, or unknown


def sweep(seconds_ago: float | None, every: float) -> Sweep:
    """The sweep last run `seconds_ago` (None: never), beat sweeping every `every` seconds: "ok",
    or "late" when no worker ran it for too long (or ever)."""
    if seconds_ago is None:
        return Sweep("late", None)
    late = seconds_ago > sweep_late_after(every)
    return Sweep("late" if late else "ok", round(seconds_ago))


@dataclass(frozen=True)
class Parts:
    """The states of the parts the health check checked."""

    database: str  # ok | down
    broker: str  # ok | down
    cache: str  # ok | down | local
    static: str  # STATIC_STATES
    sweep: Sweep
    static_why: str = ""  # what the manifest lacks, or names of another release
    # One a projection partition: name, partition, status, version, rows_version (the health
    # check's "projections").
    projections: Sequence[Mapping[str, Any]] = ()


def unusable(parts: Parts) -> bool:
    """Whether the site is down for its users (503, which takes the process out of a load
    balancer): without the database nothing works, and without the static manifest every page
    fails with a 500. A stale static manifest (the pages load another release's styles and
    scripts), a broker or cache outage, or reports running late, failed or pending a rebuild, or
    the workers or beat stopped (the sweep late), leave the pages working (200, with the part
    reported)."""
    return parts.database != "ok" or parts.static == "missing"


def problems(parts: Parts) -> list[str]:
    """One line for each part that is not ok: what it means, and what to do."""
    lines = []
    if parts.database != "ok":
        lines.append("database: down; pages and the API answer 503 (the web log says why)")
    if parts.static == "missing":
        lines.append(f"static: {parts.static_why or 'no manifest'}; {COLLECT}")
    if parts.static == "stale":
        lines.append(f"static: {parts.static_why or 'another release'}; {COLLECT}")
    if parts.broker != "ok":
        lines.append("broker: down; reports wait until it is back (the web log says why)")
    if parts.cache == "down":
        lines.append(
            "cache: down; the log-in and quiz command limits count nothing (the web log says why)"
        )
    if parts.sweep.status == "late":
        lines.append(sweep_problem(parts.sweep.last_ran_seconds_ago))
    return lines + projection_problems(parts.projections)


def sweep_problem(seconds_ago: int | None) -> str:
    when = "never ran" if seconds_ago is None else f"last ran {seconds_ago} s ago"
    return (
        f"sweep: {when}; without the workers and beat the reports stop (and a quiet night shows "
        f"no lag): {PING}"
    )


def projection_problems(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """A line for each projection that failed, waits for its rebuild, or is new with events to
    apply (one for all of its partitions): as the teachers' pages tell them the reports wait to be
    rebuilt. A new one with nothing to apply (a fresh site, an event type not used yet) is no
    problem: its empty reports are right."""
    lines: dict[str, str] = {}
    for row in rows:
        name = row["name"]
        if row["status"] == NEW and (row.get("lag_events") or 0) > 0:
            lines.setdefault(
                name,
                f"{name}: new, never run; its reports are empty until a worker running this "
                "release applies the event log to it",
            )
        elif row["status"] == REBUILD_PENDING:
            lines.setdefault(
                name,
                f"{name}: {pending_note(row['rows_version'], row['version'])}; its reports are "
                "the old version's until a worker running this release rebuilds it",
            )
        elif row["status"] == "failed":
            lines.setdefault(
                name, f"{name}: failed; it retries on its own (`manage.py projections status`)"
            )
    return list(lines.values())
