"""The report API (`/api/reports/...`, see API.md): thin DRF views over reporting.selectors with the
same access rules as the pages (reporting.access). Responses are built as plain dicts; the
serializers document them in the OpenAPI schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import access, exports, selectors
from reporting.context_processors import reports_status
from reporting.projections.class_activity import FEED_KEEP
from studyflow.api import errors, query_params, utc_time
from studyflow.exceptions import ErrorSerializer
from studyflow.negotiation import FileDownload

ERRORS: dict[int | str, Any] = {
    **errors(401, 503),
    403: OpenApiResponse(ErrorSerializer, description="Not a teacher or staff member."),
    404: OpenApiResponse(ErrorSerializer, description="No such class/question, or not yours."),
}
# A student may read their own answers (access.student_for): only a caller of no role is refused.
STUDENT_ANSWERS_ERRORS: dict[int | str, Any] = {
    **ERRORS,
    403: OpenApiResponse(ErrorSerializer, description="Neither a teacher, staff nor a student."),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such student, or not yours (to a student, any student but themself).",
    ),
}
# The endpoints that take query parameters: a bad one is a 400 whose `errors` names it.
QUERY_ERRORS: dict[int | str, Any] = {
    **ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="A bad query parameter, named in `errors`."),
}

MAX_ID = 2**31 - 1  # the reports' tables keep ids in integer columns


class IdParam(serializers.IntegerField):
    """A class's or chapter's id in the query string."""

    default_error_messages = {
        "required": "This query parameter is required.",
        "invalid": "Must be a whole number.",
        "min_value": "Must be {min_value} or more.",
        "max_value": "Must be {max_value} or less.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field(OpenApiTypes.DATETIME)
class Since(serializers.Field):
    """A moment as a client or the feed's page sends it (selectors.read_moment), with its offset."""

    default_error_messages = {
        "invalid": "Must be an ISO 8601 date and time.",
        "no_offset": "Needs a time zone offset (Z or +01:00).",
    }

    def to_internal_value(self, data: Any) -> datetime:
        moment = selectors.read_moment(str(data))
        if moment is None:
            self.fail("invalid")
        if moment.tzinfo is None:
            self.fail("no_offset")
        return moment


# The query serializers document the parameters in the schema too (extend_schema(parameters=...)),
# so what is documented is what is read.
class ClassQuery(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # "class" is a Python keyword, so no declared field can be named so.
        only_class = IdParam(required=False, help_text="Only the students currently in this class.")
        return {**super().get_fields(), "class": only_class}


class QuestionQuery(ClassQuery):
    chapter = IdParam(help_text="The chapter's id.")


class ActivityQuery(serializers.Serializer):
    since = Since(required=False, help_text="Only events after this instant.")


def _class_students(user: Any, classroom_id: int | None) -> list[int] | None:
    if classroom_id is None:
        return None
    return selectors.student_ids(access.classroom_for(user, classroom_id))


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
        rebuild_pending = serializers.BooleanField(
            help_text="An update changed how the reports are computed and their rebuild has not "
            "started yet: until it has run (`rebuilding_percent` meanwhile), the figures are "
            "computed the old way. Also while an update added a report that is not computed "
            "yet: its figures are missing until then."
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
        "rebuild_pending": status.rebuild_pending,
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
        parameters=[ActivityQuery],
        responses={200: ActivityOut(many=True), **QUERY_ERRORS},
    )
    def get(self, request: Request, classroom_id: int) -> Response:
        access.classroom_for(request.user, classroom_id)
        since = query_params(request, ActivityQuery).get("since")
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


class QuestionReportApi(APIView):
    @extend_schema(
        summary="Item analysis of a chapter's questions",
        parameters=[QuestionQuery],
        responses={200: QuestionOut(many=True), **QUERY_ERRORS},
    )
    def get(self, request: Request) -> Response:
        access.require_reporter(request.user)
        query = query_params(request, QuestionQuery)
        access.chapter_for(request.user, query["chapter"])
        students = _class_students(request.user, query.get("class"))
        reports = selectors.question_table(query["chapter"], students=students)
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
        parameters=[ClassQuery],
        responses={200: WrongAnswerOut(many=True), **QUERY_ERRORS},
    )
    def get(self, request: Request, question_id: int) -> Response:
        access.question_for(request.user, question_id)
        classroom_id = query_params(request, ClassQuery).get("class")
        students = access.wrong_answer_students(
            request.user, _class_students(request.user, classroom_id)
        )
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
        responses={200: StudentAnswerOut(many=True), **STUDENT_ANSWERS_ERRORS},
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
