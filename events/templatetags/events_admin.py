"""The event list's own admin tags."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter(name="estimate")
def rounded(count: int) -> str:
    """A count that is an estimate, as read: to three significant digits, in thousands
    (1,004,467 -> "1,000,000"; 24,342 -> "24,300")."""
    digits = len(str(abs(count)))
    return f"{round(count, min(0, 3 - digits)):,}"
