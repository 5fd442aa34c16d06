"""How streams are split into partitions, with no Django import: the store keeps `stream_hash` in
`events_event.stream_hash` (and `read_all(partition=(k, n))` filters on that column in SQL), while a
projection splits the events it has already read in Python (`Projection.split`). Both must put a
stream in the same partition, so this is the one definition of the hash."""

from __future__ import annotations

import zlib


def stream_hash(stream_id: str) -> int:
    """crc32 of the stream id's UTF-8 bytes: 0 to 2**32 - 1, stored as a bigint, so the column's
    `stream_hash % n` in SQL equals `stream_hash(stream_id) % n` here."""
    return zlib.crc32(stream_id.encode("utf-8"))


def stream_partition(stream_id: str, partitions: int) -> int:
    """The partition of a stream: the k of the `read_all(partition=(k, partitions))` holding it."""
    return stream_hash(stream_id) % partitions
