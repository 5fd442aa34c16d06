"""Where a page of the class list ends: the cursor `GET /api/classes/` hands out in its `Link`.

Pure (no Django, no database). The list is ordered by school name, class name and id; a page
goes on after the last class of the page before, by the values it was sorted by, not by its
place in the list: a class added or removed meanwhile neither moves a page's end nor makes a
class of the pages after it come twice or not at all. The id breaks ties, so two classes never
sort alike. (A class renamed or moved to another school between two pages may be met twice or
not at all: its place in the order is what changed.)

A cursor is opaque to clients: the key as compact JSON, in URL-safe base64 without padding. Only
a cursor this module wrote is read back: any other text, a different spelling of the same key
included, raises InvalidCursor.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import NamedTuple

MAX_ID = 2**63 - 1
# Far above the longest cursor a class can have (a school name of 200 characters and a class
# name of 100, each character at most 6 bytes of JSON, in base64), and short enough to refuse
# a query string stuffed with text before decoding it.
MAX_LENGTH = 4096
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_-]+")


class InvalidCursor(ValueError):
    """A class list cursor that this module did not write."""


class ClassKey(NamedTuple):
    """A class's place in the class list: what it is sorted by."""

    school: str
    name: str
    id: int


def encode_cursor(key: ClassKey) -> str:
    text = json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> ClassKey:
    """The key `cursor` was written from; InvalidCursor for anything encode_cursor never wrote."""
    if len(cursor) > MAX_LENGTH or not _CURSOR_TEXT.fullmatch(cursor):
        raise InvalidCursor(f"not a class list cursor: {cursor[:100]!r}")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        school, name, id_ = json.loads(raw)
        # (type, not isinstance: JSON's true is a bool, which isinstance takes for an int.)
        ours = isinstance(school, str) and isinstance(name, str) and type(id_) is int
        key = ClassKey(school, name, id_)
        # One spelling per key: the same key in other JSON (spaces, escapes) or base64 is not
        # ours. (A lone surrogate, escaped, cannot be written back: a UnicodeEncodeError.)
        ours = ours and 1 <= id_ <= MAX_ID and encode_cursor(key) == cursor
    # JSON's and UTF-8's errors are ValueErrors; a list nested a thousand deep is a RecursionError.
    except (ValueError, TypeError, binascii.Error, RecursionError) as error:
        raise InvalidCursor(f"not a class list cursor: {cursor[:100]!r}") from error
    # No name in PostgreSQL holds a NUL, and a query naming one fails there.
    if not ours or "\x00" in school or "\x00" in name:
        raise InvalidCursor(f"not a class list cursor: {cursor[:100]!r}")
    return key
