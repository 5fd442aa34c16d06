"""What text PostgreSQL can store, with no Django import: the event store (stream ids, event JSON)
and the pure answer checking share it, so both refuse the same input with their own clear error."""

from __future__ import annotations


def is_valid_unicode(text: str) -> bool:
    """False when the text holds a lone surrogate (no UTF-8 encoding exists for it)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def is_storable(text: str) -> bool:
    """Valid Unicode without NUL characters (text columns and JSON refuse both)."""
    return "\x00" not in text and is_valid_unicode(text)
