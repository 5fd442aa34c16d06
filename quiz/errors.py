"""Errors of the quiz write side. Pure: the domain raises them and the API maps them to HTTP.

Every error has a machine `code` (the API's `"code"`) and a human sentence (its `"detail"`).
"""

from __future__ import annotations


class QuizError(Exception):
    """Base of every quiz error a client can cause."""

    code: str = "quiz_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuizNotFound(QuizError):
    """The quiz does not exist, or it is not the actor's: the two look the same on purpose."""

    code = "quiz_not_found"

    def __init__(self, message: str = "No such quiz.") -> None:
        super().__init__(message)


class NotAStudent(QuizError):
    """Only students start and take quizzes."""

    code = "not_a_student"

    def __init__(self, message: str = "Only students can take quizzes.") -> None:
        super().__init__(message)


class ChapterNotFound(QuizError):
    code = "chapter_not_found"

    def __init__(self, message: str = "No such chapter.") -> None:
        super().__init__(message)


class InvalidAnswer(QuizError, ValueError):
    """An answer must have 1..500 characters after trimming."""

    code = "invalid_answer"


class CommandIdReused(QuizError):
    """The command id was already used for a different request: another quiz, chapter, command
    or answer."""

    code = "command_id_reused"

    def __init__(
        self, message: str = "This command id was already used for another request."
    ) -> None:
        super().__init__(message)


class CommandRejected(QuizError):
    """The command is not allowed in the quiz's current state (HTTP 409).

    Codes: `no_open_question`, `question_open`, `quiz_passed`; `no_questions` when the chapter has
    no live question to ask (none written yet, or all made drafts while a quiz was open); and, only
    for misuse that the services never let through, `quiz_started`, `quiz_not_started`.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __repr__(self) -> str:
        return f"CommandRejected({self.code!r}, {self.message!r})"


class ConcurrencyConflict(QuizError):
    """The quiz kept changing under us for every retry (should not happen with real students)."""

    code = "concurrency_conflict"

    def __init__(self, message: str = "The quiz is busy; please try again.") -> None:
        super().__init__(message)
