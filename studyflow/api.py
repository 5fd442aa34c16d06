"""Auth token, the roster (classes) and the health check."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studyflow import __version__, login_guard, tokens, window_counts
from studyflow.class_cursor import InvalidCursor
from studyflow.exceptions import ErrorSerializer, ServiceUnavailable, TooManyRequests
from studyflow.health import (
    COLLECT,
    STATIC_STATES,
    SWEEP_STATES,
    Parts,
    Sweep,
    problems,
    sweep,
    unusable,
)
from studyflow.outages import Note, Outage, follow
from studyflow.paging import next_page_header, next_page_link
from studyflow.permissions import IsTeacherOrStaff
from studyflow.selectors import class_page
from studyflow.static_manifest import static_state
from studyflow.window_counts import CACHE_PAUSE_SECONDS

logger = logging.getLogger(__name__)

MAX_CLASSES = 500
# The whole list as it was before it came in pages: a client that does not follow the Link yet
# still gets the classes it got.
DEFAULT_CLASSES = MAX_CLASSES
UP_DOWN = ["ok", "down"]
# "local": no CACHE_URL, so each web process counts in its own memory and there is nothing to reach.
CACHE_STATES = ["ok", "down", "local"]
BROKER_TIMEOUT_SECONDS = 0.5


# How the API writes every moment: ISO 8601 in UTC with "Z", so a client compares like with like.
UTC_TIME = serializers.DateTimeField(default_timezone=UTC)


def utc_time(value: datetime | None) -> str | None:
    """A moment as UTC_TIME writes it, for the responses built as dicts."""
    return None if value is None else UTC_TIME.to_representation(value)


def errors(*codes: int) -> dict[int | str, OpenApiResponse]:
    """Error responses for extend_schema: each is the shared error shape."""
    descriptions = {
        400: "Invalid input.",
        401: "No or bad credentials.",
        403: "Authenticated, but the wrong role.",
        404: "Not found, or not yours.",
        409: "Not allowed in the quiz's current state.",
        413: "The request body is too large.",
        429: "Too many attempts or commands; retry after Retry-After seconds.",
        503: "A backing service is down; retry after Retry-After seconds.",
    }
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes
    }


# Every 429 and 503 the API sends says how long to wait (the exception handler's Throttled and
# ServiceUnavailable, the health check, a database outage met before a view): declared here once
# for each such response in the schema, a view's own or one added later, so that no view can
# forget it.
RETRY_AFTER_STATUSES = ("429", "503")
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def retry_after_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook (settings SPECTACULAR_SETTINGS): the schema with the Retry-After
    header (components/headers/RetryAfter) on every 429 and 503 response."""
    result.setdefault("components", {}).setdefault("headers", {})["RetryAfter"] = RETRY_AFTER
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, Mapping):  # a path's own parameters or summary
                continue
            for code, response in operation.get("responses", {}).items():
                if str(code) in RETRY_AFTER_STATUSES:
                    headers = response.setdefault("headers", {})
                    headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return result


def query_params(request: Request, query: type[serializers.Serializer]) -> dict[str, Any]:
    """The request's query parameters as `query` (a serializer of them) reads them. A bad one is
    answered as bad input in a body is: 400 `invalid`, its messages under `errors` by its name."""
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Unable to log in with the given username and password."
    default_code = "invalid_credentials"


class AuthTokenApi(APIView):
    # POST: a username and password for the user's token (the same one each time, until it expires:
    # studyflow/tokens.py). DELETE: the caller's token is revoked (a lost laptop, an ended
    # integration); the next POST makes another.

    def _revoking(self) -> bool:
        # (No request while the schema is generated for the view as a whole.)
        return getattr(getattr(self, "request", None), "method", None) == "DELETE"

    def get_authenticators(self) -> list[Any]:
        # Logging in takes no credentials but the body's; revoking takes the token to revoke.
        return super().get_authenticators() if self._revoking() else []

    def get_permissions(self) -> Sequence[Any]:
        return super().get_permissions() if self._revoking() else [AllowAny()]

    @extend_schema_serializer(component_name="TokenRequest")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150, trim_whitespace=False)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField(
            default_timezone=UTC,
            help_text="When the token stops working (401 token_expired); then log in again.",
        )

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username and password for an API token",
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(400, 413, 429, 503)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        address = login_guard.address_of(request)
        wait = login_guard.begin(address, username)
        if wait:
            login_guard.log_held_back(request, address, username, wait)
            raise TooManyRequests(wait, login_guard.TOO_MANY_FAILURES)
        user = authenticate(
            request._request, username=username, password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            login_guard.log_failure(request, address, username)
            raise InvalidCredentials()
        login_guard.forgive(address, username)
        token = tokens.token_for(user)
        expires_at = token.created + tokens.lifetime()
        return Response(self.OutputSerializer({"token": token.key, "expires_at": expires_at}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the caller's API token",
        description="It stops working at once; the next POST gives the user a new token.",
        request=None,
        responses={204: None, **errors(401, 503)},
    )
    def delete(self, request: Request) -> Response:
        assert request.user.pk is not None  # authenticated: IsAuthenticated
        Token.objects.filter(user_id=request.user.pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClassListApi(APIView):
    permission_classes = [IsTeacherOrStaff]

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_CLASSES, default=DEFAULT_CLASSES
        )
        after = serializers.CharField(required=False)

    @extend_schema_serializer(component_name="Classroom")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        school = serializers.CharField(source="school.name", help_text="The school's name.")
        school_id = serializers.IntegerField()
        student_count = serializers.IntegerField()

    @extend_schema(
        operation_id="classes_list",
        summary="The caller's classes (teachers: the classes they teach; staff: all)",
        description=(
            "By school name, class name and id: up to `limit` classes. When there are more, the "
            '`Link` header names the next page (`rel="next"`): the same list from `after` on. '
            "A class added or removed meanwhile makes no other class come twice or not at all."
        ),
        parameters=[
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"1..{MAX_CLASSES}, default {DEFAULT_CLASSES}.",
            ),
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                description="Opaque; from the next page's Link: the classes that follow.",
            ),
            next_page_header("the classes that follow"),
        ],
        responses={200: OutputSerializer(many=True), **errors(400, 401, 403, 503)},
    )
    def get(self, request: Request) -> Response:
        filters = query_params(request, self.FilterSerializer)
        limit = filters["limit"]
        try:
            page = class_page(request.user, limit=limit, after=filters.get("after"))
        except InvalidCursor as error:
            raise exceptions.ValidationError({"after": ["Not a valid cursor."]}) from error
        response = Response(self.OutputSerializer(page.classes, many=True).data)
        if page.next_after is not None:
            response["Link"] = next_page_link(request, limit=limit, after=page.next_after)
        return response


# --- health ---------------------------------------------------------------------------------------

# A part that stays down is logged again this often (per process), not with every probe.
HEALTH_LOG_SECONDS = 60.0


class OutageLog:
    """This process's outages of the parts the health check checks, and their log
    (studyflow.outages decides what to log)."""

    def __init__(self) -> None:
        self.outages: dict[str, Outage] = {}
        self.lock = threading.Lock()  # runserver and threaded workers probe side by side

    def checked(self, part: str, ok: bool, why: object = None) -> bool:
        """Record one check of `part` (`why` it failed, if it did) and log what is new; `ok`."""
        now = monotonic()
        with self.lock:
            outage, note = follow(self.outages.get(part), ok=ok, now=now, every=HEALTH_LOG_SECONDS)
            before = self.outages.pop(part, None)
            if outage is not None:
                self.outages[part] = outage
        # The 503 or the "down" alone says what; the operator reading the log needs to know why.
        if note is Note.DOWN:
            logger.warning(
                "Health check: the %s is down: %s (logged again once a minute while it lasts)",
                part,
                why,
            )
        elif note is Note.STILL_DOWN and outage is not None:
            logger.warning(
                "Health check: the %s is still down, for %.0f s now: %s",
                part,
                now - outage.since,
                why,
            )
        elif note is Note.BACK and before is not None:
            # At the outage's own level, so that a log kept to warnings shows its end too.
            logger.warning("Health check: the %s is back after %.0f s", part, now - before.since)
        return ok


outage_log = OutageLog()


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return outage_log.checked("database", False, error)
    return outage_log.checked("database", True)


def broker_ok(url: str | None = None) -> bool:
    """A quick reachability check with a short timeout; never raises."""
    try:
        reach_broker(url or settings.CELERY_BROKER_URL)
    # Any failure to reach the broker means "down", whatever the transport.
    except Exception as error:
        return outage_log.checked("broker", False, error)
    return outage_log.checked("broker", True)


def reach_broker(url: str) -> None:
    """Raises unless the broker at `url` answers (within BROKER_TIMEOUT_SECONDS)."""
    scheme = urlparse(url).scheme
    if scheme == "filesystem":
        options: Mapping[str, Any] = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folder = Path(options.get("data_folder_in", ""))
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise OSError(f"its folder {folder} is missing or not writable")
        return
    if scheme in {"redis", "rediss"}:
        import redis

        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
        )
        try:
            if not client.ping():
                raise ConnectionError("no answer to PING")
        finally:
            client.close()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=1)


def cache_state() -> str:
    """The state of CACHE_URL's Redis, "ok" or "down" (a set and a get of one key, each within the
    client's 1 s timeouts from settings.CACHES), or "local" for each process's own memory; never
    raises. Within the pause after a call to it failed in this process (a count's, or a probe's:
    studyflow.window_counts), "down" without asking it, as the counts take it."""
    cache = caches["default"]
    # The backend in use, not CACHE_URL itself: what the log-in and command limits count in.
    if not isinstance(cache, RedisCache):
        return "local"
    counts = window_counts.cache_outage
    if counts.paused():
        # A hung cache holds each call its whole timeout: asked by every probe, it held a load
        # balancer probing every second a second each time. The limits count nothing meanwhile
        # anyway, which is what "down" tells.
        outage_log.checked(
            "cache",
            False,
            f"not asked: a call to it failed under {CACHE_PAUSE_SECONDS:.0f} s ago, and this "
            f"process asks it again {CACHE_PAUSE_SECONDS:.0f} s after each failure",
        )
        return "down"
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        kept = cache.get(key) == value
        cache.delete(key)
    # Any failure to reach it means "down", as for the broker.
    except Exception as error:
        counts.probe_failed()
        outage_log.checked("cache", False, error)
        return "down"
    if not kept:
        # A Redis that takes writes and loses them counts nothing either.
        outage_log.checked("cache", False, "it did not keep the value it was given")
        return "down"
    counts.worked()
    outage_log.checked("cache", True)
    return "ok"


def static_ok() -> tuple[str, str]:
    """static_manifest.static_state(), its outage logged as the other parts' are."""
    state, why = static_state()
    if state != "dev":
        outage_log.checked("static manifest", state == "ok", f"{why}: {COLLECT}")
    return state, why


def sweep_health() -> Sweep:
    """When a worker last ran beat's sweep of the projections (it records each run)."""
    from events.selectors import seconds_since_run
    from events.tasks import SWEEP

    return sweep(seconds_since_run(SWEEP), settings.PROJECTION_SWEEP_SECONDS)


def projections_health() -> list[dict[str, Any]]:
    from events.selectors import projection_status

    fields = ("name", "partition", "lag_events", "lag_seconds", "status", "version", "rows_version")
    rows = []
    for item in projection_status():
        if isinstance(item, Mapping):
            rows.append({field: item.get(field) for field in fields})
        else:
            rows.append({field: getattr(item, field, None) for field in fields})
    return rows


class HealthApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="Health")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="ProjectionHealth")
        class ProjectionSerializer(serializers.Serializer):
            name = serializers.CharField()
            partition = serializers.IntegerField(allow_null=True)
            lag_events = serializers.IntegerField(allow_null=True)
            lag_seconds = serializers.FloatField(allow_null=True)
            status = serializers.CharField(
                allow_null=True,
                help_text=(
                    "ok, failed (it retries on its own), rebuilding, new (never ran: a release "
                    "added it and no worker running it has caught it up, so its reports are "
                    "empty; with lag_events above 0 a problem, and the teachers' pages say the "
                    "reports wait to be rebuilt) or rebuild_pending: a release raised the "
                    "projection's version and no worker running it has rebuilt it yet, so its "
                    "reports are the old version's (lag counts the whole log, which the rebuild "
                    "applies)."
                ),
            )
            version = serializers.IntegerField(
                help_text="The projection's version in this release's code."
            )
            rows_version = serializers.IntegerField(
                allow_null=True,
                help_text="The version its rows were computed by; null: it never ran.",
            )

        version = serializers.CharField(
            help_text=(
                "The release this web process runs (UPGRADING.md's heading, with dots: "
                "2026.11.28): after an upgrade, a process still answering with the old one was "
                "not restarted."
            )
        )
        database = serializers.ChoiceField(choices=UP_DOWN)
        broker = serializers.ChoiceField(choices=UP_DOWN)
        cache = serializers.ChoiceField(
            choices=CACHE_STATES,
            help_text=(
                "CACHE_URL's Redis, where the log-in and quiz command limits count: down, they "
                "count nothing and the site goes on (200); within 5 s after a call to it failed "
                "in this web process, down without asking it (the limits do not ask it either). "
                "local: no CACHE_URL, each web process counts in its own memory."
            ),
        )
        static = serializers.ChoiceField(
            choices=STATIC_STATES,
            help_text=(
                "The manifest of the collected static files (DEBUG off): missing, it lacks a file "
                "the pages name (`collectstatic` was not run for this release, or the web process "
                "started before it), so every page fails with a 500: a 503. stale: it names "
                "every file, but some of the site's own as another release collected them, so "
                "the pages load that release's styles and scripts: still a 200. dev: DEBUG on, "
                "the files are served as they are, with no manifest."
            ),
        )

        @extend_schema_serializer(component_name="SweepHealth")
        class SweepSerializer(serializers.Serializer):
            status = serializers.ChoiceField(choices=SWEEP_STATES)
            last_ran_seconds_ago = serializers.IntegerField(allow_null=True)

        sweep = SweepSerializer(
            help_text=(
                "When a worker last ran beat's sweep of the projections (every "
                "PROJECTION_SWEEP_SECONDS): late after max(30 s, 10 sweeps) without one, or "
                "never (last_ran_seconds_ago null), so no worker or no beat runs and the reports "
                "stop, though a quiet night shows no lag; still a 200, as the pages work. "
                "unknown: the database is down."
            )
        )
        projections = ProjectionSerializer(many=True)
        problems = serializers.ListField(
            child=serializers.CharField(),
            help_text="One line for each part not ok: what it means and what to do. Empty: none.",
        )

    @extend_schema(
        operation_id="health_retrieve",
        summary=(
            "Release, database, broker, cache, static files, workers and projection lag (no auth)"
        ),
        responses={
            200: OutputSerializer,
            503: OpenApiResponse(
                OutputSerializer,
                description=(
                    "The site is down for its users: the database is down, or the static "
                    "manifest lacks a file the pages name (with Retry-After)."
                ),
            ),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        db = database_ok()
        projections: list[dict[str, Any]] = []
        swept = Sweep("unknown", None)
        if db:
            try:
                projections = projections_health()
                swept = sweep_health()
            except DatabaseError:
                db = False
        static, static_why = static_ok()
        parts = Parts(
            database="ok" if db else "down",
            broker="ok" if broker_ok() else "down",
            cache=cache_state(),
            static=static,
            sweep=swept,
            static_why=static_why,
            projections=projections,
        )
        body = {
            "version": __version__,
            "database": parts.database,
            "broker": parts.broker,
            "cache": parts.cache,
            "static": parts.static,
            "sweep": {
                "status": swept.status,
                "last_ran_seconds_ago": swept.last_ran_seconds_ago,
            },
            "projections": projections,
            "problems": problems(parts),
        }
        if not unusable(parts):
            return Response(self.OutputSerializer(body).data)
        # A broker or cache outage is reported with a 200, since the site still works (reports
        # come late, the limits count nothing). The wait is the API's other 503s' own, so a probe
        # or a client backs off alike.
        return Response(
            self.OutputSerializer(body).data,
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(ServiceUnavailable.wait)},
        )
