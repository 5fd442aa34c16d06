"""The quiz API: courses, the student's quizzes and their commands, and staff content access.

Thin views: input serializers validate, quiz.services decide and record, quiz.selectors read,
output serializers shape QuizState. Output serializers list fields explicitly, so nothing the
domain adds to its views (such as accepted answers) can leak to a student by accident.
"""

from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import urlencode

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
from quiz import content, selectors, services
from quiz import errors as quiz_errors
from quiz.answers import MAX_ANSWER_LENGTH
from quiz.command_guard import CommandThrottle
from quiz.quiz_view import QuizView
from studyflow import roles
from studyflow.api import errors, query_params
from studyflow.idempotency import IDEMPOTENCY_PARAMETER, command_id_from
from studyflow.permissions import IsStaff, IsStudent

MAX_ID = 2**63 - 1
MAX_QUIZZES = 500
DEFAULT_QUIZZES = 100
MAX_QUESTIONS = 1000
MAX_QUIZ_EVENTS = 1000
MAX_VERSION = 2**31 - 1  # the event table's version column
QUIZ_STATUSES = [
    "question_open",
    "answered_correctly",
    "answered_incorrectly",
    "answer_revealed",
    "passed",
]


# --- paging ---------------------------------------------------------------------------------------


def next_page_link(request: Request, **params: Any) -> str:
    """An RFC 8288 Link header to the same list with `params` for its next page. A path, not an
    absolute URL: the client resolves it against the URL it asked for. Behind the site's HTTPS
    proxy this server sees plain HTTP, and an http:// link would have the client send its token
    in the clear."""
    return f'<{request.path}?{urlencode(params)}>; rel="next"'


def next_page_header(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "Link",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        response=[200],
        description=(
            f'Only when there is more: `<path>; rel="next"`, the path of {what} on this site '
            "(resolve it against the request's URL)."
        ),
    )


# --- output ---------------------------------------------------------------------------------------


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


# --- student: courses -----------------------------------------------------------------------------


class CourseListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Course")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="Chapter")
        class ChapterSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()
            question_count = serializers.IntegerField()
            streak_goal = serializers.IntegerField()

        id = serializers.IntegerField()
        title = serializers.CharField()
        chapters = ChapterSerializer(many=True, source="chapters.all")

    @extend_schema(
        operation_id="courses_list",
        summary="Courses with their chapters",
        responses={200: OutputSerializer(many=True), **errors(401, 503)},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        student = roles.is_student(user)
        schools = roles.schools_of_student(user) if student else roles.schools_of(user)
        courses = content.courses_with_chapters(schools)
        return Response(self.OutputSerializer(courses, many=True).data)


# --- student: quizzes -----------------------------------------------------------------------------


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


class QuizCommandApi(APIView):
    """A command on one quiz. The role check runs only when the command fails: the services refuse
    a quiz that is not the caller's anyway, so the hot path saves the group query, and anyone who
    is not a student still gets 403 (wrong role) rather than that quiz's 404 or 400."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [CommandThrottle]

    def handle_exception(self, exc: Exception) -> Response:
        user = self.request.user if self.request is not None else None
        if (
            isinstance(exc, quiz_errors.QuizError | exceptions.ValidationError)
            and user is not None
            and user.is_authenticated
            and not roles.is_student(user)
        ):
            exc = exceptions.PermissionDenied(IsStudent.message, IsStudent.code)
        return super().handle_exception(exc)

    def run(self, request: Request, quiz_id: uuid.UUID, service: Any, **arguments: Any) -> Response:
        """Send the command and reply with the quiz's new state. Its command id comes from the
        Idempotency-Key, scoped to the user only: a key names one request whatever the endpoint,
        and reusing it for another action, quiz or answer is refused (studyflow.idempotency)."""
        result = service(
            actor=request.user,
            quiz_id=quiz_id,
            command_id=command_id_from(request),
            **arguments,
        )
        return Response(quiz_state(result.quiz))


class AnswerField(serializers.CharField):
    """Text. A JSON number is taken as Python writes it (1.50 as "1.5", 1e2 as "100.0", which
    the answer checker reads as the same numbers), except one too large for a float: JSON parsing
    has already made it infinity, and "1e400" would be answered as "inf"."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, float) and not math.isfinite(data):
            raise serializers.ValidationError("Send the answer as text.", code="invalid")
        return super().to_internal_value(data)


class QuizAnswerApi(QuizCommandApi):
    @extend_schema_serializer(component_name="Answer")
    class InputSerializer(serializers.Serializer):
        answer = AnswerField(min_length=1, max_length=MAX_ANSWER_LENGTH)

    @extend_schema(
        operation_id="quizzes_answer",
        summary="Answer the open question",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={200: QuizStateSerializer, **errors(400, 401, 403, 404, 409, 413, 429, 503)},
    )
    def post(self, request: Request, quiz_id: uuid.UUID) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = data.validated_data["answer"]
        return self.run(request, quiz_id, services.answer_question, answer=answer)


class QuizRevealApi(QuizCommandApi):
    @extend_schema(
        operation_id="quizzes_reveal",
        summary="Reveal the worked answer (counts as not correct)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={200: QuizStateSerializer, **errors(400, 401, 403, 404, 409, 429, 503)},
    )
    def post(self, request: Request, quiz_id: uuid.UUID) -> Response:
        return self.run(request, quiz_id, services.reveal_answer)


class QuizNextApi(QuizCommandApi):
    @extend_schema(
        operation_id="quizzes_next",
        summary="Go on to the next question",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=None,
        responses={200: QuizStateSerializer, **errors(400, 401, 403, 404, 409, 429, 503)},
    )
    def post(self, request: Request, quiz_id: uuid.UUID) -> Response:
        return self.run(request, quiz_id, services.next_question)


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


# --- staff: content -------------------------------------------------------------------------------


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
