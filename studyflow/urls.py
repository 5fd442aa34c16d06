from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("studyflow.api_urls")),
    path("teacher/", include("reporting.urls")),
    path("", include("quiz.urls")),
]

# JSON for /api/ paths, Django's HTML pages everywhere else.
handler400 = "studyflow.exceptions.json_400"
handler403 = "studyflow.exceptions.json_403"
handler404 = "studyflow.exceptions.json_404"
handler500 = "studyflow.exceptions.json_500"
