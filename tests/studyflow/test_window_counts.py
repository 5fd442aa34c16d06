"""The window counts in a shared Redis (CACHE_URL): every counted key expires with its window;
counting a request once, in Redis and in memory."""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import Any

import pytest
from django.core.cache import caches

from studyflow import window_counts
from studyflow.login_limits import Rate, window

T = 1_000_040.0  # 20 s into a minute: 40 s left in its window
RATE = Rate(10, 60)


def stored_key(name: str, now: float = T) -> str:
    """The Redis key that counts `name` in the window of `now` (with the cache's prefix)."""
    index, _ = window(now, RATE)
    return str(caches["default"].make_key(window_counts.window_key(name, index)))


def test_a_counted_key_expires_with_its_window(redis_server: Any) -> None:
    # given nothing counted yet, when one is counted 40 s before its window ends
    assert window_counts.count("anna", RATE, now=T) == 0
    # then its key is gone a second after the window
    assert 0 < redis_server.ttl(stored_key("anna")) <= 41
    assert int(redis_server.get(stored_key("anna"))) == 1


def test_counting_on_keeps_the_first_counts_expiry(redis_server: Any) -> None:
    window_counts.count("anna", RATE, now=T)
    redis_server.expire(stored_key("anna"), 30)  # as if counted 10 s ago
    window_counts.count("anna", RATE, now=T)
    assert 0 < redis_server.ttl(stored_key("anna")) <= 30
    assert int(redis_server.get(stored_key("anna"))) == 2


def test_a_key_left_without_a_ttl_gets_one_when_counted(redis_server: Any) -> None:
    # given a count that lost its expiry (a bare INCR after the key had expired, before this fix)
    redis_server.set(stored_key("anna"), 11)
    assert redis_server.ttl(stored_key("anna")) == -1
    # when it is counted again, then it is held back now, but only until its window is over
    assert window_counts.count("anna", RATE, now=T) == 40
    assert 0 < redis_server.ttl(stored_key("anna")) <= 41


def test_a_key_that_expires_while_it_is_counted_still_expires(redis_server: Any) -> None:
    """A key at the very end of its life, counted: whenever it expires between the steps of a
    count (a check that it is there, the increment, the expiry), the key counted has a TTL."""
    key = stored_key("anna")
    left_bare = 0
    for _ in range(400):
        redis_server.set(key, 1, px=1)  # expires in a millisecond: during the count, or before
        time.sleep(random.uniform(0.0003, 0.0015))
        window_counts.count("anna", RATE, now=T)
        if redis_server.ttl(key) == -1:
            left_bare += 1
        redis_server.delete(key)
    assert left_bare == 0


def test_taking_back_a_count_whose_window_has_gone_leaves_nothing(redis_server: Any) -> None:
    # given a count whose key has expired with its window
    window_counts.count("anna", RATE, now=T)
    redis_server.delete(stored_key("anna"))
    # when it is taken back, then no key is made (at -1, it would have no expiry)
    window_counts.take_back("anna", RATE, now=T)
    assert redis_server.exists(stored_key("anna")) == 0


def test_taking_back_a_count_keeps_its_expiry(redis_server: Any) -> None:
    window_counts.count("anna", RATE, now=T)
    window_counts.count("anna", RATE, now=T)
    window_counts.take_back("anna", RATE, now=T)
    assert int(redis_server.get(stored_key("anna"))) == 1
    assert 0 < redis_server.ttl(stored_key("anna")) <= 41


# --- counting a request once (count_once) -------------------------------------------------------


class Asked:
    """A `sent_before` that answers `answer` and keeps count of how often it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer, self.times = answer, 0

    def __call__(self) -> bool:
        self.times += 1
        return self.answer


def test_a_token_let_through_counts_once_a_window(counts_in: str) -> None:
    rate = Rate(2, 60)
    # given a token counted, then sent twice more in its window: one count
    assert [window_counts.count_once("anna", "a", rate, now=T) for _ in range(3)] == [0, 0, 0]
    # then one other fits, and the third is held back, every time it is tried (it is counted
    # each time: no token carries an uncounted request past the limit)
    assert window_counts.count_once("anna", "b", rate, now=T) == 0
    assert window_counts.count_once("anna", "c", rate, now=T) == 40
    assert window_counts.count_once("anna", "c", rate, now=T + 1) == 39
    # and the first two are still let through
    assert window_counts.count_once("anna", "a", rate, now=T + 2) == 0
    assert window_counts.count_once("anna", "b", rate, now=T + 2) == 0
    # and in the next window the first counts again
    assert window_counts.count_once("anna", "a", rate, now=T + 40) == 0
    assert window_counts.count_once("anna", "d", rate, now=T + 40) == 0
    assert window_counts.count_once("anna", "e", rate, now=T + 40) == 60


def test_a_token_held_back_that_was_sent_before_is_let_through_and_remembered(
    counts_in: str,
) -> None:
    rate = Rate(1, 60)
    assert window_counts.count_once("anna", "new", rate, now=T) == 0
    # given the window's count used up: a token sent before this window is let through again
    before, never = Asked(True), Asked(False)
    assert window_counts.count_once("anna", "old", rate, now=T, sent_before=before) == 0
    assert window_counts.count_once("anna", "fresh", rate, now=T, sent_before=never) == 40
    assert (before.times, never.times) == (1, 1)
    # and remembered for the rest of its window: not asked again; one never sent is, each time
    assert window_counts.count_once("anna", "old", rate, now=T + 1, sent_before=before) == 0
    assert window_counts.count_once("anna", "fresh", rate, now=T + 1, sent_before=never) == 39
    assert (before.times, never.times) == (1, 2)
    # and a token the count lets through is never asked about
    unasked = Asked(False)
    assert window_counts.count_once("anna", "old", rate, now=T + 60, sent_before=unasked) == 0
    assert unasked.times == 0


def test_in_redis_a_token_is_remembered_with_its_count_until_the_window_ends(
    redis_server: Any,
) -> None:
    assert window_counts.count_once("anna", "a", RATE, now=T) == 0
    token = f"{stored_key('anna')}:a"
    assert int(redis_server.get(stored_key("anna"))) == 1
    assert 0 < redis_server.ttl(token) <= 41 and 0 < redis_server.ttl(stored_key("anna")) <= 41


def test_in_redis_copies_counted_at_the_same_moment_count_once(redis_server: Any) -> None:
    """The look for the token, the count and the token's remembering are one step in Redis:
    twenty copies of one request arriving together (a client's retries on a slow network) are
    one count, where a look, a count and a write one after another let several through."""
    ready = threading.Barrier(20)

    def send() -> None:
        ready.wait()
        window_counts.count_once("anna", "copy", RATE, now=T)

    copies = [threading.Thread(target=send) for _ in range(20)]
    for copy in copies:
        copy.start()
    for copy in copies:
        copy.join()
    assert int(redis_server.get(stored_key("anna"))) == 1


class Monotonic:
    """Stands in for the counting's `monotonic`: the seconds are what the test says."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_a_cache_outage_is_logged_when_first_met_once_a_minute_and_when_it_is_over(
    settings: Any,
    redis_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Monotonic(500.0)
    monkeypatch.setattr(window_counts, "cache_outage", window_counts.CacheOutage(clock))
    up = settings.CACHES
    # given the cache down (nothing listens on port 1) while log-ins and commands are counted
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.INFO, logger="studyflow.window_counts"):
        for second in range(0, 130, 2):  # 130 s of counts, one every 2 s
            clock.at = 500.0 + second
            assert window_counts.count("anna", RATE, now=T, what="failed log-ins") == 0
            window_counts.take_back("anna", RATE, now=T, what="failed log-ins")
        # when it is back, and counts on
        settings.CACHES = up
        for second in range(130, 140, 2):
            clock.at = 500.0 + second
            assert window_counts.count("anna", RATE, now=T, what="quiz commands") == 0
    # then the log says when it was first met, naming all that goes unlimited, then once a
    # minute, then once that it is over: seen by the first count after the pause that began
    # with the last failure (at 126 s, so at 132 s)
    said = [(r.levelname, r.getMessage(), bool(r.exc_info)) for r in caplog.records]
    assert said == [
        (
            "ERROR",
            "Counting failed log-ins and quiz commands is not possible (the cache failed "
            "counting failed log-ins): they go on unlimited; this process asks the cache again "
            "5 s after each failure (logged again once a minute while it lasts)",
            True,
        ),
        (
            "ERROR",
            "Counting failed log-ins and quiz commands is still not possible, for 60 s now",
            True,
        ),
        (
            "ERROR",
            "Counting failed log-ins and quiz commands is still not possible, for 120 s now",
            True,
        ),
        ("ERROR", "Counting is possible again, after 132 s: the limits hold again", False),
    ]


def test_after_a_failure_the_cache_is_not_asked_until_the_pause_is_over(
    settings: Any, redis_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Monotonic(500.0)
    monkeypatch.setattr(window_counts, "cache_outage", window_counts.CacheOutage(clock))
    up = settings.CACHES
    # given a count that failed (nothing listens on port 1)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert window_counts.count("anna", RATE, now=T) == 0
    # when the cache is back at once, then for 5 s it is not asked: nothing is counted in it,
    # taken back or remembered
    settings.CACHES = up
    for at in (500.0, 502.0, 504.9):
        clock.at = at
        assert window_counts.count("anna", RATE, now=T) == 0
        assert window_counts.count_once("anna", "a", RATE, now=T) == 0
        window_counts.take_back("anna", RATE, now=T)
    assert redis_server.keys(caches["default"].make_key("*")) == []
    # and after the pause the first count is counted in it
    clock.at = 505.0
    assert window_counts.count("anna", RATE, now=T) == 0
    assert int(redis_server.get(stored_key("anna"))) == 1
