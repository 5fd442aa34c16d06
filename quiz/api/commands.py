"""A student's commands on a quiz: answer, reveal the answer, next question. Each replies with
the quiz's new state."""

from __future__ import annotations

import math
import uuid
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quiz import errors as quiz_errors
from quiz import services
from quiz.answers import MAX_ANSWER_LENGTH
from quiz.api.state import QuizStateSerializer, quiz_state
from quiz.command_guard import CommandThrottle
from studyflow import roles
from studyflow.api import errors
from studyflow.idempotency import IDEMPOTENCY_PARAMETER, command_id_from
from studyflow.permissions import IsStudent


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
