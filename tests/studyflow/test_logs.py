"""The request log: a client's 403 is one line, a fault of ours keeps its traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from studyflow.logs import NoTracebackForClientErrors


def test_a_forbidden_page_is_logged_without_a_traceback(
    make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    client.force_login(make_user("pupil", role="students"))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/teacher/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /teacher/"
    assert record.exc_info is None


def test_an_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("a fault of ours")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "boom", None, (RuntimeError, error, None)
        )
    assert NoTracebackForClientErrors().filter(record)
    assert record.exc_info is not None
