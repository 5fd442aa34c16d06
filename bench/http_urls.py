"""The project's URLs plus the CRUD strawman the HTTP benchmark compares the answer command with.

The strawman exists only here: the same stack (gunicorn, DRF, token auth, an input serializer,
PostgreSQL) storing an answer the CRUD way, as one row UPDATE (table made by bench/http.py).
"""

from typing import Any

from django.db import connection
from django.urls import URLPattern, URLResolver, path
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from studyflow import urls as project_urls

STRAWMAN_TABLE = "bench_strawman_answer"


class StrawmanAnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(min_length=1, max_length=500)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {STRAWMAN_TABLE} SET answer = %s, answered = answered + 1, "
                "updated_at = now() WHERE student_id = %s",
                [data.validated_data["answer"], request.user.pk],
            )
        return Response({"stored": True})


urlpatterns: list[Any | URLPattern | URLResolver] = [
    path("bench/strawman/", StrawmanAnswerApi.as_view()),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
