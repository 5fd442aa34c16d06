from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("studyflow.api_urls")),
    path("teacher/", include("reporting.urls")),
    path("", include("quiz.urls")),
]
