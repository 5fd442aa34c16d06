"""Roster admin: schools and classes, with teacher and student pickers limited to their group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, ManyToManyField, Max, QuerySet, Value, When
from django.db.models.functions import Concat
from django.http import HttpRequest

from studyflow import admin_users  # noqa: F401  (registers the users' admin: one's own password)
from studyflow.admin_class_list import ClassListAdminMixin
from studyflow.admin_forms import ChecksACopy, RowsNamedAsStored
from studyflow.admin_widgets import INPUTS_AT_ONCE, QuickFilteredSelectMultiple
from studyflow.models import Classroom, School, one_line
from studyflow.roles import STUDENTS, TEACHERS
from studyflow.taken_meanwhile import FormAgainWhenTaken, RowsUniqueInTheirParent


def members_of(group: str) -> QuerySet[Any]:
    # By name, as a class list reads (by username, student10 came before student2).
    return (
        get_user_model()
        .objects.filter(groups__name=group)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def roster_label(user: Any) -> str:
    """A person in a class picker: their name, and the username that tells namesakes apart."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else str(user.username)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # A student's class in the label: one in another class cannot be added to this one.
        in_class = getattr(obj, "class_name", None)
        return f"{roster_label(obj)}, in {in_class}" if in_class else roster_label(obj)


class ClassroomForm(ChecksACopy):
    """A class; renamed, refused (a name its school has), it is named on its page as stored."""

    class Meta:
        model = Classroom
        fields = ["school", "name", "teachers", "students"]

    def clean_students(self) -> QuerySet[Any]:
        students = self.cleaned_data["students"]
        # A student is in at most one class: reports and quizzes take "the student's class".
        elsewhere = (
            Classroom.students.through.objects.filter(user__in=students)
            .exclude(classroom_id=self.instance.pk)
            .select_related("user", "classroom")
            .order_by("user__username")
        )
        problems = [
            f"{row.user.username} is already in class {row.classroom.name}" for row in elsewhere
        ]
        if problems:
            raise forms.ValidationError(
                "A student belongs to at most one class: "
                + "; ".join(problems)
                + ". Remove them from that class first."
            )
        return students


class SchoolClassesFormSet(RowsUniqueInTheirParent):
    """The school page's class rows. The unique constraint on (school, lower(name)) is not checked
    across the rows of one save (nor for the rows of a new school): checked here, or it is an
    integrity error. Every class of the school is a row, so the rows are all there is to compare,
    but for a class another staff member added meanwhile (RowsUniqueInTheirParent)."""

    def clean(self) -> None:
        super().clean()
        names: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            name = one_line(str(data.get("name") or ""))
            if not name or data.get("DELETE"):
                continue
            if name.lower() in names:
                raise forms.ValidationError(
                    f"The class names {names[name.lower()]!r} and {name!r} differ only in case."
                )
            names[name.lower()] = name


class ClassRowForm(forms.ModelForm):
    # A row's <input>s written without a template each: 400 of them on a school group's page.
    default_renderer = INPUTS_AT_ONCE


class ClassroomInline(admin.TabularInline):
    model = Classroom
    form = ClassRowForm
    formset = SchoolClassesFormSet
    extra = 0
    fields = ["name"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Classroom]:
        # A row's change link names its class as "2A (Demo School)": without the school at hand
        # each of a school group's 100 rows asked for it.
        return super().get_queryset(request).select_related("school")


class SchoolForm(ChecksACopy):
    """A school renamed, refused (a name another school has), is named on its page as stored."""

    class Meta:
        model = School
        fields = ["name"]


@admin.register(School)
class SchoolAdmin(RowsNamedAsStored, FormAgainWhenTaken):
    form = SchoolForm
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [ClassroomInline]


@admin.register(Classroom)
class ClassroomAdmin(FormAgainWhenTaken, ClassListAdminMixin):
    form = ClassroomForm
    list_display = ["name", "school", "teacher_names", "student_count"]
    list_filter = ["school"]
    search_fields = ["name", "school__name"]
    filter_horizontal = ["teachers", "students"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Classroom]:
        # Each class's number of students in the list's one query: counted a class at a time,
        # the 100 classes of a school group took 100 queries.
        return (
            super()
            .get_queryset(request)
            .select_related("school")
            .prefetch_related("teachers")
            .annotate(student_total=Count("students", distinct=True))
        )

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "teachers":
            kwargs["queryset"] = members_of(TEACHERS)
        if db_field.name == "students":
            # "2A (Demo School)": names of classes repeat from school to school.
            class_name = Case(
                When(
                    classes__isnull=False,
                    then=Concat("classes__name", Value(" ("), "classes__school__name", Value(")")),
                )
            )
            kwargs["queryset"] = members_of(STUDENTS).annotate(class_name=Max(class_name))
        if db_field.name in ("teachers", "students"):
            kwargs["form_class"] = PeopleField
            # Every student of the group is an option: Django's picker took a template each.
            kwargs["widget"] = QuickFilteredSelectMultiple(
                db_field.verbose_name, db_field.name in self.filter_vertical
            )
            kwargs["help_text"] = (
                f"Only accounts in the {db_field.name} group are listed. To add a new "
                f"person, add the user under Users with that group first."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("teachers", "students") and formfield is not None:
            # An account made in the "+" window is in no group, so it could never be chosen
            # here: the form refused it as "not one of the available choices".
            formfield.widget.can_add_related = False
        return formfield

    @admin.display(description="teachers")
    def teacher_names(self, classroom: Classroom) -> str:
        return ", ".join(t.get_full_name() or t.username for t in classroom.teachers.all())

    @admin.display(description="students", ordering="student_total")
    def student_count(self, classroom: Classroom) -> int:
        total: int | None = getattr(classroom, "student_total", None)
        return classroom.students.count() if total is None else total
