"""What support looks up about students' quizzes: why a student's command changed nothing
(command outcomes, read-only), a student's quizzes found by username in the event admin, and the
quiz's event types in its "By type" filter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest

from events.admin import register_event_types, register_stream_finder
from quiz import domain, selectors, services
from quiz.models import CommandOutcome
from studyflow.read_only_admin import ReadOnlyAdmin


@admin.register(CommandOutcome)
class CommandOutcomeAdmin(ReadOnlyAdmin):
    """Read-only: why a student's command changed nothing (support questions)."""

    list_display = ["recorded_at", "command", "actor", "stream_id", "code"]
    list_filter = ["command", "code"]
    search_fields = ["stream_id", "=command_id", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "recorded_at"
    show_full_result_count = False  # one row per refused command: it grows

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a student deletes their outcomes; refusing that refused the student's
        # deletion whenever they had a recent one. An outcome is disposable: without it a
        # re-sent command is decided afresh, as after COMMAND_OUTCOME_DAYS.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


# The event admin's "By type" filter lists them.
register_event_types(domain.EVENT_TYPES)


@register_stream_finder
def quizzes_of_username(term: str) -> list[str]:
    """The event admin's search: a student's username finds the events of all their quizzes."""
    student = User.objects.filter(username=term).values_list("pk", flat=True).first()
    if student is None:
        return []
    return [services.stream_id(quiz_id) for quiz_id in selectors.quiz_ids_of(student)]
