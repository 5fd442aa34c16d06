"""Staff content access: a chapter's questions at their current revision, accepted answers
included."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quiz import content
from quiz import errors as quiz_errors
from quiz.api.shared import MAX_ID
from quiz.api.state import ChoiceSerializer
from studyflow.api import errors, query_params
from studyflow.permissions import IsStaff

MAX_QUESTIONS = 1000


def questions_of_chapter(chapter_id: int) -> list[dict[str, Any]]:
    """Each question at its current revision (with accepted answers: staff only)."""
    return [
        {
            "id": question.id,
            "chapter": chapter_id,
            "kind": question.kind,
            "revision": question.revision,
            "text": question.text,
            "choices": [choice.as_dict() for choice in question.choices],
            "accepted_answers": list(question.accepted_answers),
            "live": live,
        }
        # One query for the current revisions, not every revision loaded.
        for question, live in content.chapter_questions(chapter_id)[:MAX_QUESTIONS]
    ]


class ContentQuestionListApi(APIView):
    permission_classes = [IsStaff]

    class FilterSerializer(serializers.Serializer):
        chapter = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    @extend_schema_serializer(component_name="ContentQuestion")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        chapter = serializers.IntegerField()
        text = serializers.CharField()
        kind = serializers.ChoiceField(choices=["open", "choice"])
        choices = ChoiceSerializer(many=True)
        accepted_answers = serializers.ListField(child=serializers.CharField())
        revision = serializers.IntegerField()
        live = serializers.BooleanField(help_text="False: a draft, never put to students.")

    @extend_schema(
        operation_id="content_questions_list",
        summary="A chapter's questions at their current revision (staff)",
        parameters=[
            OpenApiParameter("chapter", OpenApiTypes.INT, required=True, description="Chapter id.")
        ],
        responses={200: OutputSerializer(many=True), **errors(400, 401, 403, 404, 503)},
    )
    def get(self, request: Request) -> Response:
        filters = query_params(request, self.FilterSerializer)
        questions = questions_of_chapter(filters["chapter"])
        if not questions and content.chapter_info(filters["chapter"]) is None:
            # As the reports answer an unknown chapter: not an empty chapter's [].
            raise quiz_errors.ChapterNotFound()
        return Response(self.OutputSerializer(questions, many=True).data)
