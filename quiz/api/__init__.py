"""The quiz API: courses, the student's quizzes and their commands, and staff content access
(see quiz.api.quizzes).

The API's URLconf imports the views from here, and its tests the QuizState serializer.
"""

from quiz.api.quizzes import (
    ContentQuestionListApi,
    CourseListApi,
    QuizAnswerApi,
    QuizDetailApi,
    QuizEventsApi,
    QuizListCreateApi,
    QuizNextApi,
    QuizRevealApi,
    QuizStateSerializer,
    quiz_state,
)

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
