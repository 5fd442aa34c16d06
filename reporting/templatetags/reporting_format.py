"""Template filters of the teacher pages."""

from django import template

register = template.Library()


@register.filter
def minutes(seconds: int | float | None) -> str:
    """Whole minutes, rounded; a little time is "< 1 min", not "0 min", which reads as none."""
    total = max(0.0, float(seconds or 0))
    rounded = int(total / 60 + 0.5)
    if rounded == 0 and total > 0:
        return "< 1 min"
    return f"{rounded} min"
