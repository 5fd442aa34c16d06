"""The quiz API: courses, the student's quizzes and their commands, and staff content access.

Thin views: input serializers validate, quiz.services decide and record, quiz.selectors read,
output serializers shape QuizState. Output serializers list fields explicitly, so nothing the
domain adds to its views (such as accepted answers) can leak to a student by accident.

The API's URLconf imports the views from here; they live in one module per part:
- `courses`: the courses with their chapters
- `quizzes`: start, list and read a student's quizzes, and a quiz's events
- `commands`: answer, reveal the answer, next question
- `content_questions`: a chapter's questions at their current revision (staff)
- `state`: QuizState, the quiz as every quiz endpoint returns it
- `shared`: the largest id a client may send (the `Link` header to a next page is
  studyflow.paging's)
"""

from quiz.api.commands import QuizAnswerApi, QuizNextApi, QuizRevealApi
from quiz.api.content_questions import ContentQuestionListApi
from quiz.api.courses import CourseListApi
from quiz.api.quizzes import QuizDetailApi, QuizEventsApi, QuizListCreateApi
from quiz.api.state import QuizStateSerializer, quiz_state

__all__ = [
    "ContentQuestionListApi",
    "CourseListApi",
    "QuizAnswerApi",
    "QuizDetailApi",
    "QuizEventsApi",
    "QuizListCreateApi",
    "QuizNextApi",
    "QuizRevealApi",
    "QuizStateSerializer",
    "quiz_state",
]
