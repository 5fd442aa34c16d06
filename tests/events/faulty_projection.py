"""A projection whose handler raises on one configurable event, for the failure tests. Tests
register it for a while; worker processes load `faulty_projection_plugin` (PROJECTION_MODULES).
The fault lives in a table, so a test can remove it while workers run: "deploying the fix"."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from events.projections import Projection
from events.store import RecordedEvent
from reporting.projections.answers import OUTCOMES

NAME = "test_faulty"


def create_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS test_fault_seen (position bigint PRIMARY KEY)")
        cursor.execute("CREATE TABLE IF NOT EXISTS test_fault_at (position bigint)")
        cursor.execute("DELETE FROM test_fault_seen")
        cursor.execute("DELETE FROM test_fault_at")


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_fault_seen, test_fault_at")


def set_fault(position: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM test_fault_at")
        if position is not None:
            cursor.execute("INSERT INTO test_fault_at (position) VALUES (%s)", [position])


def seen_positions() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT position FROM test_fault_seen ORDER BY position")
        return [row[0] for row in cursor.fetchall()]


def apply(events: Sequence[RecordedEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT position FROM test_fault_at")
        faults = {row[0] for row in cursor.fetchall()}
        for event in events:
            if event.position in faults:
                raise RuntimeError(f"cannot project event {event.position}")
            cursor.execute("INSERT INTO test_fault_seen (position) VALUES (%s)", [event.position])


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM test_fault_seen")


faulty = Projection(name=NAME, event_types=frozenset(OUTCOMES), apply=apply, reset=reset)
