"""Content-Security-Policy on every response.

The pages load scripts and styles from this site's own static files only: no inline script, no
inline style, no eval (htmx's eval features are switched off in its config), so the policy can
forbid them all. Should an answer or a name ever slip past escaping into a page, the browser still
runs nothing of it. The header is set where a view has not set its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "Content-Security-Policy"

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Swagger UI draws its icons as data: URIs.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy: str = settings.CONTENT_SECURITY_POLICY
        # With DEBUG on, Django's own error pages (the traceback, the list of URLs) style and
        # script themselves inline: a developer's error page keeps working.
        self.debug: bool = settings.DEBUG

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not self.policy or HEADER in response:
            return response
        if self.debug and response.status_code >= 400:
            return response
        response[HEADER] = self.policy
        return response
