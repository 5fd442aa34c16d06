"""Quiz commands counted per student account in Django's cache (the rules:
quiz.command_limits), on the REST API and the student pages alike, one count for both.

The API's command endpoints refuse with 429 `throttled` and Retry-After (CommandThrottle); the
pages show a message on the quiz page or the dashboard (quiz.views). A refused command is not
sent: nothing is appended. Only commands are counted: a GET never is, and a command id only once.
Each refusal is a WARNING naming the account and the client's address.
"""

from __future__ import annotations

import functools
import logging
import uuid
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from quiz import resends
from quiz.command_limits import API_DETAIL, command_rate, counter_name
from studyflow import window_counts
from studyflow.exceptions import TooManyRequests
from studyflow.idempotency import HEADER, command_id_from
from studyflow.login_guard import address_of
from studyflow.login_limits import Rate
from studyflow.logs import escaped, refusal_logged, request_line, typed

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _rate(text: str) -> Rate | None:
    return command_rate(text)  # checked when the settings load: never raises here


def wait_before_command(
    user: Any, now: float | None = None, *, command_id: uuid.UUID | None = None
) -> int:
    """Count a command of `user`: 0 when it may be sent, else the seconds until their account
    may send one again. With the limit off (COMMAND_THROTTLE_RATE=0), always 0, counting nothing.

    A `command_id` counts once: let through in this window, it is not counted again (a page's
    form sent twice, an API request re-sent with its Idempotency-Key), and one decided before
    (it appended, or was refused) is let through even over the limit, to get its first outcome
    back. Either way the services append nothing for it again, so no command id carries a new
    command past the limit; and the database is asked only over the limit."""
    limit = _rate(settings.COMMAND_THROTTLE_RATE)
    if limit is None or user.pk is None:
        return 0
    name, what = counter_name(user.pk), "quiz commands"
    if command_id is None:
        return window_counts.count(name, limit, now=now, what=what)
    return window_counts.count_once(
        name,
        str(command_id),
        limit,
        now=now,
        what=what,
        sent_before=lambda: resends.sent_before(command_id, actor_id=user.pk),
    )


def log_held_back(request: Any, wait: int) -> None:
    """A command of the request's user refused (wait_before_command): whose, and from where."""
    user = request.user
    logger.warning(
        "Too many quiz commands of user %s %s from %s: refused for %d s (%s)",
        user.pk,
        typed(user.get_username()),
        escaped(address_of(request)),
        wait,
        request_line(request),
    )
    refusal_logged(request)


def _keyed_command_id(request: Request) -> uuid.UUID | None:
    """The command id of the request's Idempotency-Key; None without one, or with one that is no
    UUID (the view answers that with 400, after it was counted as any command)."""
    if request.headers.get(HEADER) is None or request.user.pk is None:
        return None
    try:
        return command_id_from(request)
    except exceptions.ValidationError:
        return None


class CommandThrottle(BaseThrottle):
    """For the API views that take quiz commands: a POST counts; any other method is a read.
    Its Idempotency-Key, as the command id it names, counts once (wait_before_command)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        wait = wait_before_command(request.user, command_id=_keyed_command_id(request))
        if wait:
            log_held_back(request, wait)
            # Raised here, not left to DRF's generic message: the project's detail, same code.
            raise TooManyRequests(wait, API_DETAIL)
        return True
