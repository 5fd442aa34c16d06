"""Student pages, plus the site-wide log in / log out / password change and the role-based home
page."""

from django.urls import URLPattern, URLResolver, path

from quiz import views
from studyflow import converters  # noqa: F401  (registers <anyuuid:...>)

app_name = "quiz"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("chapters/<int:chapter_id>/start/", views.start, name="start"),
    path("quizzes/<anyuuid:quiz_id>/", views.quiz_page, name="quiz"),
    path("quizzes/<anyuuid:quiz_id>/answer/", views.answer, name="answer"),
    path("quizzes/<anyuuid:quiz_id>/reveal/", views.reveal, name="reveal"),
    path("quizzes/<anyuuid:quiz_id>/next/", views.next_question, name="next"),
]
