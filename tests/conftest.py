"""Project-wide test setup. App-specific fixtures live in tests/<app>/conftest.py."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections


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
