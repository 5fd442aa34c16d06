"""Admin for the projection checkpoints: where each projection stands, how far behind it is, why it
stopped; and the actions an operator needs, queued to the workers.

Seeing them takes Django's "view" permission on checkpoints; the actions take "operate
projections" (superusers have both): a content editor with the staff flag neither sees the
checkpoints nor rebuilds them. A rebuild asks first, since it empties the reports until done."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format

from events import projections, selectors
from events.models import ProjectionCheckpoint
from studyflow.read_only_admin import ReadOnlyAdmin

# Lag is computed once per row per page view; the admin instance is shared between threads.
_page = threading.local()


def _outdated() -> Q:
    """The checkpoints of registered projections whose rows an older version computed."""
    outdated = Q(pk__in=[])  # no projection registered: none
    for projection in projections.all_projections():
        outdated |= Q(name=projection.name, version__lt=projection.version)
    return outdated


class StateFilter(admin.SimpleListFilter):
    """By state as the health check and `projections status` tell it: a checkpoint whose rows an
    older version computed is a pending rebuild, whatever its stored status says."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            *ProjectionCheckpoint.Status.choices,
            (selectors.REBUILD_PENDING, "Rebuild pending"),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ProjectionCheckpoint]
    ) -> QuerySet[ProjectionCheckpoint]:
        chosen = self.value()
        if chosen == selectors.REBUILD_PENDING:
            return queryset.filter(_outdated())
        if chosen in ProjectionCheckpoint.Status.values:
            return queryset.filter(status=chosen).exclude(_outdated())
        return queryset


class ProjectionCheckpointAdmin(ReadOnlyAdmin):
    deletion_refused = (
        "A projection's checkpoint cannot be deleted: it is where the workers stand in the event "
        "log. To compute a report afresh, tick it in the list and choose the “Rebuild” action."
    )
    # What an operator looks for first comes first: the table scrolls sideways on a narrow screen.
    # One column a question (how far behind, what failed and when it is tried again), so that a
    # laptop's screen shows them all; the checkpoint's page has every field.
    list_display = ["projection", "state", "behind", "short_error", "progress", "position"]
    list_filter = [StateFilter, "name"]

    class Media:
        css = {"all": ("events/admin.css",)}

    actions = ["catch_up_now", "rebuild"]
    readonly_fields = ["state", *(field.name for field in ProjectionCheckpoint._meta.fields)]

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("events.operate_projections"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @staticmethod
    def _pending(obj: ProjectionCheckpoint) -> projections.Projection | None:
        """The projection, when a release raised its version and its rebuild has not started."""
        try:
            projection = projections.get(obj.name)
        except projections.ProjectionNotFound:
            return None
        status = selectors.state(obj.status, obj.version, projection.version)
        return projection if status == selectors.REBUILD_PENDING else None

    def _lag(self, obj: ProjectionCheckpoint) -> tuple[int, float] | None:
        cache: dict[int, tuple[int, float] | None] = _page.__dict__.setdefault("lag", {})
        if obj.pk not in cache:
            try:
                projection = projections.get(obj.name)
            except projections.ProjectionNotFound:
                cache[obj.pk] = None
            else:
                # A pending rebuild starts from the beginning: the whole log is to apply, as the
                # health check counts it.
                cursor = "" if self._pending(obj) else obj.cursor
                cache[obj.pk] = selectors.lag(projection, obj.partition, cursor)
        return cache[obj.pk]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        _page.lag = {}
        return super().changelist_view(request, extra_context)

    @admin.display(description="projection", ordering="name")
    def projection(self, obj: ProjectionCheckpoint) -> str:
        return str(obj)

    @admin.display(description="state", ordering="status")
    def state(self, obj: ProjectionCheckpoint) -> str:
        """Its stored status, unless a release raised the projection's version: then its reports
        are the old version's until a worker running the release rebuilds it, whatever the
        stored status says (as `projections status` and the health check tell it)."""
        pending = self._pending(obj)
        if pending is not None:
            return selectors.pending_note(obj.version, pending.version).capitalize()
        return str(obj.get_status_display())

    @admin.display(description="behind")
    def behind(self, obj: ProjectionCheckpoint) -> str:
        found = self._lag(obj)
        if found is None:
            return "unregistered"
        events, seconds = found
        return f"{events} event{'' if events == 1 else 's'}, {seconds:.1f} s"

    @admin.display(description="rebuild")
    def progress(self, obj: ProjectionCheckpoint) -> str:
        done = obj.rebuild_progress
        if done is None or self._pending(obj):  # an old version's rebuild: started over
            return ""
        return f"{done:.0%} ({obj.events_applied} of {obj.rebuild_total})"

    @admin.display(description="last error")
    def short_error(self, obj: ProjectionCheckpoint) -> str:
        """The error's last line, and while it holds the projection up: at which event, how many
        times in a row, and when it is tried again."""
        lines = obj.last_error.strip().splitlines()
        if not lines:
            return ""
        facts = []
        if obj.failed_position is not None:
            facts.append(f"at event {obj.failed_position}")
        if obj.failures:
            facts.append(f"{obj.failures} failure{'' if obj.failures == 1 else 's'} in a row")
        if obj.next_attempt_at is not None:
            at = timezone.localtime(obj.next_attempt_at)
            facts.append(f"next try {date_format(at, 'DATETIME_FORMAT')}")
        error = lines[-1][:200]
        return f"{error} ({'; '.join(facts)})" if facts else error

    @admin.action(description="Catch up now (queued to a worker)", permissions=["operate"])
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

    @admin.action(description="Rebuild (queued to a worker)…", permissions=["operate"])
    def rebuild(
        self, request: HttpRequest, queryset: QuerySet[ProjectionCheckpoint]
    ) -> TemplateResponse | None:
        from events.tasks import rebuild_projection

        found = set(queryset.values_list("name", flat=True))
        names = sorted(name for name in found if self._registered(name))
        if names and request.POST.get("confirmed") != "yes":
            return self._confirm_rebuild(request, queryset, names)
        self._warn_unregistered(request, found)
        if not names:
            return None
        for name in names:
            try:
                rebuild_projection.apply_async(args=(name,), retry=False)
            except Exception as error:
                self.message_user(request, f"Broker unavailable: {error}", messages.ERROR)
                return None
        self.message_user(
            request, f"Queued a rebuild of {', '.join(names)}; progress shows on this page."
        )
        return None

    def _confirm_rebuild(
        self, request: HttpRequest, queryset: QuerySet[ProjectionCheckpoint], names: list[str]
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Rebuild projections?",
            "opts": self.model._meta,
            "names": names,
            "checkpoints": list(queryset),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/rebuild_confirm.html", context)

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
