"""Content services: create and revise questions; read the question pool for quizzes (see
quiz.content.validation).

Callers import from here.
"""

from quiz.content.validation import (
    ChapterInfo,
    Choice,
    NoNumberLeft,
    QuestionContent,
    chapter_info,
    chapter_pool,
    chapter_questions,
    clean_content,
    courses_with_chapters,
    create_question,
    current_revision,
    for_schools,
    has_live_question,
    last_of,
    newline_breaks,
    next_number,
    no_number_left,
    number_after,
    question_revision,
    revise_question,
)

__all__ = [
    "ChapterInfo",
    "Choice",
    "NoNumberLeft",
    "QuestionContent",
    "chapter_info",
    "chapter_pool",
    "chapter_questions",
    "clean_content",
    "courses_with_chapters",
    "create_question",
    "current_revision",
    "for_schools",
    "has_live_question",
    "last_of",
    "newline_breaks",
    "next_number",
    "no_number_left",
    "number_after",
    "question_revision",
    "revise_question",
]
