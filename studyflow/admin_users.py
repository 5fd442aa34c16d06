"""Users and groups in the admin: Django's own UserAdmin and GroupAdmin, but for one's own password,
a username in another case than another account's, and a name another staff member saved
meanwhile (FormAgainWhenTaken).

Usernames are unique in any case (studyflow migration 0005's index; log-in takes any case).
Django's add form checks that; its change form checks only the exact spelling, so renaming an
account to `Student1` beside student1 met the index as a server error. It is said on the field.

Django's "Change password: <user>" form sets a password without asking for the current one. For
someone else's account that is the point (staff reset a forgotten password); for one's own it would
let whoever borrowed a staff session change it without knowing it, and with it lock the owner
out. So one's own goes to the site's page, /password/, like the admin's "Change password" in the
header (studyflow/urls.py): it asks for the current password and counts a wrong one as a failed
log-in (LOGIN_THROTTLE_RATE).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin, sensitive_post_parameters_m
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget, UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from studyflow.taken_meanwhile import FormAgainWhenTaken


def is_own(request: HttpRequest, user: User | None) -> bool:
    return user is not None and user.pk == request.user.pk


class OwnPasswordWidget(ReadOnlyPasswordHashWidget):
    """The password on one's own user page: its button goes straight to the site's page, and says
    what is done there (a change, with the current password), not the admin's "Reset password"."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["password_url"] = reverse("quiz:password_change")
        context["button_label"] = gettext("Change password")
        return context


class UserChangeFormAnyCase(UserChangeForm):
    """Django's change form, refusing a username that is another account's in another case (the
    exact spelling is refused by the form's own unique check)."""

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        others = User._default_manager.exclude(pk=self.instance.pk)
        # iexact: the database's own folding, as its index folds (upper()).
        other = others.filter(username__iexact=username).values_list("username", flat=True)
        taken = other.first()
        if taken is not None and taken != username:
            raise ValidationError(
                "A user with that username already exists in another case: “%(taken)s”.",
                code="unique",
                params={"taken": taken},
            )
        return username


class OwnUserChangeForm(UserChangeFormAnyCase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            password.widget = OwnPasswordWidget()


class StudyflowUserAdmin(FormAgainWhenTaken, UserAdmin):
    form = UserChangeFormAnyCase

    @sensitive_post_parameters_m
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Looked up as the admin does (unquote, the field's own parsing), so that no other
        # spelling of one's own id ("01") reaches the form. A POST sent here sets nothing either.
        if is_own(request, self.get_object(request, unquote(id))):
            return redirect("quiz:password_change")
        return super().user_change_password(request, id, form_url)

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if is_own(request, obj):
            kwargs["form"] = OwnUserChangeForm
        return super().get_form(request, obj, change=change, **kwargs)


admin.site.unregister(User)
admin.site.register(User, StudyflowUserAdmin)


class StudyflowGroupAdmin(FormAgainWhenTaken, GroupAdmin):
    """Django's own: two staff saving one group name at once, the second gets the form back with
    the name's error (it was a server error), as when the group was there before."""


admin.site.unregister(Group)
admin.site.register(Group, StudyflowGroupAdmin)
