"""The health check: database, broker and projection lag, with no auth."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
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


def test_database_down_is_a_503_and_the_log_says_why(caplog: pytest.LogCaptureFixture) -> None:
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError('database "studyflow" does not exist')
    with mock.patch("studyflow.api.connection", broken), caplog.at_level(logging.WARNING):
        response = APIClient().get("/api/health/")
    assert response.status_code == 503 and response.json()["database"] == "down"
    assert any(
        r.name == "studyflow.api" and 'database "studyflow" does not exist' in r.getMessage()
        for r in caplog.records
    )


def test_broker_down_says_why_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert broker_ok("redis://127.0.0.1:1/0") is False
    assert any(
        r.name == "studyflow.api" and "broker is down" in r.getMessage() for r in caplog.records
    )
