"""/api/reports/... (included from studyflow/api_urls.py)."""

from django.urls import URLPattern, URLResolver, path

from reporting import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "classes/<int:classroom_id>/progress/",
        api.ClassProgressApi.as_view(),
        name="api-report-progress",
    ),
    path(
        "classes/<int:classroom_id>/activity/",
        api.ClassActivityApi.as_view(),
        name="api-report-activity",
    ),
    path(
        "classes/<int:classroom_id>/export.csv",
        api.ExportCsvApi.as_view(),
        name="api-report-export-csv",
    ),
    path(
        "classes/<int:classroom_id>/export.xlsx",
        api.ExportXlsxApi.as_view(),
        name="api-report-export-xlsx",
    ),
    path("questions/", api.QuestionReportApi.as_view(), name="api-report-questions"),
    path(
        "questions/<int:question_id>/wrong-answers/",
        api.WrongAnswersApi.as_view(),
        name="api-report-wrong-answers",
    ),
    path(
        "students/<int:student_id>/answers/",
        api.StudentAnswersApi.as_view(),
        name="api-report-student-answers",
    ),
]
