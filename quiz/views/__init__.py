"""Student pages: log in, the dashboard, and the quiz.

Thin shell over quiz.services (writes) and quiz.selectors / reporting.selectors (reads); what to
show is decided in quiz.pages (pure). Every page works without JavaScript (plain POST, then a
redirect to a GET: a reload never re-sends an answer); with htmx, the quiz forms swap only the quiz
panel.

The quiz page reads the quiz from its own events (quiz.selectors), never from a read model: read
models lag a second or two, and a student must see the answer they just gave. The dashboard reads
the `progress` read model; a moment's lag there is fine.

Callers (the URLconf, the error pages) import the views from here; they live in one module per
part:
- `accounts`: log in, log out, the password form, the home page of each role
- `chapters`: the dashboard (the student's chapters) and starting a quiz
- `quizzes`: the quiz page and its commands (answer, reveal, next)
- `shared`: POST-only forms, the command limit, the session's recent quizzes
"""

from quiz.views.accounts import LoginView, LogoutView, PasswordChangeView, home, home_link
from quiz.views.chapters import dashboard, start
from quiz.views.quizzes import STALE_PAGE, answer, next_question, quiz_page, reveal

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
