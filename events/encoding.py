"""The event store's pure parts: checking and encoding what an append is given, decoding what a
read gets back, and read_all's cursors. No database: `events.appending` and `events.reading` run
the statements."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import orjson

from events.records import (
    ANY,
    MAX_STREAM_ID_LENGTH,
    MAX_TYPE_LENGTH,
    NO_STREAM,
    TYPE_PATTERN,
    ExpectedVersion,
    InvalidCursor,
    InvalidEvent,
    NewEvent,
)
from events.text import is_storable, is_valid_unicode

_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # PostgreSQL's jsonb refuses \u0000
MAX_BIGINT: Final = 2**63 - 1


class Prepared(NamedTuple):  # internal; a tuple builds faster than a frozen dataclass
    type: str
    schema_version: int
    event_id: uuid.UUID
    data: dict[str, Any]  # as JSON gives it back (what readers will see)
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Batch:
    events: list[Prepared]
    payload: str  # one JSON array [{"t", "v", "i", "d", "m"}, ...]: one parameter, one parse


_VALID_TYPES: set[str] = set()  # types that passed the pattern: skip the regex next time


def dump(value: object, what: str) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise InvalidEvent(f"{what} is not JSON-serialisable: {error}") from error
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        raise InvalidEvent(f"{what} contains a NUL character, which JSON storage refuses")
    if not is_valid_unicode(text):
        raise InvalidEvent(f"{what} contains a lone surrogate, which is not valid Unicode text")
    return text


def validate_stream_id(stream_id: object) -> str:
    if not isinstance(stream_id, str) or not stream_id.strip():
        raise InvalidEvent(f"stream id must be a non-empty string, not {stream_id!r}")
    if len(stream_id) > MAX_STREAM_ID_LENGTH:
        raise InvalidEvent(f"stream id is longer than {MAX_STREAM_ID_LENGTH} characters")
    if not is_storable(stream_id):
        raise InvalidEvent("stream id must be valid text without NUL characters")
    return stream_id


def check_type(event_type: object) -> None:
    if isinstance(event_type, str) and event_type in _VALID_TYPES:
        return
    if (
        not isinstance(event_type, str)
        or len(event_type) > MAX_TYPE_LENGTH
        or not TYPE_PATTERN.match(event_type)
    ):
        raise InvalidEvent(
            f"event type {event_type!r} is not of the form app.PastTenseName "
            "(e.g. quiz.QuestionAnsweredCorrectly)"
        )
    _VALID_TYPES.add(event_type)


def prepare(stream_id: str, events: Sequence[NewEvent], expected: object) -> Batch:
    validate_stream_id(stream_id)
    if not (
        expected in (NO_STREAM, ANY)
        or (isinstance(expected, int) and not isinstance(expected, bool) and expected >= 0)
    ):
        raise InvalidEvent(
            f"expected_version must be a version >= 0, NO_STREAM or ANY, not {expected!r}"
        )
    if isinstance(events, NewEvent) or not events:
        raise InvalidEvent("append needs a non-empty sequence of NewEvent")
    docs: list[dict[str, Any]] = []
    ids: list[uuid.UUID] = []
    events = events if isinstance(events, list | tuple) else list(events)
    # Random (version 4) ids for the events without one, from one read of the OS's randomness.
    randomness = b""
    for index, event in enumerate(events):
        if not isinstance(event, NewEvent):
            raise InvalidEvent(f"event {index} is a {type(event).__name__}, not a NewEvent")
        check_type(event.type)
        sv = event.schema_version
        if not isinstance(sv, int) or isinstance(sv, bool) or not 1 <= sv <= 32767:
            raise InvalidEvent(f"schema_version must be an int from 1, not {sv!r}")
        event_id = event.event_id
        if event_id is None:
            randomness = randomness or os.urandom(16 * len(events))
            event_id = uuid.UUID(bytes=randomness[16 * index : 16 * index + 16], version=4)
        if not isinstance(event_id, uuid.UUID):
            raise InvalidEvent(f"event_id must be a uuid.UUID, not {event_id!r}")
        metadata = {} if event.metadata is None else event.metadata
        for value, what in ((event.data, "data"), (metadata, "metadata")):
            if not isinstance(value, dict):
                raise InvalidEvent(f"{what} of {event.type} must be a dict, not {type(value)}")
        ids.append(event_id)
        docs.append({"t": event.type, "v": sv, "i": str(event_id), "d": event.data, "m": metadata})
    if len(set(ids)) != len(ids):
        raise InvalidEvent("the same event id appears twice in one append")
    payload, stored = encode(docs)
    prepared = [
        Prepared(doc["t"], doc["v"], event_id, doc["d"], doc["m"])
        for doc, event_id in zip(stored, ids, strict=True)
    ]
    return Batch(prepared, payload)


# Without a `default`, these make orjson refuse what it would otherwise encode its own way.
_PLAIN_VALUES_ONLY: Final = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def encode(docs: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The events as one JSON text (one parameter, one parse in the database), and that text parsed
    back: the returned events carry exactly what readers will see (str keys, lists).

    orjson encodes ~15 times faster than json.dumps, but it writes NaN as null, encodes values json
    refuses (UUIDs, enums) and reads a dict subclass's storage where json calls its items() (a
    QueryDict's lists, an OrderedDict's insertion order). Its text is used only for plain values:
    subclasses, datetimes and dataclasses are handed back to it as unknown, and the text must parse
    back to the docs. Otherwise (and for what orjson refuses: lone surrogates, integers beyond 64
    bits, non-str keys) the standard library's encoder decides, and names the culprit.
    """
    try:
        raw = orjson.dumps(docs, option=_PLAIN_VALUES_ONLY)
    except orjson.JSONEncodeError:
        pass
    else:
        if b"\\u0000" not in raw:  # a NUL, or text that looks like one: the precise check below
            stored = orjson.loads(raw)
            if stored == docs:
                return raw.decode(), stored
    try:
        payload = dump(docs, "the events")
    except InvalidEvent:
        for doc in docs:  # find the culprit for a precise message
            dump(doc["d"], f"data of {doc['t']}")
            dump(doc["m"], f"metadata of {doc['t']}")
        raise
    return payload, loads(payload)


def matches(expected: ExpectedVersion, actual: int) -> bool:
    if expected is ANY:
        return True
    if expected is NO_STREAM:
        return actual == 0
    return actual == expected


# --- cursors --------------------------------------------------------------------------------------

_START: Final = (0, 0)
_CURSOR_TEXT: Final = re.compile(r"[A-Za-z0-9_-]+")


def encode_cursor(transaction_id: int, position: int) -> str:
    return base64.urlsafe_b64encode(f"{transaction_id}:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, int]:
    if cursor is None:
        return _START
    if not isinstance(cursor, str) or len(cursor) > 64 or not _CURSOR_TEXT.fullmatch(cursor):
        raise InvalidCursor(f"not a read_all cursor: {cursor!r}")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        t_text, p_text = raw.split(":")
        t, p = int(t_text), int(p_text)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(f"not a read_all cursor: {cursor!r}") from error
    if not (0 <= t <= MAX_BIGINT and 0 <= p <= MAX_BIGINT) or raw != f"{t}:{p}":
        raise InvalidCursor(f"not a read_all cursor: {cursor!r}")
    return t, p


# --- reading JSON back ----------------------------------------------------------------------------

# orjson parses JSON several times faster than the standard library, and exactly like it except
# for integers beyond 64 bits (it turns them into floats) and inputs it refuses (lone surrogates,
# numbers out of float range): a document with a run of 19 digits, or one orjson refuses, goes
# through json.loads, so every document decodes exactly as json.loads decodes it. (translate +
# find is C-speed; a regex search costs more than the parse.)
_DIGITS_TO_ZERO: Final = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER: Final = b"0" * 19


def loads(text: str | bytes | memoryview) -> Any:
    try:
        raw = text.encode() if isinstance(text, str) else bytes(text)
    except UnicodeEncodeError:
        raw = None
    if raw is not None and raw.translate(_DIGITS_TO_ZERO).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text if isinstance(text, str) else bytes(text))


_PARSE_AT_ONCE: Final = 1000  # documents per JSON array: bounds the joined copies of a big page


def loads_all(texts: list[str]) -> list[Any]:
    """[loads(text) for text in texts], parsed as JSON arrays of up to _PARSE_AT_ONCE documents
    (each text is one JSON value, as PostgreSQL writes jsonb): a Python call per document (the
    loader's frame, the copy, the checks) cost several times the parse itself. loads decides
    per array, so a long number sends only its array the exact way."""
    return [
        value
        for start in range(0, len(texts), _PARSE_AT_ONCE)
        for value in loads("[" + ",".join(texts[start : start + _PARSE_AT_ONCE]) + "]")
    ]
