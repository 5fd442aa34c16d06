"""The quiz page and its commands: answer, reveal the answer, next question.

Every form works without JavaScript (plain POST, then a redirect to a GET: a reload never re-sends
an answer); with htmx, the quiz forms swap only the quiz panel.

The quiz page reads the quiz from its own events (quiz.selectors), never from a read model: read
models lag a second or two, and a student must see the answer they just gave.

The student's teachers and staff may read the page too, as it is for the student, but without its
forms: only the student answers, and their commands are refused (404) as for a quiz that does not
exist."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_GET

from events.store import RecordedEvent
from quiz import content, selectors, services
from quiz.domain import ANSWER_REVEALED, ANSWERED_CORRECTLY, ANSWERED_INCORRECTLY, QUIZ_PASSED
from quiz.errors import CommandIdReused, CommandRejected, InvalidAnswer, QuizError, QuizNotFound
from quiz.forms import MAX_ANSWER_LENGTH, AnswerForm, CommandForm
from quiz.models import Chapter
from quiz.pages import (
    NOTHING_TO_PRACTISE,
    PRACTISE_AGAIN,
    Streak,
    classify_submission,
    format_duration,
    onlooker_note,
    time_spent,
)
from quiz.quiz_view import QuizView
from quiz.views.accounts import home_link
from quiz.views.shared import _held_back, _remember_quiz, post_else_go_to
from reporting.selectors import display_name
from studyflow import roles
from studyflow.models import Classroom

STALE_PAGE = "This page was out of date, so nothing was sent. Here is your quiz as it is now."


def _quiz_url(*, quiz_id: uuid.UUID) -> str:
    return reverse("quiz:quiz", kwargs={"quiz_id": quiz_id})


Loaded = tuple[QuizView, list[RecordedEvent]]  # the quiz and the events it was folded from


def _quiz_or_404(request: HttpRequest, quiz_id: uuid.UUID) -> Loaded:
    try:
        return selectors.quiz_with_events(request.user, quiz_id)
    except QuizNotFound as error:
        raise Http404("No such quiz.") from error


def _own_quiz_or_404(request: HttpRequest, quiz_id: uuid.UUID) -> Loaded:
    """The quiz a command is sent to: its student's alone. Their teachers and staff may read it,
    but their commands are refused before anything is counted or sent, as for a quiz that does
    not exist (the services would refuse them too)."""
    loaded = _quiz_or_404(request, quiz_id)
    if loaded[0].student != request.user.pk:
        raise Http404("No such quiz.")
    return loaded


def _onlooker(request: HttpRequest, quiz: QuizView, chapter: Chapter) -> dict[str, Any] | None:
    """Who the student of a quiz read by someone else is, and the way back to their page; None
    for the student themself. Only the student's teachers and staff get this far (the selector
    refuses anyone else)."""
    if quiz.student == request.user.pk:
        return None
    student = get_user_model().objects.filter(pk=quiz.student).first()
    if student is None:  # deleted since the selector read the roster
        raise Http404("No such quiz.")
    # A teacher who may read the quiz teaches the student; staff may read any, so ask.
    as_teacher = not roles.is_staff(request.user) or (
        Classroom.objects.filter(students=student, teachers=request.user.pk).exists()
    )
    name = display_name(student)
    return {
        "note": onlooker_note(student=name, chapter=chapter.title, as_teacher=as_teacher),
        "student_name": name,
        "student_url": reverse("reporting:student", kwargs={"student_id": student.pk}),
    }


def _passed_summary(events: list[RecordedEvent]) -> dict[str, Any] | None:
    # Counted as the teacher's reports count them: answers (right or wrong), and shown answers
    # apart (the event's `questions_answered` and `mistakes` count them in; its `seconds` is the
    # time since the start, days for a quiz left open).
    kinds = Counter(event.type for event in events)
    if not kinds[QUIZ_PASSED]:
        return None
    return {
        "questions": kinds[ANSWERED_CORRECTLY] + kinds[ANSWERED_INCORRECTLY],
        "wrong": kinds[ANSWERED_INCORRECTLY],
        "revealed": kinds[ANSWER_REVEALED],
        "time": format_duration(time_spent([(e.type, e.recorded_at) for e in events])),
    }


def _render_quiz(
    request: HttpRequest,
    loaded: Loaded,
    *,
    answer: str = "",
    answer_error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    quiz, events = loaded
    chapter = Chapter.objects.select_related("course").filter(pk=quiz.chapter).first()
    if chapter is None:  # deleted by staff since the quiz was taken
        raise Http404("This quiz's chapter no longer exists.")
    onlooker = _onlooker(request, quiz, chapter)
    context = {
        "quiz": quiz,
        "chapter": chapter,
        # Someone other than the student (their teacher, staff): the page without its forms.
        "onlooker": onlooker,
        "home_link": home_link(request.user) if onlooker else None,
        "streak": Streak(quiz.streak, quiz.streak_goal),
        # One command id per form render: sending the same form twice is one command.
        "answer_command_id": uuid.uuid4(),
        "reveal_command_id": uuid.uuid4(),
        "next_command_id": uuid.uuid4(),
        "answer": answer,
        "answer_error": answer_error,
        "max_answer_length": MAX_ANSWER_LENGTH,
        "summary": _passed_summary(events) if quiz.status == "passed" else None,
        # A passed quiz's student may start the chapter again from its card, as from the
        # dashboard's (a teacher looking at it may not), while the chapter has a question to
        # ask. One id per render, as there: a double click starts one quiz.
        "practise_again": PRACTISE_AGAIN,
        "practise_again_command_id": None,
        "nothing_to_practise": None,
    }
    if quiz.status == "passed" and onlooker is None:
        if content.has_live_question(chapter.pk):
            context["practise_again_command_id"] = uuid.uuid4()
        else:
            context["nothing_to_practise"] = NOTHING_TO_PRACTISE
    # htmx swaps only the quiz panel; a plain browser gets the whole page.
    partial = request.headers.get("HX-Request") == "true"
    template = "quiz/_panel_response.html" if partial else "quiz/quiz.html"
    response = render(request, template, context, status=status)
    # The back button must fetch the quiz as it is now, not show an old question from the cache.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def quiz_page(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponse:
    loaded = _quiz_or_404(request, quiz_id)
    if loaded[0].student == request.user.pk:  # not when their teacher looks at it
        _remember_quiz(request, loaded[0].id)
    return _render_quiz(request, loaded)


def _rejection_message(error: CommandRejected) -> str:
    if error.code == "no_questions":  # the chapter's questions were made drafts meanwhile
        return f"{error.message} Try again later, or practise another chapter."
    # The quiz was changed in between (another tab); show it as it is, with the reason.
    return f"{error.message} Here is your quiz as it is now."


def _send(
    request: HttpRequest,
    loaded: Loaded,
    form: CommandForm,
    send: Callable[[uuid.UUID], Any],
) -> HttpResponseBase:
    """Run one quiz command from a valid form, then redirect to the quiz page (or re-render it)."""
    quiz, events = loaded
    command_id: uuid.UUID = form.cleaned_data["command_id"]

    def already_applied() -> bool:
        return bool(services.applied_events(events, command_id)[1])

    decision = classify_submission(
        posted_version=form.cleaned_data["version"],
        current_version=quiz.version,
        already_applied=already_applied,
    )
    if decision == "stale":
        messages.warning(request, STALE_PAGE)
    # Only a command about to be sent counts: a double click or an old form sends nothing. It is
    # counted here, once; one not held back is sent in the next branch.
    elif decision == "apply" and _held_back(request, command_id):
        if "answer" in request.POST:
            # The page again, with what the student typed still in its box: a redirect would
            # empty it. 429, which htmx swaps in too (quiz.html's htmx-config).
            answer = request.POST.get("answer", "")
            return _render_quiz(request, loaded, answer=answer, status=429)
    elif decision == "apply":
        try:
            send(command_id)
        except CommandRejected as error:
            messages.warning(request, _rejection_message(error))
        except InvalidAnswer as error:
            return _render_quiz(
                request,
                loaded,
                answer=request.POST.get("answer", ""),
                answer_error=error.message,
                status=400,
            )
        except QuizNotFound as error:
            raise Http404("No such quiz.") from error
        except CommandIdReused:
            pass  # two buttons of one form, clicked fast: the first counted; show the quiz
        except QuizError as error:  # busy: nothing happened
            messages.warning(request, error.message)
    # A duplicate (double click, or a re-sent old form) appends nothing: just show the quiz.
    return redirect("quiz:quiz", quiz_id=quiz.id)


def _bad_form(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    """A form whose hidden fields are broken: nothing to send; show the quiz as it is."""
    messages.warning(request, STALE_PAGE)
    return redirect("quiz:quiz", quiz_id=quiz_id)


@post_else_go_to(_quiz_url)
@login_required
def answer(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    loaded = _own_quiz_or_404(request, quiz_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        if form.has_error("command_id") or form.has_error("version"):
            return _bad_form(request, quiz_id)
        # Empty or too long: refused here, not sent as a command.
        return _render_quiz(
            request,
            loaded,
            answer=request.POST.get("answer", ""),
            answer_error=str(form.errors["answer"][0]),
            status=400,
        )
    return _send(
        request,
        loaded,
        form,
        lambda command_id: services.answer_question(
            actor=request.user,
            quiz_id=quiz_id,
            answer=form.cleaned_data["answer"],
            command_id=command_id,
        ),
    )


def _plain_command(
    request: HttpRequest, quiz_id: uuid.UUID, service: Callable[..., Any]
) -> HttpResponseBase:
    """A command whose form carries nothing but its id and the quiz's version (reveal, next)."""
    loaded = _own_quiz_or_404(request, quiz_id)
    form = CommandForm(request.POST)
    if not form.is_valid():
        return _bad_form(request, quiz_id)
    return _send(
        request,
        loaded,
        form,
        lambda command_id: service(actor=request.user, quiz_id=quiz_id, command_id=command_id),
    )


@post_else_go_to(_quiz_url)
@login_required
def reveal(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    return _plain_command(request, quiz_id, services.reveal_answer)


@post_else_go_to(_quiz_url)
@login_required
def next_question(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    return _plain_command(request, quiz_id, services.next_question)
