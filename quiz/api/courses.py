"""The courses with their chapters, as the caller may see them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quiz import content
from studyflow import roles
from studyflow.api import errors


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
