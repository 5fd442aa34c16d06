"""Project-wide test setup. App-specific fixtures live in tests/<app>/conftest.py."""

import os
import uuid
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
from django.db import connections

from tests.command_clock import Clock, T

# Set by `make test`'s PostgreSQL run, which promises PostgreSQL, Redis and chromium.
REQUIRE_SERVICES = "STUDYFLOW_REQUIRE_SERVICES"


def services_required() -> bool:
    return os.environ.get(REQUIRE_SERVICES, "") not in ("", "0")


def skip_without_service(reason: str) -> NoReturn:
    """Skip a test for want of PostgreSQL, Redis or chromium (a developer's bare pytest on SQLite).

    Under STUDYFLOW_REQUIRE_SERVICES=1 (make test) fail instead: that run has every service, so a
    skip there would only hide lost coverage. Use this, never pytest.skip, for such a skip.
    """
    if services_required():
        pytest.fail(
            f"{reason}: failing instead of skipping, since {REQUIRE_SERVICES}=1 (make test) "
            "requires PostgreSQL (DATABASE_URL=postgres://...), Redis "
            "(CELERY_BROKER_URL=redis://...) and chromium; provide them, or unset "
            f"{REQUIRE_SERVICES} to skip",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A `skipif` mark that holds goes through skip_without_service. Under make test's PostgreSQL
    run every skipif of this suite is false, or for want of PostgreSQL (test_concurrency,
    test_store_postgres, projection_support.postgres_only...); the ones for SQLite only hold in
    the SQLite run, which sets the variable to 0. A skip for another reason belongs in pytest.skip
    or pytest.mark.skip. This hook runs before pytest's own, which would skip the test."""
    if not services_required():
        return
    for mark in item.iter_markers(name="skipif"):
        # The suite's conditions are booleans (a string one would count as holding: loudly).
        conditions = mark.args if "condition" not in mark.kwargs else (mark.kwargs["condition"],)
        if not conditions or any(bool(condition) for condition in conditions):
            skip_without_service(mark.kwargs.get("reason", "skipif"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Let Django's test flush TRUNCATE the (otherwise append-only) event table on PostgreSQL.

    A database-level setting the event table's TRUNCATE trigger checks; UPDATE and DELETE stay
    forbidden, so tests use fresh stream ids instead of deleting events.
    """
    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET studyflow.allow_event_truncate = 'on'")
            connection.close()  # the setting applies to new sessions: reconnect
    yield


@pytest.fixture(autouse=True)
def _no_failed_log_ins_carried_over() -> Iterator[None]:
    """Failed log-ins count in the cache per address, and every test client is 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _no_cache_outage_carried_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a test made the cache fail, this process would count nothing without asking it for
    a few seconds (studyflow.window_counts): each test starts as a fresh web process, which has
    seen no failure."""
    from studyflow import window_counts

    monkeypatch.setattr(window_counts, "cache_outage", window_counts.CacheOutage())


@pytest.fixture(autouse=True)
def _quiz_commands_unlimited(settings: Any) -> None:
    """The tests send quiz commands as fast as a script would (hypothesis runs, whole quizzes
    in a loop), so the limit on them is off here; tests/quiz/test_command_limits.py turns it on
    with a small rate."""
    settings.COMMAND_THROTTLE_RATE = "0"


@pytest.fixture
def redis_server(settings: Any) -> Iterator[Any]:
    """The site's Redis cache (CACHE_URL) on a database of the suite's broker, under a prefix of
    this test's; the raw client beside it, to look at the keys. At the end the test's keys go,
    and the cache is the tests' own again before any other fixture's cache.clear(), which on
    Redis would empty the broker's whole database."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_without_service("the Redis cache tests need CELERY_BROKER_URL=redis://...")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    own = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        yield server
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)
        server.close()
        settings.CACHES = own


@pytest.fixture(params=["memory", "redis"])
def counts_in(request: pytest.FixtureRequest) -> str:
    """Where the limits count: each process's memory (no CACHE_URL), then a shared Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_server")
    return str(request.param)


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    """Three quiz commands a minute, on a clock the test moves (the limit's own tests)."""
    from studyflow import window_counts

    settings.COMMAND_THROTTLE_RATE = "3/min"
    clock = Clock(T)
    monkeypatch.setattr(window_counts, "time", clock)
    return clock
