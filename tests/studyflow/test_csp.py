"""The Content-Security-Policy header: on every response unless a view set its own; none when an
operator empties the setting. (tests/e2e checks that the pages keep to it in a browser.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.views import defaults

from studyflow.csp import DEFAULT_POLICY, HEADER, ContentSecurityPolicyMiddleware


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>a page</p>")


def page_with_its_own_policy(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("<p>a page</p>")
    response[HEADER] = "default-src 'none'"
    return response


def test_a_response_gets_the_sites_policy() -> None:
    response = ContentSecurityPolicyMiddleware(page)(RequestFactory().get("/"))
    assert response[HEADER] == DEFAULT_POLICY
    assert "script-src 'self'" in DEFAULT_POLICY and "unsafe" not in DEFAULT_POLICY


def test_a_view_that_sets_its_own_policy_keeps_it() -> None:
    middleware = ContentSecurityPolicyMiddleware(page_with_its_own_policy)
    assert middleware(RequestFactory().get("/"))[HEADER] == "default-src 'none'"


@override_settings(CONTENT_SECURITY_POLICY="")
def test_an_empty_setting_sends_no_policy() -> None:
    response = ContentSecurityPolicyMiddleware(page)(RequestFactory().get("/"))
    assert HEADER not in response


def test_the_error_page_styles_itself_from_the_sites_stylesheet() -> None:
    html = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert "style=" not in html and "<style" not in html
    assert 'href="/static/studyflow/site.css"' in html


@override_settings(DEBUG=True)
def test_with_debug_on_an_error_page_is_left_to_style_itself() -> None:
    def missing(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<style>traceback</style>", status=404)

    middleware = ContentSecurityPolicyMiddleware(missing)
    assert HEADER not in middleware(RequestFactory().get("/"))
    assert ContentSecurityPolicyMiddleware(page)(RequestFactory().get("/"))[HEADER]


def test_a_form_sent_without_its_token_gets_the_sites_page() -> None:
    browser = Client(enforce_csrf_checks=True)  # an old tab: no security token with the form
    response = browser.post("/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403 and "This page was out of date" in html
    assert "style=" not in html and "<style" not in html
