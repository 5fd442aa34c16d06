"""Quiz admin, registered when Django starts (autodiscovered): courses with their chapters,
questions edited as one form, and command outcomes for support."""

from quiz.admin.questions import (
    ChapterAdmin,
    CommandOutcomeAdmin,
    CourseAdmin,
    QuestionAdmin,
    quizzes_of_username,
)

__all__ = [
    "ChapterAdmin",
    "CommandOutcomeAdmin",
    "CourseAdmin",
    "QuestionAdmin",
    "quizzes_of_username",
]
