"""The report API (`/api/reports/...`, see API.md): thin DRF views over reporting.selectors with the
same access rules as the pages (reporting.access). Responses are built as plain dicts; the
serializers document them in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import access, exports, selectors
from reporting.context_processors import reports_status
from reporting.projections.class_activity import FEED_KEEP
from studyflow.api import utc_time
from studyflow.negotiation import FileDownload

ERRORS: dict[int | str, Any] = {
    400: OpenApiResponse(description="Invalid query parameter: {detail, code}."),
    401: OpenApiResponse(description="No or bad credentials: {detail, code}."),
    403: OpenApiResponse(description="Not a teacher or staff member: {detail, code}."),
    404: OpenApiResponse(description="No such class/student/question, or not yours."),
}


class BadQuery(APIException):
    """A bad query parameter: 400 {"detail", "code"} (a sentence that names the parameter)."""

    status_code = 400
    default_detail = "Invalid query parameter."
    default_code = "invalid"


def _id_param(request: Request, name: str, *, required: bool) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise BadQuery(f"The query parameter {name!r} is required.", code="required")
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name!r} must be a whole number.", code="invalid") from None
    if value < 1 or value > 2**31 - 1:
        raise BadQuery(f"{name!r} is out of range.", code="invalid")
    return value


def _class_students(request: Request) -> list[int] | None:
    classroom_id = _id_param(request, "class", required=False)
    if classroom_id is None:
        return None
    return selectors.student_ids(access.classroom_for(request.user, classroom_id))


# --- progress grid ------------------------------------------------------------------------------


class ProgressOut(serializers.Serializer):
    class StudentOut(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()

    class ChapterOut(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()

    class CellOut(serializers.Serializer):
        student = serializers.IntegerField()
        chapter = serializers.IntegerField()
        status = serializers.ChoiceField(["not_started", "in_progress", "stuck", "passed"])
        streak = serializers.IntegerField()
        best_streak = serializers.IntegerField()
        answered = serializers.IntegerField()
        mistakes = serializers.IntegerField()
        reveals = serializers.IntegerField()
        time_spent_seconds = serializers.IntegerField()
        last_activity = serializers.DateTimeField(allow_null=True)
        passed_at = serializers.DateTimeField(allow_null=True)
        stuck = serializers.BooleanField(
            help_text="Stuck in the current quiz: with `status` passed, while practising again."
        )

    class ReportsOut(serializers.Serializer):
        rebuilding_percent = serializers.IntegerField(
            allow_null=True,
            help_text="While the reports are rebuilt from the event log, how far (0-99); the "
            "figures are incomplete until it is null again.",
        )
        stopped = serializers.BooleanField(
            help_text="The reports stopped taking in new work (a technical problem, being "
            "retried): the figures miss what students did since `stopped_after`."
        )
        stopped_after = serializers.DateTimeField(
            allow_null=True, help_text="The newest work the reports hold, when stopped."
        )

    students = StudentOut(many=True)
    chapters = ChapterOut(many=True)
    cells = CellOut(many=True)
    reports = ReportsOut(help_text="Whether the figures are complete (as the pages say it).")


class ClassProgressApi(APIView):
    @extend_schema(
        summary="A class's progress grid (students x chapters)",
        responses={200: ProgressOut, **ERRORS},
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        grid = selectors.grid(access.classroom_for(request.user, classroom_id), sort="name")
        return Response(
            {
                "students": [{"id": s.id, "name": s.name} for s in grid.students],
                "chapters": [{"id": c.id, "title": c.title} for c in grid.chapters],
                "cells": [
                    {
                        "student": cell.student,
                        "chapter": cell.chapter,
                        "status": cell.status,
                        "streak": cell.streak,
                        "best_streak": cell.best_streak,
                        "answered": cell.answered,
                        "mistakes": cell.mistakes,
                        "reveals": cell.reveals,
                        "time_spent_seconds": cell.time_spent_seconds,
                        "last_activity": utc_time(cell.last_activity),
                        "passed_at": utc_time(cell.passed_at),
                        "stuck": cell.stuck,
                    }
                    for cell in grid.cells
                ],
                "reports": reports_status_body(),
            }
        )


def reports_status_body() -> dict[str, Any]:
    status = reports_status()
    return {
        "rebuilding_percent": status.rebuilding_percent,
        "stopped": status.stall is not None,
        "stopped_after": utc_time(status.stall.since) if status.stall else None,
    }


# --- activity -----------------------------------------------------------------------------------


class ActivityOut(serializers.Serializer):
    at = serializers.DateTimeField()
    position = serializers.IntegerField(
        help_text="The event's position in the log: unique, so a client polling with some "
        "overlap can drop what it already has."
    )
    student = serializers.IntegerField()
    type = serializers.CharField(help_text="The event type, e.g. quiz.QuestionAnsweredCorrectly.")
    question = serializers.IntegerField(allow_null=True)
    correct = serializers.BooleanField(allow_null=True, help_text="Null unless an answer/reveal.")
    chapter = serializers.IntegerField()
    answer = serializers.CharField(allow_blank=True)


ACTIVITY_LIMIT = FEED_KEEP  # the feed keeps no more per class


class ClassActivityApi(APIView):
    @extend_schema(
        summary="A class's recent activity, newest first",
        description=(
            f"The newest {ACTIVITY_LIMIT} items at most (the feed keeps no more per class). "
            "`at` is when the student acted; an item can appear a moment after newer ones (the "
            "reports follow the log in commit order), so poll with `since` a few seconds before "
            "the newest `at` you have and drop the positions you already hold."
        ),
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Only events after this instant."
            )
        ],
        responses={200: ActivityOut(many=True), **ERRORS},
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        access.classroom_for(request.user, classroom_id)
        raw = request.query_params.get("since")
        since = None
        if raw:
            since = selectors.read_moment(raw)
            if since is None:
                raise BadQuery("'since' must be an ISO 8601 date and time.", code="invalid")
            if since.tzinfo is None:
                raise BadQuery("'since' needs a time zone offset (Z or +01:00).", code="invalid")
        items = selectors.feed(classroom_id, since=since, limit=ACTIVITY_LIMIT)
        return Response(
            [
                {
                    "at": utc_time(item.at),
                    "position": item.position,
                    "student": item.student_id,
                    "type": item.type,
                    "question": item.question_id,
                    "correct": item.correct,
                    "chapter": item.chapter_id,
                    "answer": item.answer,
                }
                for item in items
            ]
        )


# --- questions ----------------------------------------------------------------------------------


class QuestionOut(serializers.Serializer):
    question = serializers.IntegerField()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    incorrect = serializers.IntegerField()
    revealed = serializers.IntegerField()
    facility = serializers.FloatField(allow_null=True, help_text="Share of first tries correct.")
    discrimination = serializers.FloatField(
        allow_null=True,
        help_text="Correlation of the first try with the first-try score on the rest.",
    )
    mean_seconds = serializers.FloatField(allow_null=True)
    median_seconds = serializers.FloatField(allow_null=True, help_text="Overall only (no class).")
    first_tries = serializers.IntegerField()
    needs_checking = serializers.BooleanField()


def question_dict(report: selectors.QuestionReport) -> dict[str, Any]:
    return {
        "question": report.question,
        "answered": report.answered,
        "correct": report.correct,
        "incorrect": report.incorrect,
        "revealed": report.revealed,
        "facility": report.facility,
        "discrimination": report.discrimination,
        "mean_seconds": report.mean_seconds,
        "median_seconds": report.median_seconds,
        "first_tries": report.first_tries,
        "needs_checking": report.needs_checking,
    }


CLASS_PARAM = OpenApiParameter(
    "class", OpenApiTypes.INT, description="Only the students currently in this class."
)


class QuestionReportApi(APIView):
    @extend_schema(
        summary="Item analysis of a chapter's questions",
        parameters=[
            OpenApiParameter("chapter", OpenApiTypes.INT, required=True),
            CLASS_PARAM,
        ],
        responses={200: QuestionOut(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        access.require_reporter(request.user)
        chapter_id = _id_param(request, "chapter", required=True)
        assert chapter_id is not None
        access.chapter_for(request.user, chapter_id)
        students = _class_students(request)
        reports = selectors.question_table(chapter_id, students=students)
        return Response([question_dict(r) for r in reports])


class WrongAnswerOut(serializers.Serializer):
    answer = serializers.CharField(
        help_text="The wrong answer, normalised, a decimal number and its unit in one spelling "
        "(`0,6` and `.6` read `0.6`, `35 %` reads `35%`)."
    )
    count = serializers.IntegerField()
    students = serializers.IntegerField(help_text="How many different students gave it.")
    last_seen = serializers.DateTimeField(allow_null=True)


class WrongAnswersApi(APIView):
    @extend_schema(
        summary="The wrong answers given to a question, most common first",
        parameters=[CLASS_PARAM],
        responses={200: WrongAnswerOut(many=True), **ERRORS},
    )
    def get(self, request: Request, question_id: int) -> Response:
        access.question_for(request.user, question_id)
        students = access.wrong_answer_students(request.user, _class_students(request))
        rows = selectors.wrong_answers(question_id, students=students)
        return Response(
            [
                {
                    "answer": r.answer,
                    "count": r.count,
                    "students": r.students,
                    "last_seen": utc_time(r.last_seen),
                }
                for r in rows
            ]
        )


# --- a student's answers ------------------------------------------------------------------------


class StudentAnswerOut(serializers.Serializer):
    at = serializers.DateTimeField()
    quiz = serializers.UUIDField()
    question = serializers.IntegerField()
    answer = serializers.CharField(allow_blank=True, help_text="Empty for a revealed answer.")
    correct = serializers.BooleanField()
    seconds_to_answer = serializers.FloatField(allow_null=True)
    outcome = serializers.ChoiceField(["correct", "incorrect", "revealed"])
    chapter = serializers.IntegerField()
    question_revision = serializers.IntegerField()


class StudentAnswersApi(APIView):
    @extend_schema(
        summary="Every answer of a student, oldest first",
        description="The student's teachers, staff, and the student themself.",
        responses={200: StudentAnswerOut(many=True), **ERRORS},
    )
    def get(self, request: Request, student_id: int) -> Response:
        access.student_for(request.user, student_id, allow_self=True)
        return Response(
            [
                {
                    "at": utc_time(a.answered_at),
                    "quiz": str(a.quiz_id),
                    "question": a.question_id,
                    "answer": a.answer,
                    "correct": a.correct,
                    "seconds_to_answer": a.seconds_to_answer,
                    "outcome": a.outcome,
                    "chapter": a.chapter_id,
                    "question_revision": a.question_revision,
                }
                for a in selectors.student_answers(student_id)
            ]
        )


# --- exports ------------------------------------------------------------------------------------


class ExportCsvApi(APIView):
    content_negotiation_class = FileDownload

    @extend_schema(
        summary="The progress grid as CSV",
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: Request, classroom_id: int) -> HttpResponse:
        return exports.download(exports.grid_to_export(request.user, classroom_id), "csv")


class ExportXlsxApi(APIView):
    content_negotiation_class = FileDownload

    @extend_schema(
        summary="The progress grid as an Excel workbook",
        responses={(200, exports.XLSX): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: Request, classroom_id: int) -> HttpResponse:
        return exports.download(exports.grid_to_export(request.user, classroom_id), "xlsx")
