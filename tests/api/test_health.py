"""The health check: database, broker and projection lag, with no auth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from studyflow.api import broker_ok


def test_filesystem_broker_is_ok_when_its_folder_is_writable(settings: Any, tmp_path: Path) -> None:
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    assert broker_ok("filesystem://") is True
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "missing")}
    assert broker_ok("filesystem://") is False


def test_unreachable_redis_is_down_within_a_second() -> None:
    started = time.monotonic()
    assert broker_ok("redis://127.0.0.1:1/0") is False  # nothing listens on port 1
    assert time.monotonic() - started < 2


def test_reachable_redis_is_ok() -> None:
    assert broker_ok("redis://127.0.0.1:6379/5") is True


@pytest.mark.django_db
def test_broker_down_is_reported_but_still_200(settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "down"
