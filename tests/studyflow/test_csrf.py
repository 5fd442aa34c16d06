"""A form sent back without its CSRF cookie: the site's page, and, when the cookie is Secure and
the request came over plain HTTP, a log line that tells the operator why and what to do."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, override_settings


@override_settings(CSRF_COOKIE_SECURE=True, SESSION_COOKIE_SECURE=True)
def test_a_log_in_over_plain_http_with_secure_cookies_tells_the_operator_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A browser drops the Secure CSRF cookie of an http:// site: the form comes back without it.
    browser = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        response = browser.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "This page was out of date" in response.content.decode()
    [hint] = [r for r in caplog.records if r.name == "studyflow.csrf"]
    assert "SECURE_COOKIES=0" in hint.getMessage() and "X-Forwarded-Proto" in hint.getMessage()


@override_settings(CSRF_COOKIE_SECURE=False, SESSION_COOKIE_SECURE=False)
def test_an_old_tab_over_plain_http_without_secure_cookies_gets_no_hint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    browser = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        response = browser.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert not [r for r in caplog.records if r.name == "studyflow.csrf"]
