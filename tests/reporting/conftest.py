"""Fixtures of the reporting tests: a school with 40 students, clients, and a real worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.conftest import skip_without_service
from tests.reporting.world import WorkerProjector, World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProjector]:
    """A real `celery worker --beat` on the test database and this run's Redis database."""
    from tests.projection_support import Workers

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        skip_without_service("the worker tests need CELERY_BROKER_URL=redis://...")
    redis.Redis.from_url(broker).flushdb()
    workers = Workers(broker, tmp_path, PROJECTION_SWEEP_SECONDS="1")
    workers.start(1, beat=True)
    try:
        # Up before the test goes on: the live grid's test times from an answer to the page, and
        # a worker still starting would eat into its seconds.
        workers.wait_until_ready()
        yield WorkerProjector(workers)
    finally:
        workers.stop_all()
