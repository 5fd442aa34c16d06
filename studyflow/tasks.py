"""Thin Celery tasks of the studyflow app."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="studyflow.forget_ended_sessions", ignore_result=True)
def forget_ended_sessions() -> None:
    """Beat runs it daily, as Django's `clearsessions` does: a session that ended (logged out
    ones are deleted at once; these ran out) stays a row in the database until removed, with
    what it held, such as a new password a teacher never opened the page of."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
