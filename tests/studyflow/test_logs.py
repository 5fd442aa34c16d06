"""The log: every process's lines stamped in UTC with a Z; a client's 403, or a request for
another host, is one line; a fault of ours keeps its traceback."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import types
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from studyflow.logs import (
    NoSecondLine,
    NoTracebackForClientErrors,
    escaped,
    refusal_logged,
    typed,
    utc_moment,
)
from tests.fresh_python import stderr_of
from tests.projection_support import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def stamped_now(line: str, *, at_start: bool = True) -> bool:
    """The line carries an ISO 8601 moment in UTC (at its start, or anywhere) within a minute of
    now: a local time (the processes' is Amsterdam) with a Z would be an hour or two off."""
    found = MOMENT.match(line) if at_start else MOMENT.search(line)
    if found is None:
        return False
    moment = datetime.fromisoformat(found.group().replace("Z", "+00:00"))
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


def run_python(code: str, **env: str) -> str:
    """Run code in a fresh process, in Amsterdam's time zone whatever the machine's (and `env`);
    its stderr."""
    return stderr_of(code, TZ="Europe/Amsterdam", TIME_ZONE="Europe/Amsterdam", **env)


def test_a_moment_is_written_in_utc_with_a_z() -> None:
    # given the night the clocks go back in Amsterdam, when 02:30 local time happens twice
    created = datetime(2026, 10, 25, 0, 30, 5, 120999, tzinfo=UTC).timestamp()
    # then the log's moment is one and unambiguous
    assert utc_moment(created) == "2026-10-25T00:30:05.120Z"
    assert utc_moment(datetime(2026, 10, 25, 1, 30, tzinfo=UTC).timestamp()) == (
        "2026-10-25T01:30:00.000Z"
    )


def test_the_sites_lines_are_stamped_in_utc() -> None:
    stderr = run_python(
        """
        import logging, django
        django.setup()
        logging.getLogger("django.request").warning("Not Found: /nope/")
        # runserver's request line (make run), through Django's own logger for it
        logging.getLogger("django.server").info('"GET /nope/ HTTP/1.1" 404 179')
        """
    )
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    assert all(stamped_now(line) for line in lines), stderr
    assert lines[0].endswith(" WARNING django.request: Not Found: /nope/")
    assert lines[1].endswith(' INFO django.server: "GET /nope/ HTTP/1.1" 404 179')


def test_the_workers_and_beats_lines_are_stamped_in_utc() -> None:
    # what `celery -A studyflow worker` and `... beat` set up, Celery's layouts kept
    stderr = run_python(
        """
        import logging
        from celery.utils.log import get_task_logger
        from studyflow.celery import app
        app.log.setup(loglevel="INFO", colorize=False)
        logging.getLogger("events.runner").warning("probe")
        get_task_logger("events.tasks").warning("task probe")
        """
    )
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    assert lines[0].startswith("[") and stamped_now(lines[0][1:]), stderr
    assert lines[0].endswith(": WARNING/MainProcess] probe")
    assert lines[1].startswith("[") and stamped_now(lines[1][1:]), stderr
    assert lines[1].endswith(": WARNING/MainProcess] ???[???]: task probe")


def test_gunicorn_with_the_readmes_logger_class_stamps_in_utc(tmp_path: Path) -> None:
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "studyflow.wsgi",
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
                f"--control-socket={tmp_path / 'gunicorn.ctl'}",
                "--logger-class=studyflow.gunicorn_logs.UtcLogger",
                "--access-logfile=-",
            ],
            cwd=ROOT,
            env={**os.environ, "TZ": "Europe/Amsterdam", "TIME_ZONE": "Europe/Amsterdam"},
            stdout=stdout,
            stderr=stderr,
        )
    try:

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nope/", timeout=2)
            except urllib.error.HTTPError as error:
                return error.code == 404
            except OSError:
                return False
            return False

        assert wait_for(answers, 30), err.read_text()
        # the access line is logged after the response has gone
        assert wait_for(lambda: "GET /nope/" in out.read_text(), 5), out.read_text()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(30)
    errors = err.read_text().splitlines()
    assert any("Starting gunicorn" in line for line in errors)  # the master's
    assert any("Worker exiting" in line for line in errors)  # a worker's, Django loaded
    assert any("WARNING django.request: Not Found: /nope/" in line for line in errors)
    assert all(stamped_now(line) for line in errors), errors
    # (a request that timed out while the worker was loading Django is logged too)
    accesses = [line for line in out.read_text().splitlines() if "GET /nope/" in line]
    assert accesses and all(stamped_now(line, at_start=False) for line in accesses), accesses


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


@pytest.mark.django_db
def test_a_form_over_the_size_cap_is_a_warning_on_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Django's own path (the CSRF check reads the form before any view): it logs the refusal
    # at ERROR with a traceback, which the security loggers' filter makes a one-line warning.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # so that the check gets as far as reading the form
    body = "username=x&password=" + "y" * 3_000_000
    with caplog.at_level(logging.INFO):
        response = client.post("/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    said = [(r.name, r.levelname, bool(r.exc_info)) for r in caplog.records]
    assert ("django.security.RequestDataTooBig", "WARNING", False) in said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], said


def test_a_request_for_another_host_is_one_warning_line() -> None:
    # A scanner trying the machine's address: Django refuses it (400) and logs the refusal at
    # ERROR with a traceback, which the site's logging makes a one-line warning under its name.
    # In a fresh process with DEBUG off, as in production: the log the operator reads.
    stderr = run_python(
        """
        import django
        django.setup()
        from django.test import Client
        page = Client(HTTP_HOST="scanner.example").get("/login/")
        assert page.status_code == 400 and b"Bad Request (400)" in page.content, page
        api = Client(HTTP_HOST="scanner.example").get("/api/courses/")
        assert api.status_code == 400 and api.json()["code"] == "bad_request", api
        """,
        DEBUG="0",
        SECRET_KEY="a-key-for-this-test-only-" + "x" * 40,
    )
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    said = (
        " WARNING django.security.DisallowedHost: Invalid HTTP_HOST header: 'scanner.example'."
        " You may need to add 'scanner.example' to ALLOWED_HOSTS."
    )
    assert all(stamped_now(line) and line.endswith(said) for line in lines), stderr


def test_an_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("a fault of ours")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "boom", None, (RuntimeError, error, None)
        )
    assert NoTracebackForClientErrors().filter(record)
    assert record.exc_info is not None


def test_what_a_client_typed_is_quoted_escaped_and_cut() -> None:
    # given a username as typed, in any script, then it reads as typed, in quotes
    assert typed("zoë.devries") == "'zoë.devries'"
    # given one with a line break, a terminal escape or a Unicode line separator, then each is
    # written as an escape: nothing typed starts a line of its own
    assert typed("anna\nERROR x") == r"'anna\nERROR x'"
    assert typed("a\x1b[31mb\u2028c\r") == r"'a\x1b[31mb\u2028c\r'"
    # given a long one, then its first 64 characters, and a sign that there was more
    assert typed("x" * 150) == "'" + "x" * 64 + "'..."
    assert typed("x" * 64) == "'" + "x" * 64 + "'"
    # and an address a client wrote itself, without the quotes
    assert escaped("203.0.113.7") == "203.0.113.7"
    assert escaped("1.2.3.4\nforged") == r"1.2.3.4\nforged"
    assert escaped("\ud800") == r"\ud800"  # a lone surrogate from JSON: no encoding error


def test_djangos_line_for_a_refusal_logged_already_is_left_out_but_not_an_error() -> None:
    request = types.SimpleNamespace()
    refusal_logged(request)

    def record(level: int, request: object) -> logging.LogRecord:
        line = logging.LogRecord("django.request", level, __file__, 1, "x", None, None)
        line.request = request
        return line

    assert not NoSecondLine().filter(record(logging.WARNING, request))
    assert NoSecondLine().filter(record(logging.ERROR, request))  # a 5xx after it: kept
    assert NoSecondLine().filter(record(logging.WARNING, types.SimpleNamespace()))
    # under DRF, our code holds its Request; Django's log holds the HttpRequest inside it
    inner = types.SimpleNamespace()
    refusal_logged(types.SimpleNamespace(_request=inner))
    assert not NoSecondLine().filter(record(logging.WARNING, inner))
