"""Admin for the projection checkpoints (staff only): where each projection stands, how far behind
it is, why it stopped; and the actions an operator needs, queued to the workers."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from events import projections, selectors
from events.models import ProjectionCheckpoint
from studyflow.read_only_admin import ReadOnlyAdmin

# Lag is computed once per row per page view; the admin instance is shared between threads.
_page = threading.local()


class ProjectionCheckpointAdmin(ReadOnlyAdmin):
    # What an operator looks for first comes first: the table scrolls sideways on a narrow screen.
    list_display = [
        "__str__",
        "status",
        "events_behind",
        "seconds_behind",
        "short_error",
        "progress",
        "next_attempt_at",
        "failed_position",
        "position",
        "updated_at",
    ]
    list_filter = ["status", "name"]

    class Media:
        css = {"all": ("events/admin.css",)}

    actions = ["catch_up_now", "rebuild"]
    readonly_fields = [field.name for field in ProjectionCheckpoint._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _lag(self, obj: ProjectionCheckpoint) -> tuple[int, float] | None:
        cache: dict[int, tuple[int, float] | None] = _page.__dict__.setdefault("lag", {})
        if obj.pk not in cache:
            try:
                projection = projections.get(obj.name)
            except projections.ProjectionNotFound:
                cache[obj.pk] = None
            else:
                cache[obj.pk] = selectors.lag(projection, obj.partition, obj.cursor)
        return cache[obj.pk]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        _page.lag = {}
        return super().changelist_view(request, extra_context)

    @admin.display(description="events behind")
    def events_behind(self, obj: ProjectionCheckpoint) -> str:
        found = self._lag(obj)
        return "unregistered" if found is None else str(found[0])

    @admin.display(description="seconds behind")
    def seconds_behind(self, obj: ProjectionCheckpoint) -> str:
        found = self._lag(obj)
        return "" if found is None else f"{found[1]:.1f}"

    @admin.display(description="rebuild progress")
    def progress(self, obj: ProjectionCheckpoint) -> str:
        done = obj.rebuild_progress
        if done is None:
            return ""
        return f"{done:.0%} ({obj.events_applied} of {obj.rebuild_total})"

    @admin.display(description="last error")
    def short_error(self, obj: ProjectionCheckpoint) -> str:
        lines = obj.last_error.strip().splitlines()
        return lines[-1][:200] if lines else ""

    @admin.action(description="Catch up now (queued to a worker)")
    def catch_up_now(self, request: HttpRequest, queryset: QuerySet[ProjectionCheckpoint]) -> None:
        from events.tasks import catch_up_projection

        queued = 0
        checkpoints = list(queryset)
        self._warn_unregistered(request, {checkpoint.name for checkpoint in checkpoints})
        for checkpoint in checkpoints:
            if not self._registered(checkpoint.name):
                continue
            try:
                catch_up_projection.apply_async(
                    args=(checkpoint.name, checkpoint.partition),
                    kwargs={"force": True},
                    retry=False,
                )
                queued += 1
            except Exception as error:
                self.message_user(request, f"Broker unavailable: {error}", messages.ERROR)
                return
        self.message_user(request, f"Queued a catch-up of {queued} checkpoint(s).")

    @admin.action(description="Rebuild (queued to a worker)")
    def rebuild(self, request: HttpRequest, queryset: QuerySet[ProjectionCheckpoint]) -> None:
        from events.tasks import rebuild_projection

        found = set(queryset.values_list("name", flat=True))
        self._warn_unregistered(request, found)
        names = sorted(name for name in found if self._registered(name))
        if not names:
            return
        for name in names:
            try:
                rebuild_projection.apply_async(args=(name,), retry=False)
            except Exception as error:
                self.message_user(request, f"Broker unavailable: {error}", messages.ERROR)
                return
        self.message_user(
            request, f"Queued a rebuild of {', '.join(names)}; progress shows on this page."
        )

    @staticmethod
    def _registered(name: str) -> bool:
        try:
            projections.get(name)
        except projections.ProjectionNotFound:
            return False
        return True

    def _warn_unregistered(self, request: HttpRequest, names: set[str]) -> None:
        # A checkpoint left behind by a projection that was removed or renamed: a task for it
        # would only fail (or be dropped) on the worker, out of the operator's sight.
        unknown = sorted(name for name in names if not self._registered(name))
        if unknown:
            self.message_user(
                request,
                f"Skipped {', '.join(unknown)}: no such projection is registered.",
                messages.WARNING,
            )


def register_admin() -> None:
    if not admin.site.is_registered(ProjectionCheckpoint):
        admin.site.register(ProjectionCheckpoint, ProjectionCheckpointAdmin)
