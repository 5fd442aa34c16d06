"""Everything under /api/: each app contributes its own routes."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", include("reporting.api_urls")),
]
