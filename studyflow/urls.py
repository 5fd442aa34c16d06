from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    return redirect(static("studyflow/favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    # The admin's own "Change password" leads to the site's page, whose form counts a wrong current
    # password as a failed log-in; Django's admin form would let a borrowed staff session guess it.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="quiz:password_change", query_string=False),
    ),
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
