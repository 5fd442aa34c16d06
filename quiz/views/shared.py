"""What the student pages share: POST-only forms that a GET passes on to a page, the limit on
commands sent from a form, and the quizzes the session worked on last."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect

from quiz import command_guard
from quiz.command_limits import page_message
from quiz.pages import remembered

View = Callable[..., HttpResponseBase]


def post_else_go_to(page: Callable[..., str]) -> Callable[[View], View]:
    """POST only; a GET of the URL goes on to `page(**the view's arguments)` instead of an empty
    405. Such a GET comes from a log-in's `next`: a form sent after the session ended (logged out in
    another tab) is redirected to log in, and then back to the form's own URL."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
            if request.method in ("GET", "HEAD"):
                return redirect(page(**kwargs))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, **kwargs)

        return wrapped

    return decorate


RECENT_QUIZZES_KEY = "recent_quizzes"


def _remember_quiz(request: HttpRequest, quiz_id: str) -> None:
    """Keep the quiz among the session's recent ones (a session write only when it changes)."""
    recent = _recent_quizzes(request)
    if recent[:1] != [quiz_id]:
        request.session[RECENT_QUIZZES_KEY] = remembered(recent, quiz_id)


def _recent_quizzes(request: HttpRequest) -> list[str]:
    recent = request.session.get(RECENT_QUIZZES_KEY)
    return [str(q) for q in recent] if isinstance(recent, list) else []


def _held_back(request: HttpRequest, command_id: uuid.UUID) -> bool:
    """Count the form's command toward the student's limit (quiz.command_guard), once however
    often the form is sent. Over it, the page says so and how long to wait, and nothing is
    sent."""
    wait = command_guard.wait_before_command(request.user, command_id=command_id)
    if wait:
        command_guard.log_held_back(request, wait)
        messages.warning(request, page_message(wait))
    return bool(wait)
