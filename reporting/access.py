"""Who may see which report. Teachers see their own classes and those classes' students, staff see
everything, a student sees their own answers. Anyone else authenticated gets 403; a class or
student outside the caller's reach is 404 (we never reveal that it exists).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from quiz.content import for_schools
from quiz.models import Chapter, Question
from reporting.models import StudentProgress
from studyflow import roles
from studyflow.models import Classroom


def is_reporter(user: Any) -> bool:
    return roles.is_staff(user) or roles.is_teacher(user)


def require_reporter(user: Any) -> None:
    if not is_reporter(user):
        raise PermissionDenied("Reports are for teachers and staff.")


def classroom_for(user: Any, classroom_id: int) -> Classroom:
    require_reporter(user)
    classroom = roles.classes_visible_to(user).filter(pk=classroom_id).first()
    if classroom is None:
        raise Http404("No such class.")
    return classroom


def asked_classroom(user: Any, asked: str) -> Classroom | None:
    """The class a page's `?class=` names; None when it names none (empty: all students).

    Anything else that is not one of the caller's classes is a 404, as another teacher's class
    is: a page that quietly showed all students instead would look like that class's figures."""
    if asked == "":
        return None
    if not (asked.isascii() and asked.isdigit()):
        raise Http404("No such class.")
    return classroom_for(user, int(asked))


def student_for(user: Any, student_id: int, *, allow_self: bool = False) -> Any:
    """The student (a User) if the caller may see their answers."""
    if allow_self and user.is_authenticated and roles.is_student(user):
        if user.pk == student_id:
            return user
        if not is_reporter(user):
            raise Http404("No such student.")  # not theirs: a 404, as for another's quiz
    require_reporter(user)
    # Staff see every student, not every user: a teacher's or an admin's id is no student page.
    student = roles.students_visible_to(user).filter(pk=student_id).first()
    if student is None:
        raise Http404("No such student.")
    return student


def chapter_for(user: Any, chapter_id: int) -> Chapter:
    require_reporter(user)
    # Another school's own course is as unknown as a chapter that does not exist, unless the
    # caller's students worked on it (before it became that school's, or in a former class).
    schools = roles.schools_of(user)
    mine = for_schools(Chapter.objects.all(), schools, "course__school")
    chapter = mine.filter(pk=chapter_id).first()
    if chapter is None and schools is not None:  # staff reach every chapter already
        worked_on = StudentProgress.objects.filter(
            chapter_id=OuterRef("pk"), student_id__in=roles.students_visible_to(user).values("pk")
        )
        chapter = Chapter.objects.filter(Exists(worked_on), pk=chapter_id).first()
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def question_for(user: Any, question_id: int) -> Question:
    require_reporter(user)
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    try:
        chapter_for(user, question.chapter_id)  # the same reach as its chapter's page
    except Http404:
        raise Http404("No such question.") from None
    return question


def wrong_answer_students(user: Any, class_students: list[int] | None) -> list[int] | None:
    """Whose wrong answers the caller reads: a chosen class's students; with no class chosen,
    staff everyone's (None) and a teacher their own students'. A wrong answer is free text a
    student typed (a name, a remark), not for the teachers of other classes and schools, unlike
    the counts of the question table."""
    if class_students is not None or roles.is_staff(user):
        return class_students
    return list(roles.students_visible_to(user).values_list("pk", flat=True))
