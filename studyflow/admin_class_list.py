"""The class page's "Add students from a list": staff paste a class list, and every student on it
gets an account in the `students` group and in this class, with an initial password shown on a
page of its own for some minutes.

A name met twice (on two lines, of a student of the class already, or of a student of another
class of the school) is refused, unless staff tick "Add them anyway", shown with that refusal: a
list pasted twice, or sent again after Back (a new form), would otherwise give every student a
second account, and a pupil listed for a second class one whose history is split from the first
(such a pupil is moved: out of the other class's students on its page, into this one's).

It takes what adding users takes in Django's admin (add and change users: one who may add users
but not change them could otherwise make superusers) and changing this class. The post is
answered with a redirect (303) to the page of the list added, which shows its students' passwords
each time it is opened for some minutes (studyflow.class_lists_added: they wait in the session of
whoever added them, and only there; kept by no cache and no log), then says they are no longer
shown. The same form sent again adds nobody a second time, and leads to that page too: Back and
send, or a double click, whose two sends may arrive at once, so the passwords are in sight
whichever answer the browser shows. Whether the list was added is the
database's to say, not the session's: the form's list id is used up in the transaction that adds
its students (studyflow.models.AddedClassList), so a second send waits for the first and then
finds it, from any session.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from studyflow import class_lists_added, passwords_waiting
from studyflow.class_list import MAX_STUDENTS, ClassListProblems, ListedStudent, parse_class_list
from studyflow.class_lists_added import NewStudent
from studyflow.models import Classroom
from studyflow.pages_of_passwords import SeeOther, to_their_page_as_saved
from studyflow.services import (
    ListAddedAlready,
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
        add_students = self.admin_site.admin_view(self.add_students_view)
        students_added = self.admin_site.admin_view(self.students_added_view)
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/add-students/<uuid:list_id>/",
                students_added,
                name=f"{prefix}_students_added",
            ),
            path("<path:object_id>/add-students/", add_students, name=f"{prefix}_add_students"),
            *super().get_urls(),
        ]

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
        """The form; sent, its students are added and the browser is sent on (303) to the page of
        the list added, students_added_view. The same form sent again leads there too, and adds
        nobody: a double click's second send, Back and send, from this session or another."""
        classroom = self._class_for_adding(request, object_id)
        if request.method != "POST":
            return self._class_list_page(request, classroom, ClassListForm(classroom=classroom))
        form = ClassListForm(request.POST, classroom=classroom)
        if not form.is_valid():
            # A list added already is refused by the checks (its names are its students' now,
            # its usernames their accounts'): the form was sent twice, and leads to its page.
            if added_already(form, classroom):
                return self._list_added_already(request, classroom, form.cleaned_data["list_id"])
            return self._class_list_page(request, classroom, form)
        list_id = form.cleaned_data["list_id"]
        try:
            # One transaction with the list's id (add_students_from_list): the passwords are saved
            # in the session as the list is recorded added, so the same form sent meanwhile, which
            # finds it once this commits, leads to a page that shows them; a session that could
            # not be saved adds nobody.
            with transaction.atomic():
                added = add_students_from_list(
                    classroom=classroom,
                    students=form.cleaned_data["class_list"],
                    actor=request.user,
                    same_names_allowed=form.cleaned_data["same_names_allowed"],
                    list_id=list_id,
                )
                keep_for_its_page(request, list_id, classroom, added)
        except ListAddedAlready:
            return self._list_added_already(request, classroom, list_id)
        except ClassListProblems as refused:
            form.refuse(refused)
            return self._class_list_page(request, classroom, form)
        return SeeOther(self._students_added_url(classroom, list_id))

    def _list_added_already(
        self, request: HttpRequest, classroom: Classroom, list_id: uuid.UUID
    ) -> HttpResponse:
        """To the page of the list, which shows its passwords if this session added it; this
        request's copy of the session, read before the first send saved them, is not written."""
        return to_their_page_as_saved(request, self._students_added_url(classroom, list_id))

    @sensitive_variables("before", "display", "kept")
    def students_added_view(
        self, request: HttpRequest, object_id: str, list_id: uuid.UUID
    ) -> HttpResponse:
        """The list's students and their passwords, each time the page is opened while they wait
        (studyflow.class_lists_added), in the session that added them only. Once they waited too
        long, it says they were shown already, or, never shown, that they were not shown in time,
        and how a student gets a new password. Elsewhere (another session, another staff member)
        it shows none, and says whether the list was added. Never cached (the admin's views are
        not)."""
        classroom = self._class_for_adding(request, object_id)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        before = request.session.get(class_lists_added.SESSION_KEY)
        display, kept = class_lists_added.shown(before, str(list_id), classroom.pk, timezone.now())
        if kept != before:  # first shown now, or others dropped: saved only then, as it is a write
            request.session[class_lists_added.SESSION_KEY] = kept
        # Nothing of the list in this session (another's, or long forgotten): the page still says
        # whether it was added, which only the database knows.
        known_here = display.students or display.shown_already or display.not_shown_in_time
        added = not known_here and list_added_already(list_id, classroom)
        return self._students_added_page(request, classroom, display, added_already=added)

    def _class_for_adding(self, request: HttpRequest, object_id: str) -> Classroom:
        classroom = self.get_object(request, unquote(object_id))
        if classroom is None:
            raise Http404("No such class.")
        if not self.may_add_students(request, classroom):
            raise PermissionDenied
        return classroom

    def _class_list_page(
        self, request: HttpRequest, classroom: Classroom, form: ClassListForm
    ) -> HttpResponse:
        context = {
            **self._context(request, classroom),
            "title": f"Add students to {classroom} from a list",
            "form": form,
            "waits_minutes": passwords_waiting.WAITS_MINUTES,
        }
        return TemplateResponse(request, "admin/studyflow/classroom/add_students.html", context)

    @sensitive_variables("display", "students", "context")
    def _students_added_page(
        self,
        request: HttpRequest,
        classroom: Classroom,
        display: class_lists_added.Display,
        *,
        added_already: bool,
    ) -> HttpResponse:
        students = display.students or ()
        if students:
            title = ngettext(
                "%(count)d student added to %(class)s",
                "%(count)d students added to %(class)s",
                len(students),
            ) % {"count": len(students), "class": classroom}
        elif display.shown_already:
            title = "The passwords of this list were shown already"
        elif display.not_shown_in_time:
            title = "The passwords of this list were not shown in time"
        else:
            title = "No passwords to show"
        context = {
            **self._context(request, classroom),
            "title": title,
            "added": students,
            "shown_already": display.shown_already,
            "not_shown_in_time": display.not_shown_in_time,
            "added_already": added_already,
            "waits_minutes": passwords_waiting.WAITS_MINUTES,
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

    def _students_added_url(self, classroom: Classroom, list_id: uuid.UUID) -> str:
        opts = self.opts
        name = f"admin:{opts.app_label}_{opts.model_name}_students_added"
        return reverse(name, args=[classroom.pk, list_id])


def added_already(form: ClassListForm, classroom: Classroom) -> bool:
    """Whether the form's list was added already (its id, when the form has a valid one)."""
    list_id = form.cleaned_data.get("list_id")
    return list_id is not None and list_added_already(list_id, classroom)


@sensitive_variables("added", "kept")
def keep_for_its_page(
    request: HttpRequest, list_id: uuid.UUID, classroom: Classroom, added: list[NewStudent]
) -> None:
    """The list's new students and their passwords, in the session for the page that shows them;
    saved at once, in the caller's transaction (see add_students_view)."""
    kept = request.session.get(class_lists_added.SESSION_KEY)
    request.session[class_lists_added.SESSION_KEY] = class_lists_added.added(
        kept, str(list_id), classroom.pk, added, timezone.now()
    )
    request.session.save()
