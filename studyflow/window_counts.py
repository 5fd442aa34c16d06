"""Counting in fixed windows in Django's cache, for the limits on failed log-ins
(studyflow.login_guard) and on quiz commands (quiz.command_guard); the arithmetic of the windows
is pure, in studyflow.login_limits.

A count is the cache's atomic increment of one key per name and window, so parallel requests
never both slip through on a read-then-write. The cache is each process's memory by default and
a shared Redis with CACHE_URL. If it is down, nothing is held back (and it is logged): refusing
everybody would be worse.
"""

from __future__ import annotations

import logging
import time
from time import monotonic

from django.core.cache import cache

from studyflow.login_limits import Rate, held_back, window

logger = logging.getLogger(__name__)

# While the cache is down every count fails: its traceback once a minute (per process) shows it,
# one for every request would bury the rest of the log.
CACHE_DOWN_LOG_SECONDS = 60.0
_cache_down_logged_at: float | None = None


def window_key(name: str, index: int) -> str:
    return f"{name}:{index}"


def count(name: str, limit: Rate, *, now: float | None = None, what: str = "requests") -> int:
    """Count one more for `name` in the window of `limit` that `now` falls in: 0 while the window
    allows it, else the whole seconds until the window ends. `what` names the counted thing in
    the log when the cache cannot count."""
    index, left = window(time.time() if now is None else now, limit)
    key = window_key(name, index)
    try:
        cache.add(key, 0, timeout=left + 1)
        counted = cache.incr(key)
    except ValueError:  # the key expired between add and incr: the window has just ended
        return 0
    except Exception:
        _log_cache_down(what)
        return 0
    return left if held_back(counted, limit) else 0


def count_once(
    name: str, token: str, limit: Rate, *, now: float | None = None, what: str = "requests"
) -> int:
    """count(), but a `token` let through in this window counts nothing again: one request sent
    twice (a form double-clicked) is counted once. Only a token let through is remembered, and
    from the moment its count allowed it, so a held back one counts when tried again (a token can
    never carry an uncounted request past the limit), and a copy arriving while the first is
    still at work finds it. Copies that count at the very same moment may both count."""
    at = time.time() if now is None else now
    index, left = window(at, limit)
    let_through = f"{window_key(name, index)}:{token}"
    try:
        if cache.get(let_through) is not None:
            return 0
    except Exception:
        _log_cache_down(what)
        return 0
    wait = count(name, limit, now=at, what=what)
    if not wait:
        try:
            cache.set(let_through, 1, timeout=left + 1)
        except Exception:
            _log_cache_down(what)
    return wait


def take_back(name: str, limit: Rate, *, now: float | None = None, what: str = "requests") -> None:
    """Uncount one for `name` in the window `now` falls in (a counted try that turned out fine)."""
    index, _ = window(time.time() if now is None else now, limit)
    try:
        cache.decr(window_key(name, index))
    except ValueError:
        pass  # already gone with its window
    except Exception:
        _log_cache_down(what)


def _log_cache_down(what: str) -> None:
    global _cache_down_logged_at
    now = monotonic()
    if _cache_down_logged_at is not None and now - _cache_down_logged_at < CACHE_DOWN_LOG_SECONDS:
        return
    _cache_down_logged_at = now
    logger.exception(
        "Counting %s is not possible; they go on unlimited (logged once a minute while it lasts)",
        what,
    )
