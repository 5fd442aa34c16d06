"""Teacher pages (see reporting.views.class_progress).

Callers import from here; the package is being split into modules along its seams."""

from reporting.views.class_progress import (
    FEED_LABELS,
    OUTCOME_VIEW,
    QUIET_DAYS,
    STATUS_VIEW,
    STUDENT_ANSWERS_SHOWN,
    LastActive,
    Who,
    answer_row_html,
    cell_html,
    chapter_questions,
    class_grid,
    classes,
    export_csv,
    export_xlsx,
    feed_partial,
    grid_partial,
    last_active,
    new_password,
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
    "student",
]
