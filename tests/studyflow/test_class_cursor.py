"""The class list's cursor (studyflow.class_cursor): a key read back as written, anything else
refused. Pure: no database."""

from __future__ import annotations

import base64

import pytest

from studyflow.class_cursor import (
    MAX_ID,
    MAX_LENGTH,
    ClassKey,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
)


def spelt(text: str) -> str:
    """`text` in the cursor's base64, as a forger would write it."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        ClassKey("Test School", "2A", 1),
        ClassKey("Škola „Ana“", "二年 \U0001f600", 42),  # beyond ASCII
        ClassKey('A "quoted", \\ school', "2,A:", MAX_ID),  # JSON's own characters
        ClassKey("S" * 200, "c" * 100, 7),  # the longest names the models take
        ClassKey("\x01" * 200, "\x01" * 100, MAX_ID),  # each character as a 6-byte escape
    ],
)
def test_a_cursor_reads_back_as_the_key_it_was_written_from(key: ClassKey) -> None:
    # given a class's key, when it is written as a cursor
    cursor = encode_cursor(key)
    # then the cursor is URL-safe text within the length read back, and reads back as the key
    assert cursor.isascii() and "=" not in cursor and "+" not in cursor and "/" not in cursor
    assert len(cursor) <= MAX_LENGTH
    assert decode_cursor(cursor) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "0",  # the quiz list's and the event log's cursors are other texts
        "not a cursor",
        "WyJhIiwiYiIsMV0=",  # ours, with base64's padding
        spelt('["a", "b", 1]'),  # the same key spelt with spaces
        spelt('["\\u0061","b",1]'),  # or with an escape
        spelt('["a","b",0]'),  # no class has id 0
        spelt(f'["a","b",{MAX_ID + 1}]'),
        spelt('["a","b",true]'),
        spelt('["a","b","1"]'),
        spelt('["a","b",1.0]'),
        spelt('["a","b"]'),
        spelt('["a","b",1,2]'),
        spelt('{"a":1,"b":2,"c":3}'),
        spelt("abc"),
        spelt('["a","\\u0000",1]'),  # PostgreSQL keeps no NUL in a name
        spelt('["\\ud800","b",1]'),  # a lone surrogate: no text at all
        spelt("[" * 2000),  # nested past Python's recursion limit
        base64.urlsafe_b64encode(b'["\xff","b",1]').decode().rstrip("="),  # not UTF-8
        encode_cursor(ClassKey("a", "b", 1)) + "A",
        encode_cursor(ClassKey("a" * 3100, "b", 1)),  # longer than any class's cursor
    ],
)
def test_a_cursor_not_written_here_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)
