"""The teacher pages write what students and staff typed as text, escaped exactly once: never as
markup (a student who names themselves `<script>`), never escaped twice (a chapter titled
"A &amp; B" reads so, not "A &amp;amp; B"). Through the real pages, whose rows, cells and feed
items are built in Python (reporting.views), not by the template engine's autoescaping."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import pytest
from django.test import Client

from quiz import content, services
from quiz.models import Question, QuestionRevision
from tests.reporting.world import Feeder, World, make_world

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_NAME = "<script>alert(1)</script>"
LAST_NAME = '"><img src=x onerror=alert(1)>'
NAME = f"{FIRST_NAME} {LAST_NAME}"
CHAPTER = "Fractions &amp; <b>\"ratios\"</b> 'x'"
QUESTION = "Is 1 < 2 & \"3\" > 'x'? <i>"
CHOICE = "<b>&amp;</b>\"'"
WRONG = ["\"'<>&", "<script>alert(2)</script>", "a &lt; b"]


class _Read(HTMLParser):
    """A page as a browser reads it: its text and attribute values with the character references
    resolved, and the elements and attributes its markup makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@dataclass
class Read:
    text: str  # the words, whitespace collapsed, as a reader sees them
    attributes: list[tuple[str, str]]
    tags: list[str]


def read(html: str) -> Read:
    parser = _Read()
    parser.feed(html)
    parser.close()
    words = re.sub(r"\s+", " ", "".join(parser.text))
    return Read(words, parser.attributes, parser.tags)


@dataclass
class Hostile:
    world: World
    student_id: int
    chapter_id: int


@pytest.fixture
def hostile() -> Hostile:
    """Class A: a student named as markup and two others, who answer a question worded with
    markup, in a chapter titled with some, wrongly with markup; the first then picks a choice
    labelled with some."""
    world = make_world(students_a=len(WRONG), students_b=0, chapters=1)
    student = world.students_a[0]
    student.first_name, student.last_name = FIRST_NAME, LAST_NAME
    student.save()
    chapter = world.chapters[0]
    chapter.title = CHAPTER
    chapter.save()
    question = Question.objects.filter(chapter=chapter, kind="open").order_by("order").first()
    choice = Question.objects.get(chapter=chapter, kind="choice")
    assert question is not None
    kept = QuestionRevision.objects.get(question=question, revision=question.current_revision)
    content.revise_question(
        question=question,
        text=QUESTION,
        choices=None,
        accepted_answers=kept.accepted_answers,
        worked_answer=kept.worked_answer,
    )
    content.revise_question(
        question=choice,
        text=f"{QUESTION} (pick one)",
        choices=[{"key": "a", "text": CHOICE}, {"key": "b", "text": "2/4"}],
        accepted_answers=["b"],
        worked_answer="2/4",
    )
    for who, wrong in zip(world.students_a, WRONG, strict=True):
        quiz = services.start_quiz(
            actor=who, chapter_id=chapter.pk, command_id=uuid.uuid4(), pick=lambda _: question.pk
        ).quiz
        quiz = services.answer_question(
            actor=who, quiz_id=quiz.id, answer=wrong, command_id=uuid.uuid4()
        ).quiz
        if who == student:
            quiz = services.next_question(
                actor=who, quiz_id=quiz.id, command_id=uuid.uuid4(), pick=lambda _: choice.pk
            ).quiz
            services.answer_question(
                actor=who, quiz_id=quiz.id, answer="a", command_id=uuid.uuid4()
            )
    Feeder(batch_size=200).catch_up()
    return Hostile(world, student.pk, chapter.pk)


def page(hostile: Hostile, url: str) -> str:
    client = Client()
    client.force_login(hostile.world.teacher_a)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_written_as_text(html: str, *texts: str) -> None:
    """Each text reads as typed (escaped once: a reader sees it whole, no character reference
    left over), and none of it became markup."""
    seen = read(html)
    for text in texts:
        assert text in seen.text, text
        # Escaped twice, it would read with its references: "&lt;script&gt;", "&amp;amp;".
        assert escape(text) not in seen.text, text
    # Not escaped, it would be markup: an element or an attribute that no page writes.
    assert "img" not in seen.tags and "i" not in seen.tags
    assert not any(name.startswith("on") for name, _ in seen.attributes)
    for raw in (FIRST_NAME, LAST_NAME, "<b>", "<i>", *WRONG[:2]):
        assert raw not in html, raw


def test_the_class_page_its_grid_and_its_feed_write_typed_text_as_text(hostile: Hostile) -> None:
    # given a class whose student, chapter, question and answers were typed with markup
    classroom = hostile.world.class_a.pk
    # when its teacher opens the class page and its grid and feed refresh
    whole = page(hostile, f"/teacher/classes/{classroom}/")
    grid = page(hostile, f"/teacher/classes/{classroom}/grid/")
    feed = page(hostile, f"/teacher/classes/{classroom}/feed/")
    # then the grid names the student and heads the chapter's column with its title, as typed
    assert_written_as_text(grid, NAME, CHAPTER)
    # and the feed says who started a quiz on which chapter, and what they answered to what
    assert_written_as_text(feed, NAME, CHAPTER, QUESTION, *WRONG, f"a: {CHOICE}")
    assert_written_as_text(whole, NAME, CHAPTER, QUESTION, *WRONG, f"a: {CHOICE}")


def test_a_students_page_writes_typed_text_as_text(hostile: Hostile) -> None:
    # when the teacher opens the student's page
    html = page(hostile, f"/teacher/students/{hostile.student_id}/?all=1")
    # then their name, the chapter, the question and their answers read as typed
    assert_written_as_text(html, NAME, CHAPTER, QUESTION, WRONG[0], f"a: {CHOICE}")
    # and the rows' moments stay markup: a <time> in each
    assert read(html).tags.count("time") >= 3


@pytest.mark.parametrize("of_class", [False, True])
def test_the_question_table_writes_typed_text_as_text(hostile: Hostile, of_class: bool) -> None:
    # when the teacher opens the chapter's questions, for everyone and for the class
    query = f"?class={hostile.world.class_a.pk}" if of_class else ""
    html = page(hostile, f"/teacher/chapters/{hostile.chapter_id}/questions/{query}")
    # then the chapter, the question, the wrong answers and who gave them read as typed
    assert_written_as_text(html, NAME, CHAPTER, QUESTION, *WRONG, f"a: {CHOICE}")
    # and so does the hidden "gave …" of each answer's list of who gave it
    assert f"gave “{WRONG[0]}”" in read(html).text
