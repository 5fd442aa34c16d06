"""The class page: the progress grid with its live feed (both refresh themselves with htmx), and
its downloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from reporting import access, charts, exports, selectors, wording
from reporting.models import ClassFeedItem
from reporting.templatetags.reporting_format import (
    answer_kept_whole,
    maths_kept_whole,
    moment,
    moments,
)
from reporting.views.links import chapter_questions_url_maker, student_url_maker

STATUS_VIEW = {
    "not_started": ("○", "Not started"),
    "in_progress": ("◐", "In progress"),
    "stuck": ("⚠", "Stuck"),
    "passed": ("✓", "Passed"),
}
FEED_LABELS = {
    "quiz.QuizStarted": "started a quiz on",
    "quiz.QuestionAnsweredCorrectly": "answered correctly",
    "quiz.QuestionAnsweredIncorrectly": "answered incorrectly",
    "quiz.AnswerRevealed": "revealed the answer",
    "quiz.StudentGotStuck": "got stuck on",
    "quiz.StudentGotUnstuck": "got unstuck on",
    "quiz.QuizPassed": "passed",
}


def cell_html(cell: selectors.Cell) -> SafeString:
    """One grid cell as HTML: status by colour, icon and word, and the numbers behind it.

    Built here rather than in the template, and with plain strings rather than format_html: 300
    cells through the template engine cost more than every query of the page together, and
    through format_html, which escapes each of its arguments, still a third of the page. Nothing
    in a cell needs escaping: the status is one of STATUS_VIEW's (a KeyError otherwise), the
    rest are numbers."""
    icon, text = STATUS_VIEW[cell.status]
    status, chapter = cell.status, int(cell.chapter)
    detail = ""
    if cell.answered or cell.reveals:
        # Each part unbroken: a narrow column wraps between them, never inside one.
        streak = (
            f" · <span>streak {int(cell.streak)}</span>"
            if status in ("in_progress", "stuck")
            else ""
        )
        detail = (
            f'<span class="detail"><span>{int(cell.answered)} answered</span> · '
            f"<span>{int(cell.mistakes)} wrong</span>{streak}</span>"
        )
    if cell.stuck_again:
        # A passed chapter stays passed; a student stuck practising it again still wants help.
        # Not part of the detail, which a phone hides: there it would be left to a red border.
        detail += (
            '<span class="again stuck-again"><span aria-hidden="true">⚠</span>'
            " stuck practising again</span>"
        )
    return mark_safe(
        f'<td class="cell {status}" data-status="{status}" data-chapter="{chapter}">'
        f'<span class="status {status}"><span class="icon" aria-hidden="true">{icon}</span> '
        f'<span class="text">{text}</span></span>{detail}</td>'
    )


def row_html(
    row: selectors.GridRow,
    active: LastActive,
    student_url: Callable[[int], str],
    write_moment: Callable[[datetime], str],
) -> SafeString:
    """One student's row of the grid: their name (a link to their page), their cells, the time
    they spent and when they were last active. Built in Python for the cells' reason (see
    cell_html): 30 rows through the template engine were half the page's template time."""
    student, seconds = row.student, row.time_spent_seconds
    stuck = ' class="has-stuck"' if row.stuck else ""
    kind = " quiet" if active.quiet else " never" if active.never else ""
    if active.never or active.at is None:
        when = "never practised"
    elif active.quiet:
        when = (
            f'<span aria-hidden="true">☾</span> {write_moment(active.at)}'
            '<span class="visually-hidden"> (quiet a week or more)</span>'
        )
    else:
        when = write_moment(active.at)
    return mark_safe(
        f'<tr{stuck} data-student="{int(student.id)}"><th scope="row">'
        f'<a href="{student_url(student.id)}">{escape(student.name)}</a></th>'
        f"{''.join(cell_html(cell) for cell in row.cells)}"
        f'<td class="num" title="{int(seconds)} s">{wording.minutes(seconds)}</td>'
        f'<td class="num{kind}" data-quiet="{int(active.quiet)}" data-never="{int(active.never)}">'
        f"{when}</td></tr>"
    )


def chapter_head_html(chapter: selectors.ChapterRef, questions_url: str) -> SafeString:
    """A chapter's column heading: its title, a link to its questions as the class answered them.
    Built in Python for the cells' reason (see cell_html)."""
    return mark_safe(
        f'<th scope="col" class="chapter-head"><a href="{escape(questions_url)}" title="Questions '
        "of this chapter: how difficult each is for the class, and the common wrong answers"
        f'">{escape(chapter.title)}<span class="head-note"><span class="visually-hidden">: '
        '</span>questions <span aria-hidden="true">›</span></span></a></th>'  # noqa: RUF001
    )


def column_total_html(totals: selectors.ColumnTotals) -> SafeString:
    """A chapter's totals under its column: how many of the class passed it, and how many are
    stuck on it if any. Built in Python for the cells' reason (see cell_html)."""
    stuck = (
        f' <span class="status stuck"><span aria-hidden="true">⚠</span> {int(totals.stuck)}'
        '<span class="visually-hidden"> stuck</span></span>'
        if totals.stuck
        else ""
    )
    return mark_safe(
        f'<td class="total" data-chapter="{int(totals.chapter.id)}"><span class="status passed">'
        f'<span aria-hidden="true">✓</span> {int(totals.passed)}<span aria-hidden="true">/</span>'
        f'<span class="visually-hidden"> of </span>{int(totals.students)}'
        f'<span class="visually-hidden"> passed</span></span>{stuck}</td>'
    )


def _grid_context(request: HttpRequest, classroom_id: int) -> dict[str, Any]:
    classroom = access.classroom_for(request.user, classroom_id)
    sort = request.GET.get("sort", "stuck")
    if sort not in selectors.GRID_SORTS:
        sort = "stuck"
    reverse = request.GET.get("reverse") == "1"
    grid = selectors.grid(classroom, sort=sort, reverse=reverse)
    now = timezone.localtime()
    actives = [last_active(row.last_activity, now) for row in grid.rows]
    student_url = student_url_maker()
    questions_url = chapter_questions_url_maker()
    write_moment = moments(now)
    rows = [
        row_html(row, active, student_url, write_moment)
        for row, active in zip(grid.rows, actives, strict=True)
    ]
    # Stuck practising again is counted apart: those cells are Passed in the totals, and the
    # totals add up to the cells.
    totals = wording.cell_totals(
        list(STATUS_VIEW),
        ((cell.status, cell.stuck_again) for cell in grid.cells),
        ((active.quiet, active.never) for active in actives),
        chapters=len(grid.chapters),
    )
    return {
        "classroom": classroom,
        "grid": grid,
        "rows": rows,
        "chapter_heads": mark_safe(
            "".join(
                chapter_head_html(c, f"{questions_url(c.id)}?class={classroom.pk}")
                for c in grid.chapters
            )
        ),
        "column_totals": mark_safe("".join(column_total_html(t) for t in grid.column_totals())),
        "cell_totals": totals,
        "sort": sort,
        "reverse": reverse,
        "direction": "descending" if selectors.sorted_descending(sort, reverse) else "ascending",
        "sorts": [
            ("stuck", "Stuck first"),
            ("name", "Name"),
            ("passed", "Most chapters passed"),
            ("time", "Most time spent"),
            ("activity", "Most recently active"),
        ],
        "status_view": STATUS_VIEW,
        "totals": [(STATUS_VIEW[key], n, key) for key, n in totals.by_status.items()],
        "updated": timezone.now(),
    }


@require_GET
@login_required
def class_grid(request: HttpRequest, classroom_id: int) -> HttpResponse:
    context = _grid_context(request, classroom_id)
    days = selectors.class_days(classroom_id, days=14)
    answers = [d.answered for d in days]
    context["answers_chart"] = charts.bar_chart(
        "Answers per day, last 14 days",
        [wording.day_and_month(d.day) for d in days],
        answers,
        every=2,
        labels_from="last",
        columns=("Day", "Answers"),
        caption=wording.answers_chart_caption([d.day for d in days], answers, timezone.localdate()),
    )
    context["days"] = days
    context["feed"] = _feed_items(classroom_id, None, context["grid"])
    return render(request, "reporting/class_grid.html", context)


@require_GET
@login_required
def grid_partial(request: HttpRequest, classroom_id: int) -> HttpResponse:
    return render(request, "reporting/_grid.html", _grid_context(request, classroom_id))


def _feed_items(
    classroom_id: int, since: datetime | None, grid: selectors.Grid | None = None
) -> list[SafeString]:
    """The feed's newest items; with the class page's `grid`, its students' names and its
    chapters' titles are not read again (only those the grid has not: a student who joined the
    class in between)."""
    items = selectors.feed(classroom_id, since=since, limit=30)
    names: dict[int, str] = {} if grid is None else {s.id: s.name for s in grid.students}
    names.update(selectors.names({i.student_id for i in items} - names.keys()))
    texts = selectors.question_texts({i.question_id for i in items if i.question_id})
    # An item without a question (started, stuck, unstuck, passed) names its chapter instead:
    # "got stuck" alone would send the teacher to the grid to find out where.
    titles: dict[int, str] = {} if grid is None else {c.id: c.title for c in grid.chapters}
    titles.update(
        selectors.chapter_titles({i.chapter_id for i in items if not i.question_id} - titles.keys())
    )
    # A wrong choice reads as "A: 3/5", as on the question difficulty page (right answers and
    # reveals show no answer). Only when the feed holds a wrong answer: it is polled every 2 s.
    choices = selectors.feed_choice_labels(
        i.position for i in items if i.correct is False and i.answer
    )
    student_url = student_url_maker()
    write_moment = moments()
    return [
        feed_item_html(
            item,
            names.get(item.student_id, f"Student {item.student_id}"),
            question=texts.get(item.question_id, "") if item.question_id else "",
            chapter="" if item.question_id else titles.get(item.chapter_id, ""),
            answer=wording.labelled(item.answer, choices.get(item.position)),
            student_url=student_url,
            write_moment=write_moment,
        )
        for item in items
    ]


def feed_item_html(
    item: ClassFeedItem,
    name: str,
    *,
    question: str,
    chapter: str,
    answer: str,
    student_url: Callable[[int], str],
    write_moment: Callable[[datetime], str] = moment,
) -> SafeString:
    """One item of the live feed. The whole item is its student's link: a thumb lands on it
    anywhere (at least 44 px high on a phone or a touch screen; the name alone was 19), and the
    item stays as tall as its words; only the name looks like a link. Not draggable, and its
    words selectable (reporting.css): a drag across them selects them (a wrong answer to copy)
    instead of dragging the link away, and live.js keeps that drag from following the link.
    Built in Python for the grid's reason (see cell_html): polled every 2 s by every teacher."""
    tone = "good" if item.correct is True else "bad" if item.correct is False else ""
    label = FEED_LABELS.get(item.type, item.type)
    words = f'<bdi class="name">{escape(name)}</bdi> {escape(label)}'
    if chapter:
        words += f' <span class="q">{escape(chapter)}</span>'
    if question:
        words += f': <span class="q">{maths_kept_whole(Truncator(question).chars(60))}</span>'
    if item.correct is False and answer:
        words += f" (“<bdi>{answer_kept_whole(Truncator(answer).chars(30))}</bdi>”)"
    return mark_safe(
        f'<li class="feed-item {tone}" data-type="{escape(item.type)}" '
        f'data-key="{int(item.position)}"><a draggable="false" '
        f'href="{student_url(item.student_id)}">{write_moment(item.at)}\n{words}</a></li>'
    )


QUIET_DAYS = 7


class LastActive(NamedTuple):
    at: datetime | None  # written as every moment on the teacher pages (reporting_format.moment)
    quiet: bool = False  # QUIET_DAYS or more ago: gone quiet, a teacher may ask why
    never: bool = False  # never practised: a newcomer (a new class), not someone gone quiet


def last_active(at: datetime | None, now: datetime) -> LastActive:
    """When a student last did anything, as a teacher scans a column for who has gone quiet:
    QUIET_DAYS or more ago (by then the moment reads as a date, no longer as a weekday). A
    student who never did anything has not gone quiet: they have not started yet, which a new
    class's teacher expects of every student. By calendar day in the site's time zone."""
    if at is None:
        return LastActive(None, never=True)
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return LastActive(at, quiet=(now.date() - local.date()).days >= QUIET_DAYS)


@require_GET
@login_required
def feed_partial(request: HttpRequest, classroom_id: int) -> HttpResponse:
    access.classroom_for(request.user, classroom_id)
    since = selectors.read_moment(request.GET.get("since", ""))  # unreadable: the latest items
    return render(
        request,
        "reporting/_feed.html",
        {"feed": _feed_items(classroom_id, since), "classroom_id": classroom_id},
    )


@require_GET
@login_required
def export_csv(request: HttpRequest, classroom_id: int) -> HttpResponse:
    return exports.download(exports.grid_to_export(request.user, classroom_id), "csv")


@require_GET
@login_required
def export_xlsx(request: HttpRequest, classroom_id: int) -> HttpResponse:
    return exports.download(exports.grid_to_export(request.user, classroom_id), "xlsx")
