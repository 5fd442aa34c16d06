"""The dashboard (the student's chapters) and starting a quiz on one of them.

The dashboard reads the `progress` read model; a moment's lag there is fine: the quizzes the
student worked on last are laid over it as they are now."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from quiz import content, selectors, services
from quiz.errors import ChapterNotFound, NotAStudent, QuizError
from quiz.forms import StartForm
from quiz.pages import Progress, chapter_card, with_own_quizzes
from quiz.views.shared import _held_back, _recent_quizzes, _remember_quiz, post_else_go_to
from reporting.selectors import progress_cells
from studyflow import roles


def _dashboard_url(**kwargs: Any) -> str:
    return reverse("quiz:dashboard")


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
