"""A question's content as the question form's text boxes hold it: choices as "key: text" lines,
accepted answers one a line, and the form fields that read a box (an unchanged box is no change).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from quiz.content import newline_breaks


def parse_choice_lines(text: str) -> list[dict[str, str]]:
    """'A: 1/2' lines to [{"key": "A", "text": "1/2"}]; blank lines are skipped."""
    choices = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, choice_text = line.partition(":")
        if not colon:
            raise ValidationError(f'Line {number} is not "key: text": {line.strip()!r}.')
        choices.append({"key": key.strip(), "text": choice_text.strip()})
    return choices


def format_choice_lines(choices: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['key']}: {c['text']}" for c in choices)


def parse_answer_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class TextBoxField(forms.CharField):
    """A textarea's text with LF line breaks (a browser sends CRLF), and changed only when what it
    says changed: the form's initial value is read as the posted one is, so an unchanged box of
    several lines is not "Changed choices." in the question's history."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        return newline_breaks(super().to_python(value) or "")

    def clean(self, value: Any) -> Any:
        return self.read(super().clean(value))

    def read(self, text: str) -> Any:
        """What the box says, as the form's cleaned data has it."""
        return text

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self.read(self.to_python(initial)) != self.read(self.to_python(data))
        except ValidationError:  # a box that cannot be read is a change (the form says why)
            return True


class ChoiceLinesField(TextBoxField):
    def read(self, text: str) -> list[dict[str, str]]:
        return parse_choice_lines(text)


class AnswerLinesField(TextBoxField):
    def read(self, text: str) -> list[str]:
        return parse_answer_lines(text)
