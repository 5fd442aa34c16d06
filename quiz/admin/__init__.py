"""Quiz admin, registered when Django starts (autodiscovered): importing it registers each
ModelAdmin of its modules.

- `courses`: a course with its chapters as rows
- `chapters`: a chapter with its questions as rows
- `questions`: a question and its current revision's content edited as one form
- `revisions`: the read-only revision history, and a question's current wording in lists
- `text_boxes`: the question form's choice and answer lines
- `shared`: what those admins share (numbers in bounds, labels, refusing to delete content)
- `support`: command outcomes, and finding a student's quizzes in the event admin
"""

from quiz.admin.chapters import ChapterAdmin
from quiz.admin.courses import CourseAdmin
from quiz.admin.questions import QuestionAdmin
from quiz.admin.support import CommandOutcomeAdmin, quizzes_of_username

__all__ = [
    "ChapterAdmin",
    "CommandOutcomeAdmin",
    "CourseAdmin",
    "QuestionAdmin",
    "quizzes_of_username",
]
