"""Content services: create and revise questions; read the question pool for quizzes.

Writes validate first (one clear message per field) and never change a saved revision: an edit adds
a revision and moves `Question.current_revision`. Reads return plain frozen dataclasses so the quiz
services and the pure domain never touch model instances.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet

from quiz.answers import choice_key
from quiz.models import MAX_ORDER, Chapter, Course, Question, QuestionKind, QuestionRevision
from studyflow.taken_meanwhile import unique_violation

MAX_ANSWER_LENGTH = 500
MAX_KEY_LENGTH = 20


@dataclass(frozen=True)
class Choice:
    key: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text}


@dataclass(frozen=True)
class QuestionContent:
    """One revision of a question, as a quiz sees it."""

    id: int
    revision: int
    kind: str
    text: str
    choices: tuple[Choice, ...]
    accepted_answers: tuple[str, ...]
    worked_answer: str


@dataclass(frozen=True)
class ChapterInfo:
    id: int
    course_id: int
    title: str
    streak_goal: int
    school_id: int | None = None  # its course's school; None: a course for every school


@dataclass(frozen=True)
class CleanContent:
    """Validated, normalised question content (what a revision stores)."""

    text: str
    choices: tuple[Choice, ...]
    accepted_answers: tuple[str, ...]
    worked_answer: str


# --- pure validation ------------------------------------------------------------------------------


def newline_breaks(text: str) -> str:
    """Line breaks as LF: a browser sends a textarea's as CRLF (HTML's form encoding), so content
    typed in the admin and content from anywhere else compare as what they say."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_content(
    *,
    kind: str,
    text: str,
    choices: Sequence[Mapping[str, Any]] | None,
    accepted_answers: Sequence[str],
    worked_answer: str,
) -> CleanContent:
    """Normalise (trim, drop blank answers and duplicates) and validate question content.

    Raises ValidationError with messages keyed by field: kind, text, choices, accepted_answers.
    """
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors.setdefault("kind", []).append(
            f"Unknown question kind {kind!r}: use one of {', '.join(QuestionKind.values)}."
        )
    clean_text = newline_breaks(text or "").strip()
    if not clean_text:
        errors.setdefault("text", []).append("The question text is empty.")

    clean_choices = tuple(
        Choice(key=str(c.get("key", "")).strip(), text=str(c.get("text", "")).strip())
        for c in (choices or [])
    )
    answers = _unique(a.strip() for a in accepted_answers if a and a.strip())

    if kind == QuestionKind.OPEN and clean_choices:
        errors.setdefault("choices", []).append(
            "An open question has no choices; make it a multiple-choice question instead."
        )
    if kind == QuestionKind.CHOICE:
        errors_for_choices = _choice_errors(clean_choices)
        if errors_for_choices:
            errors.setdefault("choices", []).extend(errors_for_choices)
        else:
            # Accept a key as a student may name it ("b", "B)"), store it as the choice spells it.
            keys = {choice_key(c.key): c.key for c in clean_choices}
            unknown = [a for a in answers if choice_key(a) not in keys]
            if unknown:
                errors.setdefault("accepted_answers", []).append(
                    "The accepted answers of a multiple-choice question are choice keys; "
                    f"not a choice key: {', '.join(unknown)} (keys: {', '.join(keys.values())})."
                )
            answers = _unique(keys.get(choice_key(a), a) for a in answers)
    if not answers:
        errors.setdefault("accepted_answers", []).append("Give at least one accepted answer.")
    # Answer checking compares NFKC forms, where "2⁷" becomes "27": refuse what would mislead.
    compat = [a for a in answers if unicodedata.normalize("NFKC", a) != a]
    if compat:
        errors.setdefault("accepted_answers", []).append(
            "Answers are compared in plain characters, so "
            + ", ".join(f"{a!r} would read as {unicodedata.normalize('NFKC', a)!r}" for a in compat)
            + "; type powers as 2^7."
        )
    too_long = [a for a in answers if len(a) > MAX_ANSWER_LENGTH]
    if too_long:
        errors.setdefault("accepted_answers", []).append(
            f"An accepted answer is at most {MAX_ANSWER_LENGTH} characters."
        )
    if errors:
        raise ValidationError(errors)
    return CleanContent(
        text=clean_text,
        choices=clean_choices,
        accepted_answers=answers,
        worked_answer=newline_breaks(worked_answer or "").strip(),
    )


def _choice_errors(choices: tuple[Choice, ...]) -> list[str]:
    errors = []
    if len(choices) < 2:
        errors.append("A multiple-choice question needs at least two choices.")
    for choice in choices:
        if not choice.key:
            errors.append(f"Every choice needs a key (the choice {choice.text!r} has none).")
        elif (
            len(choice.key) > MAX_KEY_LENGTH
            or ":" in choice.key
            or any(ch.isspace() for ch in choice.key)
        ):
            errors.append(
                f"A choice key is a short word without spaces or colons, not {choice.key!r}."
            )
        elif not any(ch.isalnum() for ch in choice_key(choice.key)):
            errors.append(f"A choice key needs a letter or a digit, not {choice.key!r}.")
        if not choice.text:
            errors.append(f"The choice {choice.key!r} has no text.")
    # Keys compare as a student names them: "A", "a", "A)" and "a." are one key, so two of them
    # would make choosing either count for both.
    named = [choice_key(c.key) for c in choices if c.key]
    duplicates = sorted({c.key for c in choices if c.key and named.count(choice_key(c.key)) > 1})
    if duplicates:
        errors.append(
            f"Choice keys must be unique (a student's “a”, “A)” and “A.” all name A); "
            f"these name the same choice: {', '.join(duplicates)}."
        )
    return errors


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --- writes ---------------------------------------------------------------------------------------


def create_question(
    *,
    chapter: Chapter,
    kind: str,
    text: str,
    choices: Sequence[Mapping[str, Any]] | None,
    accepted_answers: Sequence[str],
    worked_answer: str,
    actor: Any = None,
    order: int | None = None,
    live: bool = True,
) -> Question:
    """A new question with its first revision. `order` defaults to after the chapter's last (also
    when another question takes that number meanwhile), NoNumberLeft when the last has the highest
    number; a number another question of the chapter has is an IntegrityError (the admin's form
    says both first). A question not `live` is a draft, which quizzes do not assign."""
    content = clean_content(
        kind=kind,
        text=text,
        choices=choices,
        accepted_answers=accepted_answers,
        worked_answer=worked_answer,
    )
    with transaction.atomic():
        if order is None:
            question = _create_last(chapter=chapter, kind=kind, live=live)
        else:
            question = Question.objects.create(chapter=chapter, kind=kind, order=order, live=live)
        _add_revision(question, content, actor=actor, number=1)
    return question


# A try loses only to a question saved in the instant between reading the last number and saving
# this one: more clashes than this in a row are not a race but something else, and are raised.
NUMBERING_TRIES = 5


def _create_last(*, chapter: Chapter, kind: str, live: bool) -> Question:
    """A question after the chapter's last. Another one saved meanwhile may take that number (two
    staff adding to one chapter at once): then the number after it, as if this one came second."""

    def create() -> Question:
        order = next_number(Question.objects.filter(chapter=chapter), "question")
        return Question.objects.create(chapter=chapter, kind=kind, order=order, live=live)

    for _ in range(NUMBERING_TRIES - 1):
        try:
            with transaction.atomic():  # a savepoint: the outer transaction goes on after a clash
                return create()
        except IntegrityError as error:
            if not unique_violation(error):
                raise
    return create()


# A new row's number: number_after is the rule (also for rows not saved yet, on the courses'
# page), next_number applies it after the last row saved (last_of). The chapter page's moving
# rows out of the way for a moment goes past the last too, but past the highest as well.
def last_of(numbered: QuerySet[Any]) -> Any | None:
    """The last of `numbered` (courses, chapters or questions listed together), as they are
    listed: the highest number, of two alike the newer; None when there are none."""
    return numbered.order_by("-order", "-pk").first()


def number_after(last: int | None) -> int | None:
    """The number that puts a new course, chapter or question after the last of the ones it is
    listed with (numbered `last`; None: there are none). None when no number is left after it:
    the last has the highest number, MAX_ORDER (or a number past it, saved before there was one)."""
    if last is None:
        return 1
    if last >= MAX_ORDER:
        return None
    return last + 1


def next_number(numbered: QuerySet[Any], what: str) -> int:
    """The number that puts a new `what` ("question") after the others it is listed with
    (`numbered`): NoNumberLeft when the last of them has the highest number."""
    last = last_of(numbered)
    number = number_after(None if last is None else int(last.order))
    if number is None:
        assert last is not None  # no number is left only after one
        raise NoNumberLeft(what=what, last=named(last), last_number=int(last.order))
    return number


def no_number_left(*, what: str, last: str, last_number: int) -> str:
    """Why a new `what` ("question") left without a number has none: after `last` ("question 61"),
    numbered `last_number`, no number is left."""
    highest = (
        f"number {last_number}, the highest there is"
        if last_number == MAX_ORDER
        else f"number {last_number}, past the highest ({MAX_ORDER})"
    )
    return (
        f"An empty number puts this {what} after the last, {last}, but that has {highest}. "
        f"Give this {what} a number, or first give {last} a lower one."
    )


class NoNumberLeft(ValidationError):
    """A new course, chapter or question left without a number ("after the last") where no number
    is left after the last. Refused rather than given a free number below: that would put it among
    the others, not after them where an empty number says it goes, and staff would not find it
    where they expect it (nor would students, on their dashboard)."""

    def __init__(self, *, what: str, last: str, last_number: int) -> None:
        super().__init__(
            no_number_left(what=what, last=last, last_number=last_number), code="no_number_left"
        )


def named(row: Course | Chapter | Question) -> str:
    """A course, chapter or question as a message names it mid-sentence."""
    if isinstance(row, Question):
        return f"question {row.pk}"
    return f"the {row._meta.verbose_name} “{row.title}”"


def revise_question(
    *,
    question: Question,
    text: str,
    choices: Sequence[Mapping[str, Any]] | None,
    accepted_answers: Sequence[str],
    worked_answer: str,
    actor: Any = None,
) -> QuestionRevision:
    """Add a revision when the content differs from the current one; return the current revision."""
    content = clean_content(
        kind=question.kind,
        text=text,
        choices=choices,
        accepted_answers=accepted_answers,
        worked_answer=worked_answer,
    )
    with transaction.atomic():
        # Lock the question so two editors saving at once get consecutive revision numbers.
        locked = Question.objects.select_for_update().get(pk=question.pk)
        latest = QuestionRevision.objects.filter(
            question=locked, revision=locked.current_revision
        ).first()
        if latest is not None and _content_of(latest) == content:
            question.current_revision = locked.current_revision
            return latest
        revision = _add_revision(locked, content, actor=actor, number=locked.current_revision + 1)
    question.current_revision = revision.revision
    return revision


def _add_revision(
    question: Question, content: CleanContent, *, actor: Any, number: int
) -> QuestionRevision:
    created_by = actor if actor is not None and getattr(actor, "pk", None) is not None else None
    revision = QuestionRevision.objects.create(
        question=question,
        revision=number,
        text=content.text,
        choices=[c.as_dict() for c in content.choices],
        accepted_answers=list(content.accepted_answers),
        worked_answer=content.worked_answer,
        created_by=created_by,
    )
    Question.objects.filter(pk=question.pk).update(current_revision=number)
    question.current_revision = number
    return revision


def _content_of(revision: QuestionRevision) -> CleanContent:
    # A revision saved through the admin before its line breaks were read as "\n" has "\r\n":
    # the same content sent again is no new revision.
    return CleanContent(
        text=newline_breaks(revision.text),
        choices=tuple(Choice(key=c["key"], text=c["text"]) for c in revision.choices),
        accepted_answers=tuple(revision.accepted_answers),
        worked_answer=newline_breaks(revision.worked_answer),
    )


# --- reads ----------------------------------------------------------------------------------------


def _snapshot(revision: QuestionRevision, kind: str) -> QuestionContent:
    content = _content_of(revision)
    return QuestionContent(
        id=revision.question_id,
        revision=revision.revision,
        kind=kind,
        text=content.text,
        choices=content.choices,
        accepted_answers=content.accepted_answers,
        worked_answer=content.worked_answer,
    )


def current_revision(question: Question | int) -> QuestionContent:
    """The revision students get now. Raises Question.DoesNotExist for an unknown question."""
    question_id = question.pk if isinstance(question, Question) else question
    revision = (
        QuestionRevision.objects.select_related("question")
        .filter(question_id=question_id, revision=F("question__current_revision"))
        .first()
    )
    if revision is None:
        raise Question.DoesNotExist(f"No question {question_id} with a current revision.")
    return _snapshot(revision, revision.question.kind)


def question_revision(question_id: int, revision: int) -> QuestionContent:
    """A given (possibly old) revision: what the student saw when a past event happened."""
    row = (
        QuestionRevision.objects.select_related("question")
        .filter(question_id=question_id, revision=revision)
        .first()
    )
    if row is None:
        raise QuestionRevision.DoesNotExist(f"No revision {revision} of question {question_id}.")
    return _snapshot(row, row.question.kind)


def _current_revisions(chapter_id: int) -> QuerySet[QuestionRevision]:
    return (
        QuestionRevision.objects.select_related("question")
        .filter(question__chapter_id=chapter_id, revision=F("question__current_revision"))
        .order_by("question__order", "question_id")
    )


def chapter_pool(chapter_id: int) -> tuple[QuestionContent, ...]:
    """The questions quizzes assign: the chapter's live ones at their current revisions, in
    chapter order (one query)."""
    revisions = _current_revisions(chapter_id).filter(question__live=True)
    return tuple(_snapshot(r, r.question.kind) for r in revisions)


def chapter_questions(chapter_id: int) -> list[tuple[QuestionContent, bool]]:
    """Every question of the chapter at its current revision, drafts too, each with whether it is
    live (what staff see; one query)."""
    return [
        (_snapshot(r, r.question.kind), r.question.live) for r in _current_revisions(chapter_id)
    ]


def has_live_question(chapter_id: int) -> bool:
    """Whether a quiz on the chapter has a question to ask now (a live one, not a draft)."""
    return Question.objects.filter(chapter_id=chapter_id, live=True).exists()


def chapter_info(chapter_id: int) -> ChapterInfo | None:
    chapter = Chapter.objects.filter(pk=chapter_id).values(
        "id", "course_id", "title", "streak_goal", "course__school_id"
    )
    row = chapter.first()
    if row is None:
        return None
    return ChapterInfo(
        id=row["id"],
        course_id=row["course_id"],
        title=row["title"],
        streak_goal=row["streak_goal"],
        school_id=row["course__school_id"],
    )


def courses_with_chapters(schools: Collection[int] | None = None) -> QuerySet[Course]:
    """Courses in order, each with its chapters in order, a chapter's `question_count` the live
    questions a student can be asked (drafts left out). `schools`: the courses for every school
    and those schools' own (None: every course)."""
    live = Count("questions", filter=Q(questions__live=True))
    chapters = Chapter.objects.annotate(question_count=live).order_by("order", "id")
    return (
        for_schools(Course.objects.all(), schools, "school")
        .order_by("order", "id")
        .prefetch_related(Prefetch("chapters", queryset=chapters))
    )


def for_schools(
    query: QuerySet[Any], schools: Collection[int] | None, school: str
) -> QuerySet[Any]:
    """`query` kept to what belongs to every school (its `school` field empty) or to one of
    `schools`; None: everything (staff)."""
    if schools is None:
        return query
    return query.filter(Q(**{f"{school}__isnull": True}) | Q(**{f"{school}__in": list(schools)}))
