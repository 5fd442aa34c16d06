"""Student pages: log in, the dashboard, and the quiz (see quiz.views.quizzes).

Callers (the URLconf, the error pages) import the views from here.
"""

from quiz.views.quizzes import (
    STALE_PAGE,
    LoginView,
    LogoutView,
    PasswordChangeView,
    answer,
    dashboard,
    home,
    home_link,
    next_question,
    quiz_page,
    reveal,
    start,
)

__all__ = [
    "STALE_PAGE",
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "answer",
    "dashboard",
    "home",
    "home_link",
    "next_question",
    "quiz_page",
    "reveal",
    "start",
]
