"""One error shape for the whole API: `{"detail": str, "code": str}` (+ `errors` for bad input).

The DRF exception handler (settings REST_FRAMEWORK["EXCEPTION_HANDLER"]) translates domain errors,
Django's errors and database outages into API exceptions; the json_400/403/404/500 handlers give
the same shape to /api/ requests that never reach a DRF view (an unknown URL, a too-large body).
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.template import loader
from django.urls import Resolver404, ResolverMatch, resolve
from django.views import defaults
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from studyflow.login_limits import wait_then_try_again
from studyflow.logs import CLIENT_REFUSALS
from studyflow.parsers import RequestTooLarge

logger = logging.getLogger(__name__)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A backing service is unavailable; try again shortly."
    default_code = "service_unavailable"
    # Sent as Retry-After: a client's retries then wait for the database to come back, rather
    # than each one waiting on the database's timeout.
    wait = 5


class TooManyRequests(exceptions.Throttled):
    """429 `throttled` with Retry-After, its detail in the pages' words: what was too many, then
    how long to wait ("Too many failed log-ins for this account. Wait 8 seconds, then try
    again."), where DRF's would end "Expected available in 8 seconds." Any other throttle's 429
    becomes one of these too (api_exception_handler)."""

    def __init__(self, wait: float | None, reason: str = "Too many requests.") -> None:
        seconds = math.ceil(wait) if wait is not None else None
        super().__init__(detail=f"{reason} {wait_then_try_again(seconds)}")
        self.wait = seconds  # Retry-After: as DRF's own


class Conflict(exceptions.APIException):
    """The command is not allowed in the quiz's current state (409 with the rejection's code)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """The documented shape of every error response."""

    detail = serializers.CharField(help_text="A human sentence.")
    code = serializers.CharField(help_text="A machine-readable code, e.g. not_found.")
    # The metaclass moves declared fields off the class, so this does not shadow Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: messages per field (dotted path for nested fields).",
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested DRF validation details -> {"field.sub": ["message", ...]}."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, Sequence) and not isinstance(detail, str):
        flat = {}
        for index, value in enumerate(detail):
            # A list of plain messages belongs to the field itself; a list of dicts is per item.
            name = f"{prefix}.{index}" if isinstance(value, Mapping | list) else prefix
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def error_body(
    detail: str, code: str, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def _domain_exception(exc: Exception) -> exceptions.APIException | None:
    """Quiz and event-store errors -> API exceptions (imported lazily: apps import this module)."""
    from events import store
    from quiz import errors

    if isinstance(exc, errors.QuizNotFound):
        # Missing and "someone else's" look the same: never reveal that another quiz exists.
        return exceptions.NotFound(exc.message or "No such quiz.", "not_found")
    if isinstance(exc, errors.NotAStudent):
        return exceptions.PermissionDenied(exc.message, "permission_denied")
    if isinstance(exc, errors.ChapterNotFound):
        return exceptions.NotFound(exc.message, "not_found")
    if isinstance(exc, errors.InvalidAnswer):
        message = exc.message or "The answer must be 1 to 500 characters."
        return exceptions.ValidationError({"answer": [message]})
    if isinstance(exc, errors.CommandIdReused):
        # The API's command id is the client's Idempotency-Key: name what the client sent.
        return Conflict("This Idempotency-Key was already used for a different request.", exc.code)
    if isinstance(exc, errors.CommandRejected | errors.ConcurrencyConflict):
        return Conflict(exc.message, exc.code)
    if isinstance(exc, errors.QuizError):
        return exceptions.ValidationError({"non_field_errors": [exc.message]}, exc.code)
    if isinstance(exc, store.WrongExpectedVersion):
        # Lost a race with a concurrent command on the same quiz; the client may simply retry.
        return Conflict("The quiz changed meanwhile; retry.", "concurrent_update")
    if isinstance(exc, store.EventIdReused):  # the services raise CommandIdReused for it
        return Conflict(
            "This Idempotency-Key was already used for a different request.", "command_id_reused"
        )
    return None


def _own_words(exc: Exception) -> str | None:
    """The message our code gave a 404 or 403 ("No such class.", "Reports are for teachers and
    staff."), else None for DRF's default. Only a plain sentence: the URL resolver's 404 carries a
    dict of the patterns it tried, which is nobody's business."""
    message = exc.args[0] if exc.args else None
    return message if isinstance(message, str) and message else None


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, TooManyRequests):
        return TooManyRequests(getattr(exc, "wait", None))  # a DRF throttle's, in our words
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(_own_words(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(_own_words(exc))
    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals met while DRF reads the request (a body over the size cap, over
        # 1,000 query parameters): answered here in the API's shape, also with DEBUG on, where
        # Django would show its HTML debug page. Its security log still hears of them, a client
        # over a size limit (or the like) as a warning (studyflow.logs.CLIENT_REFUSALS): not a
        # fault of ours.
        level = logging.WARNING if isinstance(exc, CLIENT_REFUSALS) else logging.ERROR
        logging.getLogger(f"django.security.{type(exc).__name__}").log(level, "%s", exc)
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        return exceptions.ParseError("Bad request.", "bad_request")
    if database_unavailable(exc):
        logger.warning("database unavailable: %s", exc)
        return ServiceUnavailable(UNAVAILABLE)
    domain = _domain_exception(exc)
    if domain is not None:
        return domain
    if isinstance(exc, DatabaseError):
        # e.g. a statement timeout or serialization failure under load: transient, not a client bug.
        logger.warning("database error: %s", exc)
        return ServiceUnavailable("The database could not complete the request; try again.")
    return None


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None  # a bug: Django's handler500 (JSON under /api/) and the error log take it
    headers: dict[str, str] = {}
    auth_header = getattr(api_exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(api_exc, "wait", None)
    if wait:
        headers["Retry-After"] = f"{int(wait)}"
    if isinstance(api_exc, exceptions.ValidationError):
        errors = flatten_errors(api_exc.detail)
        summary = "; ".join(
            f"{field}: {' '.join(messages)}" if field != "non_field_errors" else " ".join(messages)
            for field, messages in errors.items()
        )
        body = error_body(summary or "Invalid input.", "invalid", errors)
    else:
        codes = api_exc.get_codes()
        code = codes if isinstance(codes, str) else api_exc.default_code
        body = error_body(str(api_exc.detail), str(code))
    set_rollback()
    return Response(body, status=api_exc.status_code, headers=headers)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's own 400s (before DRF runs): a too-large body, a bad Host, a suspicious request."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(
                error_body("The request body is too large.", "request_too_large"), status=413
            )
        return JsonResponse(error_body("Bad request.", "bad_request"), status=400)
    return defaults.bad_request(request, exception)


def json_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        body = error_body("You do not have permission to do this.", "permission_denied")
        return JsonResponse(body, status=403)
    return error_page(request, "403.html", 403, {"exception": str(exception)})


def json_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return api_not_found(request)
    return error_page(request, "404.html", 404, {})


def error_page(
    request: HttpRequest, template: str, status: int, context: dict[str, Any]
) -> HttpResponse:
    """Django's 403 and 404 pages, with the header of the user's own pages: a student who opened
    a teacher's page found no "My chapters" to go back by."""
    # Imported here, when a page is shown: the API's error handling stays free of the pages' views.
    from quiz.views import home_link

    try:
        link = home_link(getattr(request, "user", None))
    except DatabaseError:
        # No home link then. (With the database down, the page itself may not render either:
        # the header asks for the session's user, as Django's own error pages would.)
        link = None
    context = {**context, "home_link": link}
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


@csrf_exempt  # it changes nothing: a POST gets the 404, not a CSRF page
@no_append_slash  # CommonMiddleware must not redirect an unknown path to this view
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every /api/ path no route matches: the last route under /api/ (with DEBUG on, Django would
    answer with its HTML debug page, which no API client can read). A path that only lacks its
    final slash is redirected to it for GET and HEAD, as CommonMiddleware does, and otherwise
    told so: a redirected POST would lose its body."""
    if not request.path_info.endswith("/"):
        match = _resolve(request.path_info + "/")
        if match is not None and match.func is not api_not_found:
            if request.method in ("GET", "HEAD"):
                return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
            detail = f"Not found. API paths end with a slash: {request.path}/"
            return JsonResponse(error_body(detail, "not_found"), status=404)
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


# PostgreSQL's SQLSTATEs of a server that will not take the connection or has dropped it: the
# connection exception class (08...), an administrator's or crash shutdown, a server still starting
# up, too many connections.
UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException | None) -> bool:
    """The database cannot be reached (down, restarting, refusing or dropping connections): a 503
    with Retry-After, logged on one line. Not a statement's own failure (a statement timeout, a
    deadlock, a missing table after a forgotten migrate, SQLite's "database is locked"), also an
    OperationalError: a fault to look into, with its traceback."""
    if isinstance(exc, InterfaceError):  # Django's: the connection is closed or unusable
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, psycopg.Error):
        # psycopg gives a failed or broken connection no SQLSTATE: no server said anything.
        return cause.sqlstate is None or cause.sqlstate.startswith(UNREACHABLE_STATES)
    return str(cause).startswith("unable to open database file")  # SQLite's


UNAVAILABLE = "The database is unavailable; try again shortly."


def json_500(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while it handles the exception (hence sys.exc_info): an
    unreachable database met outside a DRF view (the session's user, a page's own queries) is a
    503, in the API's shape under /api/ and as a "back in a moment" page elsewhere."""
    if database_unavailable(sys.exc_info()[1]):
        return _database_unavailable(request)
    if _is_api(request):
        body = error_body("Something went wrong on our side.", "server_error")
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    logger.warning("database unavailable: %s", sys.exc_info()[1])
    response: HttpResponse
    if _is_api(request):
        body = error_body(UNAVAILABLE, ServiceUnavailable.default_code)
        response = JsonResponse(body, status=503)
    else:
        # Stands alone like 500.html: no user, no session, nothing that needs the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(ServiceUnavailable.wait)
    return response
