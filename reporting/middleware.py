"""A new password not shown in time is dropped from the teacher's session at their next request,
whatever it asks for (reporting.new_passwords): its own page, where it is dropped otherwise, may
never be opened, and the session row would keep it in plain text for as long as the session."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from reporting import new_passwords


class DropNewPasswordsNotShownMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Only with a session cookie: without one there is no session to read, and reading it
        # would still add "Vary: Cookie" to every anonymous answer.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            drop_new_passwords_not_shown(request.session)
        return self.get_response(request)


@sensitive_variables("kept", "after")
def drop_new_passwords_not_shown(session: SessionBase) -> None:
    """Written only when one was dropped: once per password not shown, not at every request."""
    kept = session.get(new_passwords.SESSION_KEY)
    if not isinstance(kept, dict) or not kept:
        return
    after = new_passwords.pruned(kept, timezone.now())
    if after != kept:
        session[new_passwords.SESSION_KEY] = after
