"""Template filters of the teacher pages, and the HTML they write (the views building rows in
Python use the same functions)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from reporting import wording

register = template.Library()


@register.filter
def minutes(seconds: int | float | None) -> str:
    """wording.minutes: "< 1 min" for a little time, not "0 min", which reads as none."""
    return wording.minutes(seconds or 0)


@register.filter
def moment(at: datetime, now: datetime | None = None) -> SafeString:
    """A moment as every teacher page writes it (wording.moment), in the school's time zone (the
    current one) and reckoned from today there: a <time> with the moment to the second in its
    datetime and its full date and time in its title."""
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    today = timezone.localtime(now)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        wording.moment_in_full(local),
        wording.moment(local, today),
    )
