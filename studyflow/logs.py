"""Log formatting and filters: every line's moment in UTC, ISO 8601 with a `Z`.

Django sets the process's time zone to TIME_ZONE (Europe/Amsterdam), so logging's own `asctime`
read as local Amsterdam time without saying so, beside honcho's and gunicorn's master's UTC: an
hour or two apart in one log, and ambiguous at the autumn clock change. The web processes
(settings.LOGGING), the Celery worker and beat (studyflow.celery) and gunicorn
(studyflow.gunicorn_logs) all stamp their lines with `utc_moment`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)

# Django's refusals of a request for what the client sent, answered with a 400 or 413, not a fault
# of ours: over its size limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS,
# DATA_UPLOAD_MAX_NUMBER_FILES), or a Host header not in ALLOWED_HOSTS (a scanner trying the
# machine's address, a stale DNS name). Each is logged under django.security.<its name>. Django's
# other SuspiciousOperations stay errors: a redirect or file path it refused is our code's doing,
# and a multipart body its parser got stuck on may be its own bug, as its message says.
CLIENT_REFUSALS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, DisallowedHost)


# What a client typed is cut after this many characters in a log line: enough to tell one
# username from another (they have 150 at most), not a screenful from a script.
TYPED_LIMIT = 64


def typed(text: str, limit: int = TYPED_LIMIT) -> str:
    """What a client typed (a username tried), for a log line: quoted, every character that is
    not printable escaped, so that a newline typed in cannot start a forged line (nor an escape
    sequence recolour an operator's terminal), and cut after `limit` characters ("...")."""
    shown = repr(text[:limit])
    return f"{shown}..." if len(text) > limit else shown


def escaped(text: str, limit: int = TYPED_LIMIT) -> str:
    """`typed` without the quotes, for a value that reads as one word: a client's address, which
    a client behind a missing proxy may write itself (X-Forwarded-For, TRUSTED_PROXY_COUNT)."""
    shown = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text[:limit]
    )
    return f"{shown}..." if len(text) > limit else shown


# Set on a request whose refusal our code logged with who and from where (a failed log-in, too
# many of them, too many quiz commands): Django's own line for its response ("Too Many Requests:
# /api/auth/token/") would only say it again, without them.
REFUSAL_LOGGED = "studyflow_refusal_logged"


def refusal_logged(request: object) -> None:
    """Mark the request (Django's, also under DRF's Request) as logged: see NoSecondLine."""
    setattr(getattr(request, "_request", request), REFUSAL_LOGGED, True)


def request_line(request: object) -> str:
    """`POST /login/`: which way in a log line is about (its path is one the URLs matched)."""
    method = getattr(request, "method", None) or "-"
    return f"{method} {escaped(getattr(request, 'path', None) or '-', limit=200)}"


def utc_moment(created: float) -> str:
    """A log record's `created` (seconds since the epoch) as `2026-11-28T09:15:03.120Z`."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


class UtcTimes(logging.Formatter):
    """`%(asctime)s` as `utc_moment`, whatever the process's time zone; a datefmt is ignored, so
    that every process's lines read alike. Also a mixin for another library's formatter."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_moment(record.created)


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or 404 (logged as a warning) is what a client asked for, not a fault of ours: its one
    line says so, and a traceback with it only buries the real errors in an operator's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            record.exc_info = None
            record.exc_text = None
        return True


class ClientRefusalsAreWarnings(logging.Filter):
    """Django logs its own refusals (CLIENT_REFUSALS, met before a DRF view runs, such as a form
    post over the size cap or a request for another host) as an ERROR with a traceback: one
    client's oversized request, or a scanner's, paged an operator alerting on errors. A WARNING on
    one line, under the same logger name, so that a filter on the security loggers still finds
    it (a flood of them is worth seeing, though not worth a page)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True


class NoSecondLine(logging.Filter):
    """Django's request line for a 4xx whose refusal our code logged itself, naming the account
    and the client's address (refusal_logged), is left out: one line a refusal. A 5xx of the
    same request keeps its line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not getattr(
            getattr(record, "request", None), REFUSAL_LOGGED, False
        )


# The health check's URL name (studyflow/api_urls.py).
HEALTH_CHECK = "api-health"


class NoLineForTheHealthChecks503(logging.Filter):
    """A 503 from /api/health/ is its answer while the database is down, which the health check
    logs itself (when first seen, once a minute, when back: studyflow.outages). Django's request
    log added "Service Unavailable: /api/health/" with every probe, every 2 s from a load
    balancer. Any other 5xx there, and every other path's 503, is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        match = getattr(getattr(record, "request", None), "resolver_match", None)
        return not (
            getattr(record, "status_code", None) == 503
            and getattr(match, "url_name", None) == HEALTH_CHECK
        )


class NoTracebackWhileTheDatabaseIsDown(logging.Filter):
    """A 503 because the database cannot be reached is logged on one line: the warning before it
    ("database unavailable: ...") names the error, and a traceback with every request of an
    outage buried everything else in the log. Any other 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Imported here: this module is loaded while logging is configured, before the apps.
        from studyflow.exceptions import database_unavailable

        if (
            getattr(record, "status_code", None) == 503
            and record.exc_info
            and database_unavailable(record.exc_info[1])
        ):
            record.exc_info = None
            record.exc_text = None
        return True
