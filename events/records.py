"""The event store's vocabulary: what an append takes and a read returns, and what either raises.
Plain data, no database: `events.store` is the interface that uses it (and re-exports it)."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import models


class Expect(enum.Enum):
    NO_STREAM = "no stream"
    ANY = "any"

    def __repr__(self) -> str:
        return self.name


NO_STREAM: Final = Expect.NO_STREAM  # the stream must have no events (same as expected_version=0)
ANY: Final = Expect.ANY  # append whatever the stream's version

ExpectedVersion = int | Expect

MAX_STREAM_ID_LENGTH: Final = 200
MAX_TYPE_LENGTH: Final = 200
TYPE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]*\.[A-Z][A-Za-z0-9]*$")


@dataclass(frozen=True, slots=True)
class NewEvent:
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any] | None = None
    event_id: uuid.UUID | None = None  # None: a new random id; derive it (uuid5) for idempotency
    schema_version: int = 1


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    position: int
    stream_id: str
    version: int
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: dict[str, Any]
    event_id: uuid.UUID
    recorded_at: datetime
    transaction_id: int


@dataclass(frozen=True, slots=True)
class Page:
    events: list[RecordedEvent]
    cursor: str  # opaque; pass back as read_all(after=...)


class WrongExpectedVersion(Exception):
    def __init__(self, stream_id: str, expected: ExpectedVersion, actual: int) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"stream {stream_id!r}: expected version {expected!r}, but it is at version {actual}"
        )


@dataclass(frozen=True, slots=True)
class Absent:
    """A precondition of `append`: no row of `model` has `field` equal to `value` (not None).

    The append's own statement checks it (on PostgreSQL no extra round trip), so a caller can make
    an append depend on a row it keeps elsewhere, e.g. that the command being applied has no
    recorded outcome yet. `field` is a column of the model's own table, best unique or indexed.
    On PostgreSQL the check sees the rows committed when the statement starts: it neither waits
    for nor excludes a concurrent transaction that inserts such a row (no lock).
    """

    model: type[models.Model]
    field: str
    value: object


class PreconditionFailed(Exception):
    """The append's precondition did not hold (the row exists); nothing was stored."""

    def __init__(self, stream_id: str, precondition: Absent) -> None:
        self.stream_id = stream_id
        self.precondition = precondition
        meta = precondition.model._meta
        super().__init__(
            f"stream {stream_id!r}: not appended, {meta.label} has a row with "
            f"{precondition.field}={precondition.value!r}"
        )


class EventIdReused(Exception):
    """An event id that is already stored, for other content, another stream or another order."""


class InvalidEvent(ValueError):
    """Bad input to append; raised before anything is written."""


class InvalidCursor(ValueError):
    """A read_all cursor that this store did not hand out."""


class AppendOrderError(Exception):
    """The append would break commit-safe order (PostgreSQL).

    Either the transaction wrote something else before its first append, or it appends to a stream
    that another, later transaction appended to in the meantime. Retry in a new transaction.
    """
