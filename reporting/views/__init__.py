"""Teacher pages: classes, the class progress grid with its live feed, a student's answers, and the
difficulty of a chapter's questions. Thin: access checks (reporting.access), reads
(reporting.selectors), render. The grid and the feed refresh themselves with htmx.

The URLconf and tests import from here; the pages live in one module per part: class_list (the
classes), class_progress (the grid, the feed and the class's downloads), students (a student's
page and a new password) and questions (the difficulty of a chapter's questions).
"""

from reporting.views.class_list import classes
from reporting.views.class_progress import (
    FEED_LABELS,
    QUIET_DAYS,
    STATUS_VIEW,
    LastActive,
    cell_html,
    class_grid,
    export_csv,
    export_xlsx,
    feed_partial,
    grid_partial,
    last_active,
)
from reporting.views.questions import Who, chapter_questions
from reporting.views.students import (
    OUTCOME_VIEW,
    STUDENT_ANSWERS_SHOWN,
    answer_row_html,
    new_password,
    new_password_made,
    student,
)

__all__ = [
    "FEED_LABELS",
    "OUTCOME_VIEW",
    "QUIET_DAYS",
    "STATUS_VIEW",
    "STUDENT_ANSWERS_SHOWN",
    "LastActive",
    "Who",
    "answer_row_html",
    "cell_html",
    "chapter_questions",
    "class_grid",
    "classes",
    "export_csv",
    "export_xlsx",
    "feed_partial",
    "grid_partial",
    "last_active",
    "new_password",
    "new_password_made",
    "student",
]
