"""Template filters of the teacher pages, and the HTML they write (the views building rows in
Python use the same functions)."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from html import escape

from django import template
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from reporting import wording
from reporting.charts import BarChart

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
    return moments(now)(at)


def moments(now: datetime | None = None) -> Callable[[datetime], SafeString]:
    """moment() for the many moments of one page, all reckoned from its `now`: the time zone and
    today are looked up once, not for each of hundreds (a student's answers)."""
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone)

    def write(at: datetime) -> SafeString:
        local = at.astimezone(zone) if timezone.is_aware(at) else at
        # Nothing to escape: digits, signs and English names of days and months, all ours.
        return mark_safe(
            f'<time datetime="{local.isoformat(timespec="seconds")}" '
            f'title="{wording.moment_in_full(local)}">{wording.moment(local, today)}</time>'
        )

    return write


# A piece that may not wrap inside, and one that may wrap anywhere (reporting.css).
_WRAP_CLASS = {"whole": "unbroken", "anywhere": "long-run"}


def _pieces_html(pieces: list[tuple[str, wording.Wrap]]) -> SafeString:
    return mark_safe(
        "".join(
            f'<span class="{_WRAP_CLASS[wrap]}">{escape(piece)}</span>' if wrap else escape(piece)
            for piece, wrap in pieces
        )
    )


@register.filter
def maths_kept_whole(text: str) -> SafeString:
    """A text (a question) for a narrow column: its short sums on one line, a run too long to keep
    whole broken anywhere (wording.wrapping). A squeezed column broke "x + 7 = 12" as
    "x / + 7 = 12"."""
    return _maths_html(str(text))


@register.filter
def answer_kept_whole(answer: str) -> SafeString:
    """A student's answer for a narrow column: a short one on one line, a longer one as a text
    (wording.answer_wrapping). A whole cell allowed to break anywhere is one letter wide at the
    least: a squeezed table broke "revealed" as "reveale / d"."""
    return _answer_html(str(answer))


# Remembered: a page shows the same question's text, or the same common wrong answer, many times
# (a student's answers), and every page of a class shows the same few hundred.
@lru_cache(maxsize=4096)
def _maths_html(text: str) -> SafeString:
    return _pieces_html(wording.wrapping(text))


@lru_cache(maxsize=4096)
def _answer_html(answer: str) -> SafeString:
    return _pieces_html(wording.answer_wrapping(answer))


# A chart's bars, written here rather than by loops in reporting/_bar_chart.html: the loops of a
# chart of 14 days were a fifth of the class page's template time (of 30 days, more).
@register.filter
def bar_rects(chart: BarChart) -> SafeString:
    """The chart's bars in its SVG, each with its label and value for a tooltip; each on a line
    of its own, as the template's loop wrote them."""
    number = _number_writer()
    unit = f" {escape(chart.unit)}" if chart.unit else ""
    return mark_safe(
        "".join(
            f'\n    <rect x="{number(bar.x)}" y="{number(bar.y)}" width="{number(bar.width)}" '
            f'height="{number(bar.height)}" class="bar"><title>{escape(bar.label)}: '
            f"{number(bar.value)}{unit}</title></rect>\n    "
            for bar in chart.bars
        )
    )


@register.filter
def bar_labels(chart: BarChart) -> SafeString:
    """The labels under the chart, one per bar: those not shown left empty, and those shown
    only on a wide screen so marked."""
    wide_only = ' class="wide-only"'
    return mark_safe(
        "".join(
            f"<span{'' if bar.show_label_narrow else wide_only}>"
            f"{escape(bar.label) if bar.show_label else ''}</span>"
            for bar in chart.bars
        )
    )


@register.filter
def bar_rows(chart: BarChart) -> SafeString:
    """The rows of the chart's table, for a screen reader: a bar's label and value each."""
    number = _number_writer()
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{escape(bar.label)}</th><td class="num">{number(bar.value)}'
            "</td></tr>"
            for bar in chart.bars
        )
    )


def _number_writer() -> Callable[[float], str]:
    """A number as the template engine writes one (formats.localize), the language's separators
    looked up once: looked up for each, a chart's hundred numbers took a millisecond."""
    language = get_language()
    decimal_separator = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    thousand_separator = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)

    def write(value: float) -> str:
        return numberformat.format(
            value, decimal_separator, None, grouping, thousand_separator, use_l10n=True
        )

    return write
