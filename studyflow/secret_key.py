"""What makes a SECRET_KEY unfit for a site with DEBUG off, as pure functions the settings call.

The key signs sessions, password reset links and CSRF tokens: one that can be guessed lets anyone
forge them. The rule is Django's own deploy check's (`manage.py check --deploy`, security.W009),
made a refusal to start: a warning nobody runs the check for protects nobody.
"""

from __future__ import annotations

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# How the refusals (and the README) say to make a key: 67 random URL-safe characters.
HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'


def is_empty(key: str) -> bool:
    """`SECRET_KEY=` (or only spaces): an unresolved variable in an env file, never meant."""
    return not key.strip()


def weakness(key: str) -> str | None:
    """Why `key` is too weak for production, in a few words; None when Django's check passes."""
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r}, as Django's generated ones do"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {_characters(len(key))}, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"it has {_characters(len(set(key)), 'different ')}, "
            f"fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS}"
        )
    return None


def _characters(count: int, kind: str = "") -> str:
    return f"{count} {kind}character{'' if count == 1 else 's'}"
