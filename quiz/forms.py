"""Forms of the student pages.

Every quiz form carries two hidden fields besides its own input:
- `command_id`: a fresh uuid4 per render, passed to the services as their idempotency key, so a
  double click or a re-sent form never answers twice;
- `version`: the quiz's stream version the page showed, so an answer from a stale page (the back
  button, a second tab) is never applied to a question the student has not seen.
"""

from __future__ import annotations

from django import forms

from quiz.answers import MAX_ANSWER_LENGTH

EMPTY_ANSWER = "Type an answer first."
LONG_ANSWER = f"That answer is too long: use at most {MAX_ANSWER_LENGTH} characters."


class CommandForm(forms.Form):
    """A form that sends one command: a command id and the version of the quiz it was made for."""

    command_id = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class StartForm(forms.Form):
    """Start (or continue: the service returns the open quiz) a chapter."""

    command_id = forms.UUIDField(widget=forms.HiddenInput)


class AnswerForm(CommandForm):
    # Length is checked in clean_answer (not max_length) so the message is ours and an over-long
    # answer is still shown back to the student to shorten.
    answer = forms.CharField(
        required=True,
        strip=True,
        error_messages={"required": EMPTY_ANSWER},
    )

    def clean_answer(self) -> str:
        answer: str = self.cleaned_data["answer"]
        if len(answer) > MAX_ANSWER_LENGTH:
            raise forms.ValidationError(LONG_ANSWER, code="max_length")
        return answer
