"""A student's page (their progress, time and answers, newest first) and a new password for a
student who forgot theirs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from reporting import access, charts, new_passwords, selectors, wording
from reporting.models import Answer
from reporting.templatetags.reporting_format import (
    answer_kept_whole,
    maths_kept_whole,
    moment,
    moments,
)
from reporting.views.class_progress import STATUS_VIEW
from studyflow import roles
from studyflow import services as roster
from studyflow.pages_of_passwords import SeeOther, to_their_page_as_saved

STUDENT_ANSWERS_SHOWN = 200
OUTCOME_VIEW = {
    "correct": ("✓", "correct"),
    "incorrect": ("✗", "wrong"),
    "revealed": ("◉", "revealed"),
}


def answer_row_html(
    answer: selectors.ShownAnswer | Answer,
    text: str,
    chapter: str,
    choices: Mapping[str, str] | None = None,
    write_moment: Callable[[datetime], str] = moment,
) -> str:
    """One row of a student's answers. Built in Python, not in the template: up to hundreds of
    rows per page, and a template loop of them takes about ten times as long. The roles and the
    data-label names are for the row's card on a narrow screen (reporting.css, student.html).
    `choices`: the labels of the choices of the question revision answered (a multiple-choice
    answer then reads "A: 3/5", not "A"). `write_moment`: the page's moments (moments of the
    moment the page is made, its today)."""
    icon, word = OUTCOME_VIEW[answer.outcome]
    if answer.outcome == "revealed":
        given = mark_safe("<em>revealed</em>")
    else:
        given = answer_kept_whole(wording.labelled(answer.answer, choices))
    seconds = answer.seconds_to_answer
    took = f"{seconds:.0f} s" if seconds is not None else ""
    label = text if len(text) <= 80 else text[:79] + "…"
    question = maths_kept_whole(label) if label else str(answer.question_id)
    # Plain strings, not format_html: the parts are escaped already (the filters' HTML) or ours,
    # and a page has up to hundreds of rows.
    return mark_safe(
        f'<tr class="{answer.outcome}" role="row"><th scope="row" role="rowheader" class="when">'
        f'{write_moment(answer.answered_at)}</th><td role="cell" class="answer-chapter">'
        f'{escape(chapter)}</td><td role="cell" class="answer-question">{question}</td>'
        f'<td role="cell" class="given" data-label="Answer">{given}</td>'
        f'<td role="cell" class="outcome" data-label="Result"><span aria-hidden="true">{icon}'
        f'</span> {word}</td><td role="cell" class="num" data-label="Took">{took}</td></tr>'
    )


def chapter_progress_html(chapter: selectors.ChapterRef, cell: selectors.Cell) -> SafeString:
    """One chapter's row of a student's chapters: its status as the grid's cell shows it, and the
    numbers behind it. Built in Python for the answers' reason (see answer_row_html); each row
    on lines of its own, as the template's loop wrote them."""
    icon, text = STATUS_VIEW[cell.status]
    again = ' · <span class="stuck-again">stuck practising again</span>' if cell.stuck_again else ""
    return mark_safe(
        '\n      <tr role="row"><th scope="row" role="rowheader" class="chapter-name">'
        f'{escape(chapter.title)}</th><td role="cell" class="cell {cell.status}">'
        f'<span class="status {cell.status}"><span class="icon" aria-hidden="true">{icon}</span> '
        f'<span class="text">{text}</span></span>\n{again}</td>\n      <td role="cell" class="num" '
        f'data-label="Answers">{int(cell.answered)}</td><td role="cell" class="num" '
        f'data-label="Mistakes">{int(cell.mistakes)}</td><td role="cell" class="num" '
        f'data-label="Best streak">{int(cell.best_streak)}</td><td role="cell" class="num" '
        f'data-label="Time">{escape(wording.minutes(cell.time_spent_seconds))}</td></tr>\n    '
    )


@sensitive_variables("password", "kept")
@login_required
@never_cache
def new_password(request: HttpRequest, student_id: int) -> HttpResponse:
    """A teacher gives a student of their class a new password (they forgot theirs): GET asks to
    confirm; POST makes it and sends the browser on to new_password_made, which shows it.
    The form's key is of the password it replaces (studyflow.services.new_password_key): the
    same form sent twice makes one password. Never cached: the form holds that key."""
    user = access.student_for(request.user, student_id)
    if request.method == "POST":
        # One transaction with the student's row locked (give_new_password_once): the password is
        # in the session before a second form with the same key, waiting for the lock, is answered
        # with the page that shows it; a session that could not be saved makes no password.
        with transaction.atomic():
            password = roster.give_new_password_once(
                user, actor=request.user, key=request.POST.get("key", "")
            )
            if password is not None:
                kept = request.session.get(new_passwords.SESSION_KEY, {})
                request.session[new_passwords.SESSION_KEY] = new_passwords.made(
                    kept, user.pk, password, timezone.now()
                )
                request.session.save()
        made = reverse("reporting:new-password-made", args=[user.pk])
        if password is None:
            # Made already by this form (a double click's other send, which saved it in the
            # session after this request read it), or none by a form out of date: either way
            # this request's copy of the session is not written back.
            return to_their_page_as_saved(request, made)
        return SeeOther(made)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {**student_context(user), "key": roster.new_password_key(user)}
    return render(request, "reporting/new_password.html", context)


@sensitive_variables("before", "display", "kept", "context")
@require_GET
@login_required
@never_cache
def new_password_made(request: HttpRequest, student_id: int) -> HttpResponse:
    """The student's new password, shown each time the page is opened while it waits
    (reporting.new_passwords): reloaded, come back to, or the second redirect of a double click,
    the page shows the same password and makes no other. Once it waited too long, the page says
    it was shown already and how to make another, or, never shown, that it was not shown in time.
    Never cached: it holds a password."""
    user = access.student_for(request.user, student_id)
    before = request.session.get(new_passwords.SESSION_KEY, {})
    display, kept = new_passwords.shown(before, user.pk, timezone.now())
    if kept != before:  # first shown now, or others dropped: saved only then, as it is a write
        request.session[new_passwords.SESSION_KEY] = kept
    context = {
        **student_context(user),
        "password": display.password,
        "shown_already": display.shown_already,
        "not_shown_in_time": display.not_shown_in_time,
        "waits_minutes": new_passwords.WAITS_MINUTES,
    }
    return render(request, "reporting/new_password_made.html", context)


def student_context(user: Any) -> dict[str, Any]:
    return {
        "student": selectors.Person(user.pk, selectors.display_name(user)),
        "username": user.get_username(),
        "classroom": roles.classroom_of(user),
    }


@require_GET
@login_required
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    user = access.student_for(request.user, student_id)
    show_all = request.GET.get("all") == "1"
    shown, answer_count = selectors.newest_answers(
        student_id, None if show_all else STUDENT_ANSWERS_SHOWN
    )
    texts, labels = selectors.answered_wording(
        {a.question_id for a in shown},
        ((a.question_id, a.question_revision) for a in shown if a.outcome != "revealed"),
    )
    now = timezone.localtime()
    days = selectors.every_day(selectors.student_days(student_id), last=30, end=now.date())
    report = selectors.student_progress(student_id)
    write_moment = moments(now)
    return render(
        request,
        "reporting/student.html",
        {
            "student": selectors.Person(user.pk, selectors.display_name(user)),
            "username": user.get_username(),
            "classroom": report.classroom,
            "summary": report.summary,
            "progress": mark_safe(
                "".join(chapter_progress_html(ch, cell) for ch, cell in report.progress)
            ),
            # One string, each row on a line of its own as the template's loop wrote them: the
            # loop took a tenth of the page's template time.
            "answers": mark_safe(
                "".join(
                    answer_row_html(
                        a,
                        texts.get(a.question_id, ""),
                        report.chapter_titles.get(a.chapter_id, ""),
                        labels.get((a.question_id, a.question_revision)),
                        write_moment,
                    )
                    + "\n    "
                    for a in shown
                )
            ),
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
