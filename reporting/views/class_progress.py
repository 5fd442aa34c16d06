"""Teacher pages: classes, the class progress grid with its live feed, a student's answers, and the
difficulty of a chapter's questions. Thin: access checks (reporting.access), reads
(reporting.selectors), render. The grid and the feed refresh themselves with htmx.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from quiz.answers import is_correct
from reporting import access, analysis, charts, exports, selectors, wording
from reporting.models import Answer, StudentProgress
from reporting.templatetags.reporting_format import answer_kept_whole, maths_kept_whole, moment
from studyflow import roles
from studyflow import services as roster
from studyflow.models import Classroom

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


@require_GET
@login_required
def classes(request: HttpRequest) -> HttpResponse:
    access.require_reporter(request.user)
    visible = list(roles.classes_visible_to(request.user).annotate(student_count=Count("students")))
    stuck = _stuck_students(visible)
    return render(
        request,
        "reporting/classes.html",
        {
            "classes": [(c, stuck.get(c.pk, 0)) for c in visible],
            "chapters": selectors.reported_chapters(roles.schools_of(request.user)),
            "all_classes": roles.is_staff(request.user),  # staff see every class, not theirs
        },
    )


def _stuck_students(classes: list[Any]) -> dict[int, int]:
    """Per class, how many of its students are stuck somewhere, practising a passed chapter again
    included: two queries for any number of classes (the roster through table, then the stuck
    students)."""
    members: dict[int, set[int]] = {classroom.pk: set() for classroom in classes}
    roster = Classroom.students.through.objects.filter(classroom_id__in=list(members))
    for classroom_id, student_id in roster.values_list("classroom_id", "user_id"):
        members[classroom_id].add(student_id)
    everyone = set().union(*members.values())
    stuck = set(
        StudentProgress.objects.filter(student_id__in=everyone, stuck=True).values_list(
            "student_id", flat=True
        )
    )
    return {pk: len(ids & stuck) for pk, ids in members.items()}


def cell_html(cell: selectors.Cell) -> str:
    """One grid cell as HTML: status by colour, icon and word, and the numbers behind it.

    Built here rather than in the template: 300 cells through the template engine cost more than
    every query of the page together."""
    icon, text = STATUS_VIEW[cell.status]
    detail = mark_safe("")
    if cell.answered or cell.reveals:
        # Each part unbroken: a narrow column wraps between them, never inside one.
        streak = (
            format_html(" · <span>streak {}</span>", cell.streak)
            if cell.status in ("in_progress", "stuck")
            else ""
        )
        detail = format_html(
            '<span class="detail"><span>{} answered</span> · <span>{} wrong</span>{}</span>',
            cell.answered,
            cell.mistakes,
            streak,
        )
    if cell.stuck_again:
        # A passed chapter stays passed; a student stuck practising it again still wants help.
        # Not part of the detail, which a phone hides: there it would be left to a red border.
        detail += mark_safe(
            '<span class="again stuck-again"><span aria-hidden="true">⚠</span>'
            " stuck practising again</span>"
        )
    return format_html(
        '<td class="cell {0}" data-status="{0}" data-chapter="{1}"><span class="status {0}">'
        '<span class="icon" aria-hidden="true">{2}</span> <span class="text">{3}</span></span>'
        "{4}</td>",
        cell.status,
        cell.chapter,
        icon,
        text,
        detail,
    )


def _grid_context(request: HttpRequest, classroom_id: int) -> dict[str, Any]:
    classroom = access.classroom_for(request.user, classroom_id)
    sort = request.GET.get("sort", "stuck")
    if sort not in selectors.GRID_SORTS:
        sort = "stuck"
    reverse = request.GET.get("reverse") == "1"
    grid = selectors.grid(classroom, sort=sort, reverse=reverse)
    now = timezone.localtime()
    rows = [
        (row, [cell_html(cell) for cell in row.cells], last_active(row.last_activity, now))
        for row in grid.rows
    ]
    # Stuck practising again is counted apart: those cells are Passed in the totals, and the
    # totals add up to the cells.
    totals = wording.cell_totals(
        list(STATUS_VIEW),
        ((cell.status, cell.stuck_again) for cell in grid.cells),
        ((active.quiet, active.never) for _, _, active in rows),
        chapters=len(grid.chapters),
    )
    return {
        "classroom": classroom,
        "grid": grid,
        "rows": rows,
        "column_totals": grid.column_totals(),
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
    context["feed"] = _feed_items(classroom_id, None)
    return render(request, "reporting/class_grid.html", context)


@require_GET
@login_required
def grid_partial(request: HttpRequest, classroom_id: int) -> HttpResponse:
    return render(request, "reporting/_grid.html", _grid_context(request, classroom_id))


def _feed_items(classroom_id: int, since: datetime | None) -> list[dict[str, Any]]:
    items = selectors.feed(classroom_id, since=since, limit=30)
    names = selectors.names(item.student_id for item in items)
    texts = selectors.question_texts({i.question_id for i in items if i.question_id})
    # An item without a question (started, stuck, unstuck, passed) names its chapter instead:
    # "got stuck" alone would send the teacher to the grid to find out where.
    titles = selectors.chapter_titles({i.chapter_id for i in items if not i.question_id})
    # A wrong choice reads as "A: 3/5", as on the question difficulty page (right answers and
    # reveals show no answer). Only when the feed holds a wrong answer: it is polled every 2 s.
    choices = selectors.feed_choice_labels(
        i.position for i in items if i.correct is False and i.answer
    )
    return [
        {
            "item": item,
            "name": names.get(item.student_id, f"Student {item.student_id}"),
            "label": FEED_LABELS.get(item.type, item.type),
            "question": texts.get(item.question_id, "") if item.question_id else "",
            "chapter": "" if item.question_id else titles.get(item.chapter_id, ""),
            "answer": wording.labelled(item.answer, choices.get(item.position)),
        }
        for item in items
    ]


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


STUDENT_ANSWERS_SHOWN = 200
OUTCOME_VIEW = {
    "correct": ("✓", "correct"),
    "incorrect": ("✗", "wrong"),
    "revealed": ("◉", "revealed"),
}


def answer_row_html(
    answer: Answer,
    text: str,
    chapter: str,
    choices: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """One row of a student's answers. Built in Python, not in the template: up to hundreds of
    rows per page, and a template loop of them takes about ten times as long. The roles and the
    data-label names are for the row's card on a narrow screen (reporting.css, student.html).
    `choices`: the labels of the choices of the question revision answered (a multiple-choice
    answer then reads "A: 3/5", not "A"). `now`: the moment the page is made (its today)."""
    icon, word = OUTCOME_VIEW[answer.outcome]
    if answer.outcome == "revealed":
        given = mark_safe("<em>revealed</em>")
    else:
        given = answer_kept_whole(wording.labelled(answer.answer, choices))
    seconds = answer.seconds_to_answer
    took = f"{seconds:.0f} s" if seconds is not None else ""
    label = text if len(text) <= 80 else text[:79] + "…"
    return format_html(
        '<tr class="{}" role="row"><th scope="row" role="rowheader" class="when">'
        '{}</th><td role="cell" class="answer-chapter">{}</td>'
        '<td role="cell" class="answer-question">{}</td>'
        '<td role="cell" class="given" data-label="Answer">{}</td>'
        '<td role="cell" class="outcome" data-label="Result">'
        '<span aria-hidden="true">{}</span> {}</td>'
        '<td role="cell" class="num" data-label="Took">{}</td></tr>',
        answer.outcome,
        moment(answer.answered_at, now),
        chapter,
        maths_kept_whole(label) if label else answer.question_id,
        given,
        icon,
        word,
        took,
    )


@login_required
@never_cache
def new_password(request: HttpRequest, student_id: int) -> HttpResponse:
    """A teacher gives a student of their class a new password (they forgot theirs): GET asks to
    confirm, POST sets it and shows it this once. Never cached: the page holds a password."""
    user = access.student_for(request.user, student_id)
    student = selectors.Person(user.pk, selectors.display_name(user))
    context = {
        "student": student,
        "username": user.get_username(),
        "classroom": roles.classroom_of(user),
    }
    if request.method == "POST":
        context["password"] = roster.give_new_password(user, actor=request.user)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "reporting/new_password.html", context)


@require_GET
@login_required
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    user = access.student_for(request.user, student_id)
    show_all = request.GET.get("all") == "1"
    shown, answer_count = selectors.newest_answers(
        student_id, None if show_all else STUDENT_ANSWERS_SHOWN
    )
    texts = selectors.question_texts({a.question_id for a in shown})
    labels = selectors.answered_choice_labels(
        (a.question_id, a.question_revision) for a in shown if a.outcome != "revealed"
    )
    now = timezone.localtime()
    days = selectors.every_day(selectors.student_days(student_id), last=30, end=now.date())
    every_chapter = selectors.chapters()
    progress = [
        (ch, cell, *STATUS_VIEW[cell.status])
        for ch, cell in selectors.student_progress(student_id, every_chapter)
    ]
    # Every chapter's title: an answer may be to one the progress table leaves out.
    chapter_titles = {ch.id: ch.title for ch in every_chapter}
    return render(
        request,
        "reporting/student.html",
        {
            "student": selectors.Person(user.pk, selectors.display_name(user)),
            "username": user.get_username(),
            "classroom": roles.classroom_of(user),
            "summary": selectors.student_summary(student_id),
            "progress": progress,
            "answers": [
                answer_row_html(
                    a,
                    texts.get(a.question_id, ""),
                    chapter_titles.get(a.chapter_id, ""),
                    labels.get((a.question_id, a.question_revision)),
                    now,
                )
                for a in shown
            ],
            "answer_count": answer_count,
            "truncated": len(shown) < answer_count,
            "days": days,
            "time_chart": charts.bar_chart(
                "Minutes spent per day",
                [wording.day_and_month(d.day) for d in days],
                [round(d.time_spent_seconds / 60, 1) for d in days],
                unit="min",
                every=max(1, len(days) // 10),
                labels_from="last",
                columns=("Day", "Minutes"),
                caption=wording.time_chart_caption(
                    [d.day for d in days], [d.time_spent_seconds for d in days], now.date()
                ),
            ),
        },
    )


Who = dict[tuple[int, str], list[selectors.Person]]


def _labelled(
    question: int,
    wrong: list[selectors.WrongAnswerReport],
    choices: dict[str, str] | None,
    accepted: tuple[str, list[str]] | None,
    who: Who,
) -> list[tuple[str, selectors.WrongAnswerReport, bool, list[selectors.Person]]]:
    """Each wrong answer with the text a teacher reads (a choice's key and text, else as given),
    whether the question accepts it now (a teacher who added it as an accepted answer sees that
    it took, while the figures keep it wrong: it was judged by the question as it was), and who
    gave it."""
    kind, answers = accepted or ("open", [])
    return [
        (
            wording.labelled(w.answer, choices),
            w,
            bool(answers) and is_correct(w.answer, kind=kind, accepted_answers=answers),
            who.get((question, w.answer), []),
        )
        for w in wrong
    ]


@require_GET
@login_required
def chapter_questions(request: HttpRequest, chapter_id: int) -> HttpResponse:
    chapter = access.chapter_for(request.user, chapter_id)
    classroom = access.asked_classroom(request.user, request.GET.get("class", ""))
    students = selectors.student_ids(classroom) if classroom else None
    reports = selectors.question_table(chapter_id, students=students)
    authors = access.wrong_answer_students(request.user, students)
    wrong = selectors.wrong_answers_by_question([r.question for r in reports], students=authors)
    labels = selectors.choice_labels(r.question for r in reports)  # "a" reads as "A: 2/5"
    accepted = selectors.accepted_now(r.question for r in reports)
    who = selectors.who_gave(
        [(q, w.answer) for q, answers in wrong.items() for w in answers], students=authors
    )
    rows = [
        (
            r,
            _labelled(
                r.question,
                wrong.get(r.question, []),
                labels.get(r.question),
                accepted.get(r.question),
                who,
            ),
        )
        for r in reports
    ]
    spread = selectors.facility_spread(reports)
    return render(
        request,
        "reporting/questions.html",
        {
            "chapter": chapter,
            "classroom": classroom,
            "own_students_only": authors is not None and classroom is None,
            "classes": roles.classes_visible_to(request.user),
            "reports": rows,
            "now_accepted": any(now for _, labelled in rows for _, _, now, _ in labelled),
            "flagged": sum(r.needs_checking for r in reports),
            "flag_tries": analysis.MIN_TRIES_FOR_FLAG,
            "flag_below": analysis.FLAG_BELOW,
            "spread_chart": charts.bar_chart(
                "Questions by facility index",
                [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)],
                spread,
                width=500,
                height=160,
                columns=("Facility", "Questions"),
                caption=wording.facility_spread_caption(spread),
            ),
        },
    )
