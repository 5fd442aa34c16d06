"""The event list's own admin tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

from events.admin_dates import DrillDown

register = template.Library()


@register.filter(name="estimate")
def rounded(count: int) -> str:
    """A count that is an estimate, as read: to three significant digits, in thousands
    (1,004,467 -> "1,000,000"; 24,342 -> "24,300")."""
    digits = len(str(abs(count)))
    return f"{round(count, min(0, 3 - digits)):,}"


def event_date_hierarchy(changelist: Any) -> dict[str, Any] | None:
    """Django's date hierarchy (its links, titles and template), its periods found through the
    index (events.admin_dates)."""
    # DrillDown stands in for the changelist: it has all Django's function reads of one.
    result: dict[str, Any] | None = date_hierarchy(DrillDown(changelist))  # type: ignore[arg-type]
    return result


@register.tag(name="event_date_hierarchy")
def event_date_hierarchy_tag(parser: template.base.Parser, token: template.base.Token) -> Any:
    return InclusionAdminNode(
        parser,
        token,
        func=event_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
