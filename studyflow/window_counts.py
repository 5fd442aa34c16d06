"""Counting in fixed windows in Django's cache, for the limits on failed log-ins
(studyflow.login_guard) and on quiz commands (quiz.command_guard); the arithmetic of the windows
is pure, in studyflow.login_limits.

A count is the cache's atomic increment of one key per name and window, so parallel requests
never both slip through on a read-then-write. The cache is each process's memory by default and
a shared Redis with CACHE_URL. If it is down, nothing is held back (and it is logged, as the
health check logs an outage: when first met, once a minute while it lasts, once when it is
over): refusing everybody would be worse. After a call to it fails, this process counts nothing
for CACHE_PAUSE_SECONDS without asking it (studyflow.pauses): a cache that hangs costs a call
its whole timeout, and every quiz command and log-in would wait for it. The health check keeps
the same pause (studyflow.api.cache_state), and its failed probe starts it too.

In Redis the increment and the key's expiry are one script (COUNT_SCRIPT): Django's incr is an
EXISTS then an INCR, and a key that expired between the two (a request stalled at the end of
its key's life, a web process whose clock is behind) came back as a bare INCR's, without a TTL,
and stayed in Redis for good; a process dying between a separate INCR and EXPIRE would leave the
same. (The limit itself moved on: the next window counts in a key of its own.) Such keys left by
an earlier release are never counted again, so nothing here expires them: UPGRADING says how to
find and delete them. Counting a request once (count_once) is one script too (COUNT_ONCE_SCRIPT),
one round trip like any count.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from studyflow.login_limits import Rate, held_back, window
from studyflow.outages import Note, Outage, follow
from studyflow.pauses import Pause

logger = logging.getLogger(__name__)

# While the cache is down every count fails: its traceback once a minute (per process) shows it,
# one for every request would bury the rest of the log.
CACHE_DOWN_LOG_SECONDS = 60.0
# After a call to the cache failed, it is not asked for this long. A cache that hangs costs the
# request that asks it one timeout (1 s, settings.CACHES): a process then waits for it 1 s in 6
# at most, where every quiz command waited 1 s and every log-in more. And a cache that is back
# holds the limits again within 5 s, in which an account at the default 120 commands a minute
# sends 10 more. As long as the broker's pause (events.nudges).
CACHE_PAUSE_SECONDS = 5.0
# Everything counted here, all of it unlimited while the cache is down, whichever count met it.
LIMITED = "failed log-ins and quiz commands"


class CacheOutage:
    """This process's outage of the cache the counts are in, its pause (while it is on, nothing
    asks the cache) and its log (studyflow.outages decides what to log); on `clock`, monotonic
    seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.outage: Outage | None = None
        self.lock = threading.Lock()  # threaded web processes count side by side
        self.pause = Pause(CACHE_PAUSE_SECONDS, clock)

    def paused(self) -> bool:
        """Whether to count nothing now, without asking the cache (it failed a moment ago)."""
        return self.pause.on()

    def failed(self, what: str) -> None:
        """Counting `what` failed: called while handling the cache's error, whose traceback a
        line logged gets."""
        self.pause.start()
        now = self.clock()
        with self.lock:
            self.outage, note = follow(self.outage, ok=False, now=now, every=CACHE_DOWN_LOG_SECONDS)
            since = self.outage.since if self.outage is not None else now
        if note is Note.DOWN:
            logger.exception(
                "Counting %s is not possible (the cache failed counting %s): they go on "
                "unlimited; this process asks the cache again %.0f s after each failure "
                "(logged again once a minute while it lasts)",
                LIMITED,
                what,
                CACHE_PAUSE_SECONDS,
            )
        elif note is Note.STILL_DOWN:
            logger.exception(
                "Counting %s is still not possible, for %.0f s now", LIMITED, now - since
            )

    def probe_failed(self) -> None:
        """The health check's call to the cache failed: the same pause as after a count's, so
        that neither its next probes nor the counts wait for a cache that hangs (the health check
        logs the outage itself)."""
        self.pause.start()

    def worked(self) -> None:
        if self.outage is None:  # the usual case, without the lock: up, and up before
            return
        now = self.clock()
        with self.lock:
            before = self.outage
            self.outage, note = follow(before, ok=True, now=now, every=CACHE_DOWN_LOG_SECONDS)
        if note is Note.BACK and before is not None:
            # At the outage's own level, so that a log kept to errors shows its end too.
            logger.error(
                "Counting is possible again, after %.0f s: the limits hold again",
                now - before.since,
            )


cache_outage = CacheOutage()


def window_key(name: str, index: int) -> str:
    return f"{name}:{index}"


def count(name: str, limit: Rate, *, now: float | None = None, what: str = "requests") -> int:
    """Count one more for `name` in the window of `limit` that `now` falls in: 0 while the window
    allows it, else the whole seconds until the window ends. `what` names the counted thing in
    the log when the cache cannot count."""
    if cache_outage.paused():
        return 0
    index, left = window(time.time() if now is None else now, limit)
    key = window_key(name, index)
    try:
        counted = _add_one(key, lifetime=left + 1)
    except ValueError:  # (in memory) the key expired between add and incr: the window ended
        return 0
    except Exception:
        cache_outage.failed(what)
        return 0
    cache_outage.worked()
    return left if held_back(counted, limit) else 0


def count_once(
    name: str,
    token: str,
    limit: Rate,
    *,
    now: float | None = None,
    what: str = "requests",
    sent_before: Callable[[], bool] | None = None,
) -> int:
    """count(), but a `token` let through in this window counts nothing again: one request sent
    twice (a form double-clicked, a client's retry) is counted once. Only a token let through is
    remembered, and from the moment its count allowed it, so a held back one counts when tried
    again (a token can never carry an uncounted request past the limit), and a copy arriving
    while the first is still at work finds it. In Redis the look, the count and the remembering
    are one step; in each process's memory, copies counted at the very same moment may both
    count.

    `sent_before`, asked only of a token the count holds back, says whether its request was let
    through before this window (what it left behind shows it): that token is let through again,
    and remembered for the rest of the window. Its count, past the limit already, holds back
    nothing that was not held back anyway."""
    if cache_outage.paused():
        return 0
    index, left = window(time.time() if now is None else now, limit)
    key = window_key(name, index)
    let_through = f"{key}:{token}"
    try:
        counted = _add_one_once(key, let_through, limit, lifetime=left + 1)
    except ValueError:  # (in memory) the key expired between add and incr: the window ended
        return 0
    except Exception:
        cache_outage.failed(what)
        return 0
    cache_outage.worked()
    if counted is None or not held_back(counted, limit):
        return 0
    if sent_before is None or not sent_before():
        return left
    if cache_outage.paused():  # (another count failed while the database was asked)
        return 0
    try:
        cache.set(let_through, 1, timeout=left + 1)
    except Exception:
        cache_outage.failed(what)
    return 0


def take_back(name: str, limit: Rate, *, now: float | None = None, what: str = "requests") -> None:
    """Uncount one for `name` in the window `now` falls in (a counted try that turned out fine)."""
    if cache_outage.paused():
        return
    index, _ = window(time.time() if now is None else now, limit)
    try:
        _take_one(window_key(name, index))
    except ValueError:
        pass  # already gone with its window
    except Exception:
        cache_outage.failed(what)
    else:
        cache_outage.worked()


# KEYS[1]: the count's key; ARGV[1]: its lifetime in seconds. TTL is -1 for a key without one:
# a new key (INCR makes it) or one left without one before.
COUNT_SCRIPT = """
local counted = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) == -1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return counted
"""
# KEYS[2]: a token's key, set when the count lets its request through; ARGV[2]: how many the
# window allows. -1: the token was let through already, and nothing is counted.
COUNT_ONCE_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then
    return -1
end
local counted = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) == -1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
if counted <= tonumber(ARGV[2]) then
    redis.call('SET', KEYS[2], 1, 'EX', ARGV[1])
end
return counted
"""
# A key gone with its window stays gone (a DECR would make it anew, at -1 and without a TTL).
TAKE_BACK_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
    return false
end
return redis.call('DECR', KEYS[1])
"""


def _add_one(key: str, *, lifetime: int) -> int:
    """One more in `key`, which lives `lifetime` seconds from its first count: the count."""
    if isinstance(caches["default"], RedisCache):
        return int(_run_in_redis(COUNT_SCRIPT, [key], lifetime))
    # Each process's memory (locmem): add and incr each hold its lock, and incr keeps add's expiry.
    cache.add(key, 0, timeout=lifetime)
    return int(cache.incr(key))


def _add_one_once(key: str, let_through: str, limit: Rate, *, lifetime: int) -> int | None:
    """_add_one(), unless `let_through` is there (None then); the token is set when the count
    allows its request, for as long as `key` lives."""
    if isinstance(caches["default"], RedisCache):
        counted = int(_run_in_redis(COUNT_ONCE_SCRIPT, [key, let_through], lifetime, limit.allowed))
        return None if counted == -1 else counted
    if cache.get(let_through) is not None:
        return None
    counted = _add_one(key, lifetime=lifetime)
    if not held_back(counted, limit):
        cache.set(let_through, 1, timeout=lifetime)
    return counted


def _take_one(key: str) -> None:
    if isinstance(caches["default"], RedisCache):
        _run_in_redis(TAKE_BACK_SCRIPT, [key])
    else:
        cache.decr(key)


def _run_in_redis(script: str, keys: list[str], *args: int) -> Any:
    """Run a script on `keys` of Django's Redis cache (its prefix and version, its connections):
    Django's cache itself has no atomic increment-with-expiry. Every write goes to the cache's
    first server, so the keys of one script are always on one server."""
    redis_cache = caches["default"]
    full_keys = [redis_cache.make_and_validate_key(key) for key in keys]
    # RedisCache._cache is Django's client of the cache's servers (not in django-stubs).
    client = redis_cache._cache.get_client(full_keys[0], write=True)  # type: ignore[attr-defined]
    return client.eval(script, len(full_keys), *full_keys, *args)
