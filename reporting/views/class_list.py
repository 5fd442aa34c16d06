"""The teacher's first page: the classes they may see, each with how many of its students are
stuck, and the chapters the reports cover."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reporting import access, selectors
from reporting.models import StudentProgress
from studyflow import roles
from studyflow.models import Classroom


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
