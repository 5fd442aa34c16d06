"""The web side of the pages of passwords just made (studyflow.passwords_waiting): the form that
makes them is answered with a redirect to their page (SeeOther), and passwords not shown in time
are dropped from the session at its next request, whatever it asks for: their page, where they are
dropped otherwise, may never be opened, and the session row would keep them in plain text for as
long as the session. One middleware for each kind, by its session key: a class list's new students
here, a teacher's new password in reporting.middleware."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from studyflow import class_lists_added, passwords_waiting


class SeeOther(HttpResponseRedirect):
    """The answer to a form that did something: the browser GETs the page it names, and reloading
    that page sends no form again."""

    status_code = 303


def to_their_page_as_saved(request: HttpRequest, page: str) -> SeeOther:
    """The answer to a form that made no passwords, sent on to their `page` with the session left
    as whoever made them saved it: a double click's second send, which read the session as it
    arrived, before the first saved the passwords in it. Written back (the middleware's drop of
    passwords not shown in time marks it changed), it would lose them, and the page both sends
    lead to would have none to show. Nothing this request did needs keeping: a drop left unsaved is
    done again at the next request."""
    request.session.modified = False
    return SeeOther(page)


class DropPasswordsNotShownMiddleware:
    """Drops the passwords kept under `session_key` once they waited too long."""

    session_key: ClassVar[str]

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Only with a session cookie: without one there is no session to read, and reading it
        # would still add "Vary: Cookie" to every anonymous answer.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            drop_passwords_not_shown(request.session, self.session_key)
        return self.get_response(request)


class DropClassListsNotShownMiddleware(DropPasswordsNotShownMiddleware):
    session_key = class_lists_added.SESSION_KEY


@sensitive_variables("kept", "after")
def drop_passwords_not_shown(session: SessionBase, session_key: str) -> None:
    """Written only when some were dropped: once per page of passwords, not at every request."""
    kept = session.get(session_key)
    if not isinstance(kept, dict) or not kept:
        return
    after = passwords_waiting.pruned(kept, timezone.now())
    if after != kept:
        session[session_key] = after
