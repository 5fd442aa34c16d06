"""Beat's daily task forgets the sessions that ran out (studyflow/tasks.py), as `clearsessions`
would: their rows otherwise stay in the database with what they held."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyflow import celery, tasks

pytestmark = pytest.mark.django_db


def a_session(expires_in: timedelta) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["held"] = "something"
    store.set_expiry(timezone.now() + expires_in)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_the_sessions_that_ran_out_are_forgotten_and_the_others_kept() -> None:
    # Given a session that ran out an hour ago and one that runs for another day
    ended = a_session(timedelta(hours=-1))
    running = a_session(timedelta(days=1))

    # When beat's daily task runs
    tasks.forget_ended_sessions()

    # Then only the running one is left
    assert list(Session.objects.values_list("session_key", flat=True)) == [running]
    assert ended != running


def test_every_task_beat_schedules_is_one_the_workers_know() -> None:
    celery.app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery.app.tasks, entry["task"]
