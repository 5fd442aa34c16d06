"""Log in, log out, the password form, and the home page that sends each role to its own pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from quiz.pages import HOME_LINKS, Role, home_role
from studyflow import roles
from studyflow.login_guard import LimitedAuthenticationForm, LimitedPasswordChangeForm


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
