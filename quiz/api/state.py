"""QuizState, the quiz as every quiz endpoint returns it.

Output serializers list fields explicitly, so nothing the domain adds to its views (such as
accepted answers) can leak to a student by accident."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from quiz.quiz_view import QuizView

QUIZ_STATUSES = [
    "question_open",
    "answered_correctly",
    "answered_incorrectly",
    "answer_revealed",
    "passed",
]


@extend_schema_serializer(component_name="Choice")
class ChoiceSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


@extend_schema_serializer(component_name="QuizState")
class QuizStateSerializer(serializers.Serializer):
    """QuizState of API.md: no accepted answers, only `revealed_answer` after a reveal."""

    @extend_schema_serializer(component_name="QuizQuestion")
    class QuestionSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        text = serializers.CharField()
        kind = serializers.ChoiceField(choices=["open", "choice"])
        choices = ChoiceSerializer(many=True)

    @extend_schema_serializer(component_name="AnswerResult")
    class ResultSerializer(serializers.Serializer):
        correct = serializers.BooleanField()
        message = serializers.CharField()

    id = serializers.UUIDField()
    chapter = serializers.IntegerField(help_text="The chapter's id.")
    status = serializers.ChoiceField(choices=QUIZ_STATUSES)
    streak = serializers.IntegerField()
    streak_goal = serializers.IntegerField()
    stuck = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The quiz stream's version (its event count).")
    question = QuestionSerializer(allow_null=True)
    result = ResultSerializer(
        allow_null=True, help_text="The outcome of the last answer; null before one."
    )
    revealed_answer = serializers.CharField(
        allow_null=True, help_text="The worked answer, only after a reveal."
    )


def quiz_state(view: QuizView) -> dict[str, Any]:
    """QuizStateSerializer(view).data, built by hand: every command returns one, and building the
    serializer (DRF deep-copies its fields per instance) cost ~0.25 ms of CPU per command.
    tests/api/test_quiz_state.py holds the two to the same output."""
    question, result = view.question, view.result
    return {
        "id": str(view.id),
        "chapter": int(view.chapter),
        "status": str(view.status),
        "streak": int(view.streak),
        "streak_goal": int(view.streak_goal),
        "stuck": bool(view.stuck),
        "version": int(view.version),
        "question": None
        if question is None
        else {
            "id": int(question.id),
            "text": str(question.text),
            "kind": str(question.kind),
            "choices": [{"key": str(c["key"]), "text": str(c["text"])} for c in question.choices],
        },
        "result": None
        if result is None
        else {"correct": bool(result.correct), "message": str(result.message)},
        "revealed_answer": None if view.revealed_answer is None else str(view.revealed_answer),
    }
