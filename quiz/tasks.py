"""Thin Celery tasks of the quiz app."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from quiz import services


@shared_task(name="quiz.forget_old_command_outcomes", ignore_result=True)
def forget_old_command_outcomes() -> int:
    """Beat runs it daily: re-sends are honoured for COMMAND_OUTCOME_DAYS, not forever."""
    return services.forget_old_outcomes(days=settings.COMMAND_OUTCOME_DAYS)
