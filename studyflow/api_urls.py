"""Everything under /api/: each app contributes its own routes."""

from typing import Any

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api import EventListApi
from quiz.api import (
    ContentQuestionListApi,
    CourseListApi,
    QuizAnswerApi,
    QuizDetailApi,
    QuizEventsApi,
    QuizListCreateApi,
    QuizNextApi,
    QuizRevealApi,
)
from studyflow import converters  # noqa: F401  (registers <anyuuid:...>)
from studyflow.api import AuthTokenApi, ClassListApi, HealthApi
from studyflow.exceptions import api_not_found


class JsonErrors(APIView):
    """Errors as every other /api/ error, {"detail", "code"} in JSON: DRF would render them with
    the view's own renderer, the docs page's HTML or the schema's YAML. GET and HEAD only."""

    http_method_names = ["get", "head"]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class Schema(JsonErrors, SpectacularAPIView):
    pass


class SwaggerDocs(JsonErrors, SpectacularSwaggerSplitView):
    # A page, not an endpoint: DRF would answer OPTIONS with metadata rendered through the page's
    # template, which fails (a 500); so OPTIONS is a 405 like any other method but GET and HEAD.
    # The split view serves the page's start-up script as a file (?script), not inline: the site's
    # Content-Security-Policy runs no inline script.
    pass


urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", AuthTokenApi.as_view(), name="api-token"),
    path("courses/", CourseListApi.as_view(), name="api-courses"),
    path("quizzes/", QuizListCreateApi.as_view(), name="api-quizzes"),
    path("quizzes/<anyuuid:quiz_id>/", QuizDetailApi.as_view(), name="api-quiz"),
    path("quizzes/<anyuuid:quiz_id>/answer/", QuizAnswerApi.as_view(), name="api-quiz-answer"),
    path("quizzes/<anyuuid:quiz_id>/reveal/", QuizRevealApi.as_view(), name="api-quiz-reveal"),
    path("quizzes/<anyuuid:quiz_id>/next/", QuizNextApi.as_view(), name="api-quiz-next"),
    path("quizzes/<anyuuid:quiz_id>/events/", QuizEventsApi.as_view(), name="api-quiz-events"),
    path("classes/", ClassListApi.as_view(), name="api-classes"),
    path("events/", EventListApi.as_view(), name="api-events"),
    path("content/questions/", ContentQuestionListApi.as_view(), name="api-content-questions"),
    path("health/", HealthApi.as_view(), name="api-health"),
    path("reports/", include("reporting.api_urls")),
    path("schema/", Schema.as_view(), name="api-schema"),
    path("docs/", SwaggerDocs.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path is the JSON 404, whatever DEBUG says (a newline in it included).
    re_path(r"^[\s\S]*$", api_not_found),
]
