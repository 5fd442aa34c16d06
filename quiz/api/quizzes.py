"""The student's quizzes: start one (or get the open one), list them, read one and its events."""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events import store
from events.api import EventOutputSerializer
from quiz import errors as quiz_errors
from quiz import selectors, services
from quiz.api.shared import MAX_ID
from quiz.api.state import QuizStateSerializer, quiz_state
from quiz.command_guard import CommandThrottle
from studyflow.api import errors, query_params
from studyflow.idempotency import IDEMPOTENCY_PARAMETER, command_id_from
from studyflow.paging import next_page_header, next_page_link
from studyflow.permissions import IsStudent

MAX_QUIZZES = 500
DEFAULT_QUIZZES = 100


MAX_QUIZ_EVENTS = 1000
MAX_VERSION = 2**31 - 1  # the event table's version column


class QuizListCreateApi(APIView):
    permission_classes = [IsStudent]
    throttle_classes = [CommandThrottle]  # a start counts; the list is a read

    @extend_schema_serializer(component_name="StartQuiz")
    class InputSerializer(serializers.Serializer):
        chapter = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_QUIZZES, default=DEFAULT_QUIZZES
        )
        before = serializers.CharField(required=False, max_length=64)

    @extend_schema(
        operation_id="quizzes_list",
        summary="The caller's quizzes, newest first",
        description=(
            "Up to `limit` quizzes. When there are older ones, the `Link` header names the next "
            'page (`rel="next"`): the same list from `before` on. A quiz is listed a moment '
            "after its start commits (once every transaction older than its start has ended), "
            "and then above every quiz listed before it: a client keeping the list takes the "
            "quizzes from the first page on until it meets one it holds."
        ),
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description="1..500, default 100."),
            OpenApiParameter(
                "before",
                OpenApiTypes.STR,
                description="Opaque; from the next page's Link: older quizzes.",
            ),
            next_page_header("the older quizzes"),
        ],
        responses={200: QuizStateSerializer(many=True), **errors(400, 401, 403, 503)},
    )
    def get(self, request: Request) -> Response:
        filters = query_params(request, self.FilterSerializer)
        limit = filters["limit"]
        try:
            page = selectors.quiz_page(request.user, limit=limit, before=filters.get("before"))
        except store.InvalidCursor as error:
            raise exceptions.ValidationError({"before": ["Not a valid cursor."]}) from error
        response = Response([quiz_state(quiz) for quiz in page.quizzes])
        if page.next_before is not None:
            response["Link"] = next_page_link(request, limit=limit, before=page.next_before)
        return response

    @extend_schema(
        operation_id="quizzes_create",
        summary="Start a quiz on a chapter (or get the open one)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(QuizStateSerializer, description="A new quiz."),
            200: OpenApiResponse(
                QuizStateSerializer, description="The student's open quiz on that chapter."
            ),
            **errors(400, 401, 403, 409, 413, 429, 503),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.start_quiz(
                actor=request.user,
                chapter_id=data.validated_data["chapter"],
                command_id=command_id_from(request),
            )
        except quiz_errors.ChapterNotFound as error:
            raise exceptions.ValidationError({"chapter": ["No such chapter."]}) from error
        # A repeated start (same Idempotency-Key) replays the first outcome, created included.
        return Response(
            quiz_state(result.quiz),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class QuizDetailApi(APIView):
    # The student, their teachers and staff may read a quiz; to anyone else it does not exist (404).
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="quizzes_retrieve",
        summary="A quiz: the caller's own (or, for teachers and staff, a student's they can see)",
        responses={200: QuizStateSerializer, **errors(401, 404, 503)},
    )
    def get(self, request: Request, quiz_id: uuid.UUID) -> Response:
        return Response(quiz_state(selectors.quiz_view(request.user, quiz_id)))


class QuizEventsApi(APIView):
    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        from_version = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_VERSION, default=1
        )

    @extend_schema(
        operation_id="quizzes_events",
        summary="The quiz's events, in version order (same readers as the quiz)",
        description=(
            f"Up to {MAX_QUIZ_EVENTS} events. When the quiz has more, the `Link` header names the "
            'next page (`rel="next"`): the events from `from_version` on.'
        ),
        parameters=[
            OpenApiParameter(
                "from_version", OpenApiTypes.INT, description="The first version to list; 1."
            ),
            next_page_header("the quiz's later events"),
        ],
        responses={200: EventOutputSerializer(many=True), **errors(400, 401, 404, 503)},
    )
    def get(self, request: Request, quiz_id: uuid.UUID) -> Response:
        filters = query_params(request, self.FilterSerializer)
        events = selectors.quiz_events(
            request.user,
            quiz_id,
            from_version=filters["from_version"],
            limit=MAX_QUIZ_EVENTS + 1,  # one more: is there a next page?
        )
        response = Response(EventOutputSerializer(events[:MAX_QUIZ_EVENTS], many=True).data)
        if len(events) > MAX_QUIZ_EVENTS:
            response["Link"] = next_page_link(request, from_version=events[-1].version)
        return response
