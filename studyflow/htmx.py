"""htmx requests whose session has ended.

A quiz form posted with htmx, or the teacher grid polling, after the user logged out in another tab
(or the session expired) gets Django's redirect to the log-in page. The browser's XHR follows it
silently and htmx swaps the log-in page into the panel, leaving an empty quiz. Such a redirect is
turned into an `HX-Redirect`: htmx loads the log-in page as a page, with `next` set to the page the
user was on (htmx sends it as HX-Current-URL), not to the fragment or POST-only URL asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase, HttpResponseRedirectBase
from django.shortcuts import resolve_url


class LoginRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or not isinstance(
            response, HttpResponseRedirectBase
        ):
            return response
        if urlsplit(response.url).path != resolve_url(settings.LOGIN_URL):
            return response
        htmx = HttpResponse()  # empty: htmx follows HX-Redirect before it would swap anything
        htmx["HX-Redirect"] = redirect_to_login(current_page(request)).url
        return htmx


def current_page(request: HttpRequest) -> str:
    """The path (and query) of the page the htmx request came from; home when unknown. Only a path
    on this site: the log-in view would refuse another host's `next` anyway."""
    try:
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
    except ValueError:  # a header no browser sends ("http://[x"): no page to go back to
        return "/"
    if not page.path.startswith("/") or (page.netloc and page.netloc != request.get_host()):
        return "/"
    return page.path + (f"?{page.query}" if page.query else "")
