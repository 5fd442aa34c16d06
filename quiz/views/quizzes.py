"""Student pages: log in, the dashboard, and the quiz.

Thin shell over quiz.services (writes) and quiz.selectors / reporting.selectors (reads); what to
show is decided in quiz.pages (pure). Every page works without JavaScript (plain POST, then a
redirect to a GET: a reload never re-sends an answer); with htmx, the quiz forms swap only the quiz
panel.

The quiz page reads the quiz from its own events (quiz.selectors), never from a read model: read
models lag a second or two, and a student must see the answer they just gave. The dashboard reads
the `progress` read model; a moment's lag there is fine.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_GET

from events.store import RecordedEvent
from quiz import command_guard, content, selectors, services
from quiz.command_limits import page_message
from quiz.domain import ANSWER_REVEALED, ANSWERED_CORRECTLY, ANSWERED_INCORRECTLY, QUIZ_PASSED
from quiz.errors import (
    ChapterNotFound,
    CommandIdReused,
    CommandRejected,
    InvalidAnswer,
    NotAStudent,
    QuizError,
    QuizNotFound,
)
from quiz.forms import MAX_ANSWER_LENGTH, AnswerForm, CommandForm, StartForm
from quiz.models import Chapter
from quiz.pages import (
    HOME_LINKS,
    NOTHING_TO_PRACTISE,
    PRACTISE_AGAIN,
    Progress,
    Role,
    Streak,
    chapter_card,
    classify_submission,
    format_duration,
    home_role,
    remembered,
    time_spent,
    with_own_quizzes,
)
from quiz.quiz_view import QuizView
from reporting.selectors import progress_cells
from studyflow import roles
from studyflow.login_guard import LimitedAuthenticationForm, LimitedPasswordChangeForm

STALE_PAGE = "This page was out of date, so nothing was sent. Here is your quiz as it is now."

View = Callable[..., HttpResponseBase]


def post_else_go_to(page: Callable[..., str]) -> Callable[[View], View]:
    """POST only; a GET of the URL goes on to `page(**the view's arguments)` instead of an empty
    405. Such a GET comes from a log-in's `next`: a form sent after the session ended (logged out in
    another tab) is redirected to log in, and then back to the form's own URL."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
            if request.method in ("GET", "HEAD"):
                return redirect(page(**kwargs))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, **kwargs)

        return wrapped

    return decorate


def _dashboard_url(**kwargs: Any) -> str:
    return reverse("quiz:dashboard")


def _quiz_url(*, quiz_id: uuid.UUID) -> str:
    return reverse("quiz:quiz", kwargs={"quiz_id": quiz_id})


# --- Log in, log out, home -----------------------------------------------------------------------


class LoginForm(LimitedAuthenticationForm):
    error_messages = {
        **LimitedAuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password don't match. Check both and try again "
            "(the password is case-sensitive)."
        ),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out. See you next time!")
        return response


def role_of(user: Any) -> Role | None:
    """The role whose start page is the user's home (quiz.pages.home_role)."""
    return home_role(
        is_student=roles.is_student(user),
        is_teacher=roles.is_teacher(user),
        is_staff=roles.is_staff(user),
    )


def home_link(user: Any) -> tuple[str, str] | None:
    """(label, path) of the header's way back to the user's own pages, on a page every role shares
    (the password form, an error page); None for a user of no role."""
    role = role_of(user)
    return HOME_LINKS.get(role) if role else None


class PasswordChangeView(auth_views.PasswordChangeView):
    """Anyone logged in changes their own password (a student's first one is given out by the
    school). Django keeps this session and ends the others; the API token is revoked with the old
    password (studyflow.tokens)."""

    form_class = LimitedPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("quiz:home")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            # Every field comes back empty after an error, so the cursor always starts at the top.
            "focus": "old_password",
            "home_link": home_link(self.request.user),
        }

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("quiz:login")
    role = role_of(request.user)
    if role == "student":
        return redirect("quiz:dashboard")
    if role == "teacher":
        return redirect("/teacher/")
    if role == "staff":
        return redirect("admin:index")
    return render(request, "quiz/no_role.html")


# --- Dashboard -----------------------------------------------------------------------------------


RECENT_QUIZZES_KEY = "recent_quizzes"


def chapter_progress(student: Any, recent: list[str]) -> dict[int, Progress]:
    """The student's status, streak and open quiz per chapter id: the `progress` read model, with
    the quizzes they worked on last (`recent`, newest first) as they are now laid over it."""
    progress = {
        chapter: Progress(
            cell.status,
            cell.streak,
            str(cell.open_quiz_id) if cell.open_quiz_id else None,
            cell.stuck,
        )
        for chapter, cell in progress_cells(student.pk).items()
    }
    return with_own_quizzes(progress, selectors.current_quizzes(student, reversed(recent)))


def _remember_quiz(request: HttpRequest, quiz_id: str) -> None:
    """Keep the quiz among the session's recent ones (a session write only when it changes)."""
    recent = _recent_quizzes(request)
    if recent[:1] != [quiz_id]:
        request.session[RECENT_QUIZZES_KEY] = remembered(recent, quiz_id)


def _recent_quizzes(request: HttpRequest) -> list[str]:
    recent = request.session.get(RECENT_QUIZZES_KEY)
    return [str(q) for q in recent] if isinstance(recent, list) else []


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not roles.is_student(request.user):
        return redirect("quiz:home")
    progress = chapter_progress(request.user, _recent_quizzes(request))
    schools = roles.schools_of_student(request.user)
    courses = []
    for course in content.courses_with_chapters():
        ours = course.school_id is None or course.school_id in schools
        cards = []
        for chapter in course.chapters.all():
            chapter_now = progress.get(chapter.pk, Progress())
            if not ours and not chapter_now.open_quiz_id:
                # Another school's own course: not theirs to start. A quiz they opened before
                # it became that school's (or in a former class) they may still finish.
                continue
            live = bool(getattr(chapter, "question_count", 0))
            if not live and chapter_now.status is None:
                continue  # nothing to ask yet (a chapter being written, all drafts): not shown
            cards.append(
                {
                    "card": chapter_card(
                        chapter_id=chapter.pk,
                        title=chapter.title,
                        streak_goal=chapter.streak_goal,
                        status=chapter_now.status,
                        streak=chapter_now.streak,
                        open_quiz_id=chapter_now.open_quiz_id,
                        stuck=chapter_now.stuck,
                        live=live,
                    ),
                    "command_id": uuid.uuid4(),
                }
            )
        if cards:
            courses.append({"course": course, "chapters": cards})
    response = render(request, "quiz/dashboard.html", {"courses": courses})
    add_never_cache_headers(response)
    return response


def _held_back(request: HttpRequest, command_id: uuid.UUID) -> bool:
    """Count the form's command toward the student's limit (quiz.command_guard), once however
    often the form is sent. Over it, the page says so and how long to wait, and nothing is
    sent."""
    wait = command_guard.wait_before_command(request.user, command_id=command_id)
    if wait:
        messages.warning(request, page_message(wait))
    return bool(wait)


@post_else_go_to(_dashboard_url)
@login_required
def start(request: HttpRequest, chapter_id: int) -> HttpResponse:
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Something went wrong with that button. Please try again.")
        return redirect("quiz:dashboard")
    if _held_back(request, form.cleaned_data["command_id"]):
        return redirect("quiz:dashboard")
    try:
        result = services.start_quiz(
            actor=request.user, chapter_id=chapter_id, command_id=form.cleaned_data["command_id"]
        )
    except ChapterNotFound as error:
        raise Http404(error.message) from error
    except NotAStudent:
        messages.error(request, "Only students can take quizzes.")
        return redirect("quiz:home")
    except QuizError as error:  # e.g. a command id reused for another chapter
        messages.error(request, error.message)
        return redirect("quiz:dashboard")
    _remember_quiz(request, result.quiz.id)
    return redirect("quiz:quiz", quiz_id=result.quiz.id)


# --- The quiz ------------------------------------------------------------------------------------


Loaded = tuple[QuizView, list[RecordedEvent]]  # the quiz and the events it was folded from


def _quiz_or_404(request: HttpRequest, quiz_id: uuid.UUID) -> Loaded:
    try:
        return selectors.quiz_with_events(request.user, quiz_id)
    except QuizNotFound as error:
        raise Http404("No such quiz.") from error


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
    context = {
        "quiz": quiz,
        "chapter": chapter,
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
    if quiz.status == "passed" and quiz.student == request.user.pk:
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
    quiz_id: uuid.UUID,
    form: CommandForm,
    send: Callable[[uuid.UUID], Any],
) -> HttpResponseBase:
    """Run one quiz command from a valid form, then redirect to the quiz page (or re-render it)."""
    loaded = _quiz_or_404(request, quiz_id)
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
    return redirect("quiz:quiz", quiz_id=quiz_id)


def _bad_form(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    """A form whose hidden fields are broken: nothing to send; show the quiz as it is."""
    messages.warning(request, STALE_PAGE)
    return redirect("quiz:quiz", quiz_id=quiz_id)


@post_else_go_to(_quiz_url)
@login_required
def answer(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        if form.has_error("command_id") or form.has_error("version"):
            return _bad_form(request, quiz_id)
        # Empty or too long: refused here, not sent as a command.
        return _render_quiz(
            request,
            _quiz_or_404(request, quiz_id),
            answer=request.POST.get("answer", ""),
            answer_error=str(form.errors["answer"][0]),
            status=400,
        )
    return _send(
        request,
        quiz_id,
        form,
        lambda command_id: services.answer_question(
            actor=request.user,
            quiz_id=quiz_id,
            answer=form.cleaned_data["answer"],
            command_id=command_id,
        ),
    )


@post_else_go_to(_quiz_url)
@login_required
def reveal(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    form = CommandForm(request.POST)
    if not form.is_valid():
        return _bad_form(request, quiz_id)
    return _send(
        request,
        quiz_id,
        form,
        lambda command_id: services.reveal_answer(
            actor=request.user, quiz_id=quiz_id, command_id=command_id
        ),
    )


@post_else_go_to(_quiz_url)
@login_required
def next_question(request: HttpRequest, quiz_id: uuid.UUID) -> HttpResponseBase:
    form = CommandForm(request.POST)
    if not form.is_valid():
        return _bad_form(request, quiz_id)
    return _send(
        request,
        quiz_id,
        form,
        lambda command_id: services.next_question(
            actor=request.user, quiz_id=quiz_id, command_id=command_id
        ),
    )
