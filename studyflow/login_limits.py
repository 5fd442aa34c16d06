"""Failed log-ins are limited per account and address, on every way in: the log-in page, the
admin's and `POST /api/auth/token/`.

A school's pupils reach us from one address (the school's router), all at the start of a lesson:
a limit on every log-in per address, which is what a plain rate throttle does, locks a class out.
Guessing a password takes many failed tries at one account, or at many accounts from one address;
only failures count, and a successful log-in never uses up anybody's allowance. While an account is
held back from an address even its right password is refused, or guessing could go on.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError

# An address may fail this many times the allowance of one account, over all accounts: a class
# mistyping passwords stays far below it, a password sprayer does not.
ADDRESS_FACTOR = 10
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}
_UNITS |= {"hour": 3600, "d": 86_400, "day": 86_400}


@dataclass(frozen=True)
class Rate:
    failures: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """'10/min' -> Rate(10, 60); units s, min, hour, day (or their first letter)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([a-z]+)\s*", text.lower())
    if not match or match.group(2) not in _UNITS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"LOGIN_THROTTLE_RATE must look like 10/min (per s, min, hour or day), not {text!r}"
        )
    return Rate(int(match.group(1)), _UNITS[match.group(2)])


def rate() -> Rate:
    return parse_rate(settings.LOGIN_THROTTLE_RATE)


def _keys(address: str, username: str) -> list[tuple[str, int]]:
    """The cache keys that count a failure, with the failures each allows per window."""
    allowed = rate().failures

    def key(*parts: str) -> str:  # hashed: any username makes a valid cache key
        return "login-failures:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()

    return [
        (key("account", address, username.casefold()), allowed),
        (key("address", address), allowed * ADDRESS_FACTOR),
    ]


def _recent(key: str, now: float, window: int) -> list[float]:
    return [at for at in cache.get(key, []) if at > now - window]


def wait_seconds(address: str, username: str, now: float | None = None) -> int:
    """0 when this account may try to log in from this address now, else the seconds to wait."""
    now = time.time() if now is None else now
    window = rate().seconds
    waits = [0]
    for key, allowed in _keys(address, username):
        recent = _recent(key, now, window)
        if len(recent) >= allowed:
            waits.append(max(1, math.ceil(recent[-allowed] + window - now)))
    return max(waits)


def record_failure(address: str, username: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    window = rate().seconds
    for key, allowed in _keys(address, username):
        cache.set(key, [*_recent(key, now, window), now][-allowed:], window)


def client_address(request: Any) -> str:
    """The peer's address. Not X-Forwarded-For: a client could write any address there."""
    return str(getattr(request, "META", {}).get("REMOTE_ADDR") or "unknown")


def wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds" if seconds != 1 else "1 second"
    return f"{math.ceil(seconds / 60)} minutes"


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing an account that failed too often from this address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": (
            "Too many failed log-ins for this account. Wait %(wait)s, then try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        address = client_address(self.request)
        username = str(self.cleaned_data.get("username") or "")
        wait = wait_seconds(address, username)
        if wait:
            raise ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"wait": wait_text(wait)},
            )
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                record_failure(address, username)
            raise


class LimitedAdminAuthenticationForm(LimitedAuthenticationForm, AdminAuthenticationForm):
    pass
