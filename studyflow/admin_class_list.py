"""The class page's "Add students from a list": staff paste a class list, and every student on it
gets an account in the `students` group and in this class, with an initial password shown once.

A name met twice (on two lines, of a student of the class already, or of a student of another
class of the school) is refused, unless staff tick "Add them anyway", shown with that refusal: a
list pasted twice, or sent again after Back (a new form), would otherwise give every student a
second account, and a pupil listed for a second class one whose history is split from the first
(such a pupil is moved: out of the other class's students on its page, into this one's).

It takes what adding users takes in Django's admin (add and change users: one who may add users
but not change them could otherwise make superusers) and changing this class. The page of
passwords is the answer to the post itself (kept by no cache, no session, no log). Sending the same
form again adds nobody a second time, and says so on the class page: reloading that page, or a
double click, whose two sends may arrive at once. The form's list id is used up in the transaction
that adds its students (studyflow.models.AddedClassList), so the second send waits for the first
and then finds it; the browser shows the second's answer.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from studyflow.class_list import MAX_STUDENTS, ClassListProblems, ListedStudent, parse_class_list
from studyflow.models import Classroom
from studyflow.services import (
    ListAddedAlready,
    NewStudent,
    add_students_from_list,
    class_same_name_problems,
    given_username_problems,
    list_added_already,
    name_limits,
)


class ClassListForm(forms.Form):
    # Before the list: a form cleans its fields in this order, and the list's check reads it.
    same_names_allowed = forms.BooleanField(
        label="Add them anyway: these are different students of the same name",
        required=False,
        help_text=(
            "Tick it only when the lines named above are students who share a name with another "
            "(twins, or a namesake in another class): each gets an account of their own. Ticked "
            "for a list sent again, everyone on it would get a second account; a student of "
            "another class is moved, not added."
        ),
    )
    class_list = forms.CharField(
        label="Students, one per line",
        # Not stripped: the line numbers in the problems are the box's own.
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 20,
                "cols": 70,
                "class": "vLargeTextField",
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "Zoë, de Vries\nSem, Bakker, sem.b",
            }
        ),
        help_text=(
            "“First name, Last name”, or “First name, Last name, username”; columns pasted "
            "from a spreadsheet work too, and so do its rows saved as CSV, where a comma in "
            'quotes is part of the name: "Smith, Jr.",John. Without a username one is made from '
            f"the names (zoe.devries). At most {MAX_STUDENTS} students at a time."
        ),
    )
    list_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, classroom: Classroom, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classroom = classroom
        # Whether "Add them anyway" is offered: when the list was refused for names met twice.
        self.same_names_found = False

    @property
    def offers_same_names_allowed(self) -> bool:
        cleaned = getattr(self, "cleaned_data", {})  # none before the form is sent
        return self.same_names_found or bool(cleaned.get("same_names_allowed"))

    def clean_class_list(self) -> list[ListedStudent]:
        """The listed students, or every problem of the list: its wrong lines, the usernames
        given on its other lines that are taken or not valid, and (unless allowed) the names met
        twice."""
        try:
            students = parse_class_list(self.cleaned_data["class_list"], limits=name_limits())
        except ClassListProblems as wrong:
            students = list(wrong.students)
            problems = [*wrong.problems, *given_username_problems(students)]
        else:
            problems = given_username_problems(students)
        if not self.cleaned_data.get("same_names_allowed"):
            same_names = class_same_name_problems(self.classroom, students)
            self.same_names_found = bool(same_names)
            problems.extend(same_names)
        if problems:
            raise forms.ValidationError(problems)
        return students

    def refuse(self, refused: ClassListProblems) -> None:
        """The problems found while adding the list (another list added meanwhile)."""
        self.same_names_found = refused.same_names
        self.add_error("class_list", list(refused.problems))


class ClassListAdminMixin(admin.ModelAdmin):
    """For the Classroom admin: the page <class>/add-students/, and its link on the class page."""

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.add_students_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_add_students"
        return [path("<path:object_id>/add-students/", view, name=name), *super().get_urls()]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Classroom | None = None,
    ) -> HttpResponse:
        context["may_add_students_from_list"] = obj is not None and self.may_add_students(
            request, obj
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def may_add_students(self, request: HttpRequest, classroom: Classroom) -> bool:
        users = get_user_model()._meta
        return (
            self.has_change_permission(request, classroom)
            and request.user.has_perm(f"{users.app_label}.{get_permission_codename('add', users)}")
            and request.user.has_perm(
                f"{users.app_label}.{get_permission_codename('change', users)}"
            )
        )

    def add_students_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        classroom = self.get_object(request, unquote(object_id))
        if classroom is None:
            raise Http404("No such class.")
        if not self.may_add_students(request, classroom):
            raise PermissionDenied
        if request.method != "POST":
            return self._class_list_page(request, classroom, ClassListForm(classroom=classroom))
        form = ClassListForm(request.POST, classroom=classroom)
        if not form.is_valid():
            # A list added already is refused by the checks (its names are its students' now,
            # its usernames their accounts'): the form was sent twice, and is told so.
            if added_already(form):
                return self._list_added_already(request, classroom)
            return self._class_list_page(request, classroom, form)
        try:
            added = add_students_from_list(
                classroom=classroom,
                students=form.cleaned_data["class_list"],
                actor=request.user,
                same_names_allowed=form.cleaned_data["same_names_allowed"],
                list_id=form.cleaned_data["list_id"],
            )
        except ListAddedAlready:
            return self._list_added_already(request, classroom)
        except ClassListProblems as refused:
            form.refuse(refused)
            return self._class_list_page(request, classroom, form)
        return self._students_added_page(request, classroom, added)

    def _list_added_already(self, request: HttpRequest, classroom: Classroom) -> HttpResponse:
        messages.warning(
            request,
            "That list was added already, so nobody was added again. To add another list, "
            "open “Add students from a list” again.",
        )
        return HttpResponseRedirect(self._class_url(classroom))

    def _class_list_page(
        self, request: HttpRequest, classroom: Classroom, form: ClassListForm
    ) -> HttpResponse:
        context = {
            **self._context(request, classroom),
            "title": f"Add students to {classroom} from a list",
            "form": form,
        }
        return TemplateResponse(request, "admin/studyflow/classroom/add_students.html", context)

    @sensitive_variables("added", "context")
    def _students_added_page(
        self, request: HttpRequest, classroom: Classroom, added: list[NewStudent]
    ) -> HttpResponse:
        context = {
            **self._context(request, classroom),
            "title": ngettext(
                "%(count)d student added to %(class)s",
                "%(count)d students added to %(class)s",
                len(added),
            )
            % {"count": len(added), "class": classroom},
            "added": added,
            "login_url": request.build_absolute_uri(reverse("quiz:login")),
            "password_url": request.build_absolute_uri(reverse("quiz:password_change")),
            "class_url": self._class_url(classroom),
        }
        return TemplateResponse(request, "admin/studyflow/classroom/students_added.html", context)

    def _context(self, request: HttpRequest, classroom: Classroom) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": classroom,
            "has_view_permission": self.has_view_permission(request, classroom),
        }

    def _class_url(self, classroom: Classroom) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[classroom.pk])


def added_already(form: ClassListForm) -> bool:
    """Whether the form's list was added already (its id, when the form has a valid one)."""
    list_id = form.cleaned_data.get("list_id")
    return list_id is not None and list_added_already(list_id)
