"""Content services: create and revise questions; read the question pool for quizzes.

Writes validate first (one clear message per field) and never change a saved revision: an edit adds
a revision and moves `Question.current_revision`. Reads return plain frozen dataclasses so the quiz
services and the pure domain never touch model instances.

Callers import from here; the services live in one module per part:
- `validation`: question content checked and normalised, as a revision stores it
- `writes`: create and revise questions
- `numbering`: the number that puts a new course, chapter or question after the last
- `reads`: the question pool, a chapter's questions and details, the courses a school sees
"""

from quiz.content.numbering import NoNumberLeft, last_of, next_number, no_number_left, number_after
from quiz.content.reads import (
    ChapterInfo,
    QuestionContent,
    chapter_info,
    chapter_pool,
    chapter_questions,
    courses_with_chapters,
    current_revision,
    for_schools,
    has_live_question,
    question_revision,
)
from quiz.content.validation import Choice, clean_content, newline_breaks
from quiz.content.writes import create_question, revise_question

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
