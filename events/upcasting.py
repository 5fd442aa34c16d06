"""Upcasters: an event stored under an older schema_version is read in the current one. Register
fn(data) -> (data, new_schema_version) for a (type, schema_version); every read applies them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from events.records import RecordedEvent

Upcaster = Callable[[dict[str, Any]], tuple[dict[str, Any], int]]
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}
_UPCAST_TYPES: set[str] = set()


def upcaster(type: str, schema_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register fn(data) -> (data, new_schema_version) for events of (type, schema_version)."""

    def register(fn: Upcaster) -> Upcaster:
        key = (type, schema_version)
        if key in _UPCASTERS and _UPCASTERS[key] is not fn:
            raise ValueError(f"an upcaster for {type} v{schema_version} is already registered")
        _UPCASTERS[key] = fn
        _UPCAST_TYPES.add(type)
        return fn

    return register


def _upcast(event: RecordedEvent) -> RecordedEvent:
    data, version = event.data, event.schema_version
    while (fn := _UPCASTERS.get((event.type, version))) is not None:
        data, new_version = fn(data)
        if new_version <= version:
            raise ValueError(f"upcaster for {event.type} v{version} must raise the version")
        version = new_version
    if version == event.schema_version:
        return event
    return replace(event, data=data, schema_version=version)


def upcast_all(events: list[RecordedEvent]) -> list[RecordedEvent]:
    if not _UPCAST_TYPES:
        return events
    return [_upcast(e) if e.type in _UPCAST_TYPES else e for e in events]
