"""The read-model tables, browsable read-only: only projections write them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from quiz.models import Chapter
from reporting import models
from studyflow.models import Classroom
from studyflow.read_only_admin import ReadOnlyAdmin


def _name_of(model: Any, field: str, column: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(column)).values(field)[:1])


# The ids of the read models, shown with what they name: a staff member reads "anna (12)", not 12.
NAMES = {
    "student": lambda: _name_of(get_user_model(), "username", "student_id"),
    "chapter": lambda: _name_of(Chapter, "title", "chapter_id"),
    "classroom": lambda: _name_of(Classroom, "name", "classroom_id"),
}


def _named(name: str | None, pk: int | None) -> str:
    return f"{name} ({pk})" if name else str(pk)


class ReadModelAdmin(ReadOnlyAdmin):
    deletion_refused = (
        "Report rows cannot be deleted: the workers write them from the event log. To compute a "
        "report afresh, rebuild its projection (Projection checkpoints, the “Rebuild” action)."
    )
    list_per_page = 50
    show_full_result_count = False  # counting a million rows on every page view is slow
    # What the search box finds, by exact, indexed lookups (the admin's own "=" search compares
    # UPPER(column::text), which no index serves): a number in these id columns, a username in
    # the student column, part of the text in these text columns.
    id_search: tuple[str, ...] = ()
    student_search = False
    text_search: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        shown = [name for name in NAMES if name in self.list_display]
        # One subquery a row, on the page's rows only: no join of the whole table.
        return (
            super()
            .get_queryset(request)
            .annotate(**{f"{name}_name": NAMES[name]() for name in shown})
        )

    @admin.display(description="student", ordering="student_id")
    def student(self, row: Any) -> str:
        return _named(getattr(row, "student_name", None), row.student_id)

    @admin.display(description="chapter", ordering="chapter_id")
    def chapter(self, row: Any) -> str:
        return _named(getattr(row, "chapter_name", None), row.chapter_id)

    @admin.display(description="class", ordering="classroom_id")
    def classroom(self, row: Any) -> str:
        return _named(getattr(row, "classroom_name", None), row.classroom_id)

    # Stored as exact numbers; read as a person reads them.
    @admin.display(description="time spent", ordering="time_spent_ms")
    def time_spent(self, row: Any) -> str:
        return f"{row.time_spent_ms / 60000:.1f} min"

    @admin.display(description="mean time")
    def mean_time(self, row: Any) -> str:
        return "-" if row.mean_seconds is None else f"{row.mean_seconds:.1f} s"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        found = Q(pk__in=[])
        if term.isdigit():
            for name in self.id_search:
                found |= Q(**{name: int(term)})
        if self.student_search:
            users = get_user_model().objects.filter(username__iexact=term).values("pk")
            found |= Q(student_id__in=users)
        for name in self.text_search:
            found |= Q(**{f"{name}__icontains": term})
        return queryset.filter(found), False


class IdFilter(admin.SimpleListFilter):
    """A list filter on an id column; a value that is no id is the admin's "bad lookup" notice
    (it redirects with ?e=1), not a server error."""

    field = ""

    def selected_id(self) -> int | None:
        value = self.value()  # text from the query string; an int when the admin counts facets
        if value is None or value == "":
            return None
        if not str(value).isdigit():
            raise IncorrectLookupParameters(f"{self.title}: not an id: {value!r}")
        return int(value)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        chosen = self.selected_id()
        return queryset if chosen is None else queryset.filter(**{self.field: chosen})


class ClassFilter(IdFilter):
    title = "class"
    parameter_name = "classroom_id"
    field = "classroom_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(c.pk, str(c)) for c in Classroom.objects.select_related("school")]


class StudentInClassFilter(ClassFilter):
    """Students currently in the class (for tables keyed by student only)."""

    title = "students of class"
    parameter_name = "class"

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        chosen = self.selected_id()
        if chosen is None:
            return queryset
        students = Classroom.objects.filter(pk=chosen).values_list("students", flat=True)
        return queryset.filter(student_id__in=list(students))


class ChapterFilter(IdFilter):
    title = "chapter"
    parameter_name = "chapter_id"
    field = "chapter_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(c.pk, str(c)) for c in Chapter.objects.select_related("course")]


class StudentSearch(ReadModelAdmin):
    """Tables keyed by student: found by user id or username."""

    search_fields = ["student_id"]  # shows the search box
    search_help_text = "A student's username or user id."
    id_search: tuple[str, ...] = ("student_id",)
    student_search = True


@admin.register(models.StudentProgress)
class StudentProgressAdmin(StudentSearch):
    list_display = (
        "student",
        "chapter",
        "status",
        "streak",
        "best_streak",
        "answered",
        "mistakes",
        "reveals",
        "time_spent",
        "last_activity",
    )
    list_filter = ("status", ChapterFilter, StudentInClassFilter, ClassFilter)


@admin.register(models.StudentDay)
class StudentDayAdmin(StudentSearch):
    list_display = ("student", "day", "answered", "correct", "reveals", "time_spent")
    list_filter = (StudentInClassFilter, "day")


@admin.register(models.QuestionStats)
class QuestionStatsAdmin(ReadModelAdmin):
    list_display = (
        "question_id",
        "revision",
        "chapter",
        "assigned",
        "answered",
        "correct",
        "incorrect",
        "revealed",
        "first_tries",
        "first_try_correct",
        "mean_time",
    )
    list_filter = (ChapterFilter,)
    search_fields = ("question_id",)
    search_help_text = "A question id."
    id_search = ("question_id",)


@admin.register(models.QuestionStudent)
class QuestionStudentAdmin(StudentSearch):
    list_display = (
        "question_id",
        "student",
        "chapter",
        "answered",
        "correct",
        "incorrect",
        "revealed",
        "first_try_correct",
        "first_try_at",
    )
    list_filter = (ChapterFilter, StudentInClassFilter, "first_try_correct")
    search_fields = ["question_id", "student_id"]
    search_help_text = "A question id, or a student's user id or username."
    id_search = ("question_id", "student_id")


@admin.register(models.WrongAnswer)
class WrongAnswerAdmin(ReadModelAdmin):
    list_display = ("question_id", "answer", "count", "students", "last_seen")
    list_filter = (ChapterFilter,)
    search_fields = ("question_id", "answer")
    search_help_text = "A question id, or part of a wrong answer."
    id_search = ("question_id",)
    text_search = ("answer",)


@admin.register(models.ClassDay)
class ClassDayAdmin(ReadModelAdmin):
    list_display = (
        "classroom",
        "day",
        "answered",
        "correct",
        "active_students",
        "time_spent",
    )
    list_filter = (ClassFilter, "day")


@admin.register(models.ClassFeedItem)
class ClassFeedItemAdmin(ReadModelAdmin):
    list_display = ("classroom", "at", "student", "type", "question_id", "correct")
    list_filter = (ClassFilter, ChapterFilter, "type")
