"""An admin for tables nobody edits by hand: events, checkpoints, read models, command outcomes;
and the refusal of deletion that these and questions share."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class RefusesDeletion(admin.ModelAdmin):
    """An admin whose rows are never deleted, whoever asks. Its delete page (reached by typing its
    address: no link leads there) says why and what to do instead, and goes back to the row:
    Django's own refusal, "This page is not for your account", blamed the account, even a
    superuser's. A staff member who may not see the rows at all still gets that refusal."""

    # Why these rows are kept, and what to do instead: one or two sentences for staff.
    deletion_refused = "These rows are kept by Studyflow itself, so they cannot be deleted here."

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if self.has_delete_permission(request, obj) or not self.has_view_or_change_permission(
            request, obj
        ):
            return super().delete_view(request, object_id, extra_context)
        messages.error(request, self.deletion_refused)
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
        if obj is None:  # no such row: the list, where the message is read as well
            return HttpResponseRedirect(reverse(f"{name}_changelist"))
        return HttpResponseRedirect(reverse(f"{name}_change", args=[quote(obj.pk)]))


class ReadOnlyAdmin(RefusesDeletion):
    # "Show counts" would count these large tables once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    deletion_refused = (
        "These rows are written by Studyflow itself, never by hand, so they cannot be deleted."
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
