"""Question content checked and normalised before it is saved (one clear message per field), and
a saved revision's content in that same form, to tell an edit that changes nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from quiz.answers import choice_key
from quiz.models import QuestionKind, QuestionRevision
from quiz.thousands import doubtful_accepted_answer
from quiz.units import DEGREE_SIGNS

MAX_ANSWER_LENGTH = 500
MAX_KEY_LENGTH = 20
# A question is read on the student's quiz panel in one go, above its answer box (and sent whole
# in every QuizState of the API): 2,000 characters is most of a textbook page, many times the demo
# bank's longest question; a longer one pushes the answer box out of sight. Checked when content
# is saved, not by the database (a text field): revisions saved before stay as they are.
MAX_TEXT_LENGTH = 2000
# A choice is one button on the quiz panel, and is read back with its key ("B: 2/5") after an
# answer and in the revealed answer: a value or a short sentence.
MAX_CHOICE_LENGTH = 300
# A worked answer is read on the quiz panel under the question, above "Next question", by a
# student who revealed it (and sent whole in the QuizState of the reveal): the steps of one
# question's solution, as long as a question may be; the demo bank's longest has 115 characters.
# Checked when content is saved, not by the database (a text field), as the question's text.
MAX_WORKED_ANSWER_LENGTH = 2000


@dataclass(frozen=True)
class Choice:
    key: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text}


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

    Raises ValidationError with messages keyed by field: kind, text, choices, accepted_answers,
    worked_answer.
    """
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors.setdefault("kind", []).append(
            f"Unknown question kind {kind!r}: use one of {', '.join(QuestionKind.values)}."
        )
    clean_text = newline_breaks(text or "").strip()
    if not clean_text:
        errors.setdefault("text", []).append("The question text is empty.")
    elif len(clean_text) > MAX_TEXT_LENGTH:
        errors.setdefault("text", []).append(
            f"The question text is at most {MAX_TEXT_LENGTH:,} characters; this one has "
            f"{len(clean_text):,}. Shorten it, or split it over two questions."
        )

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
    # Accepted answers are kept in plain characters, as students type them (the demo's "2⁷" once
    # made "27" right, when answer checking read it by NFKC alone).
    compat = [a for a in answers if unicodedata.normalize("NFKC", a) != a]
    if compat:
        errors.setdefault("accepted_answers", []).append(
            "Accepted answers are written in plain characters: "
            + "; ".join(_in_plain_characters(a) for a in compat)
            + "."
        )
    # "10.000" is checked as 10 where it may mean ten thousand: staff write the number they mean.
    for answer in answers:
        doubt = doubtful_accepted_answer(answer, kind=kind)
        if doubt is not None:
            errors.setdefault("accepted_answers", []).append(doubt)
    too_long = [a for a in answers if len(a) > MAX_ANSWER_LENGTH]
    if too_long:
        errors.setdefault("accepted_answers", []).append(
            f"An accepted answer is at most {MAX_ANSWER_LENGTH} characters."
        )
    clean_worked_answer = newline_breaks(worked_answer or "").strip()
    if len(clean_worked_answer) > MAX_WORKED_ANSWER_LENGTH:
        errors.setdefault("worked_answer", []).append(
            f"The worked answer is at most {MAX_WORKED_ANSWER_LENGTH:,} characters; this one has "
            f"{len(clean_worked_answer):,}. Shorten it to the steps of this question's solution."
        )
    if errors:
        raise ValidationError(errors)
    return CleanContent(
        text=clean_text,
        choices=clean_choices,
        accepted_answers=answers,
        worked_answer=clean_worked_answer,
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
        elif len(choice.text) > MAX_CHOICE_LENGTH:
            errors.append(
                f"The text of a choice is at most {MAX_CHOICE_LENGTH} characters; the choice "
                f"{choice.key!r} has {len(choice.text):,}."
            )
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


# A vulgar fraction character is one NFKC makes digits, FRACTION SLASH, digits of (½, ¾, ⅞): not
# ⅟, a numerator alone.
_VULGAR_FRACTION = re.compile("[0-9]+\u2044[0-9]+")


def _in_plain_characters(answer: str) -> str:
    """How to write an accepted answer in the plain characters it is kept in: a fraction with a
    slash (`1½` as `1 1/2`, as answer checking reads it), a power with ^ (`2⁷` as 2^7), a degree
    sign as one (`6 ºC` as `6 °C`)."""
    with_slashes = "".join(_with_a_slash(answer, at) for at in range(len(answer)))
    if with_slashes != answer and unicodedata.normalize("NFKC", with_slashes) == with_slashes:
        return f"write fractions with a slash, {answer!r} as {with_slashes!r}"
    # º and ˚ typed for a degree sign are the sign: NFKC makes º (a superscript o) the letter o,
    # and ˚ a space and a combining ring
    degrees = answer.translate(DEGREE_SIGNS)
    if any(unicodedata.decomposition(ch).startswith("<super>") for ch in degrees):
        return f"type powers as 2^7, not {answer!r}"
    return f"write {answer!r} as {unicodedata.normalize('NFKC', degrees)!r}"


def _with_a_slash(text: str, at: int) -> str:
    """The character at `at`, a vulgar fraction one as "1/2" (after a number: " 1/2", `1½`
    being one and a half)."""
    fraction = unicodedata.normalize("NFKC", text[at])
    if not _VULGAR_FRACTION.fullmatch(fraction):
        return text[at]
    gap = " " if at and text[at - 1].isdigit() else ""
    return gap + fraction.replace("\u2044", "/")


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _content_of(revision: QuestionRevision) -> CleanContent:
    # A revision saved through the admin before its line breaks were read as "\n" has "\r\n":
    # the same content sent again is no new revision.
    return CleanContent(
        text=newline_breaks(revision.text),
        choices=tuple(Choice(key=c["key"], text=c["text"]) for c in revision.choices),
        accepted_answers=tuple(revision.accepted_answers),
        worked_answer=newline_breaks(revision.worked_answer),
    )
