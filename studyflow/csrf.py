"""The page for a form sent back without its security (CSRF) token, and a hint for the operator.

With DEBUG off the CSRF and session cookies are Secure (SECURE_COOKIES), and a browser keeps a
Secure cookie only from HTTPS (or from localhost). A site reached over plain HTTP by any other name
then refuses every form, the log-in first, with "This page was out of date", and the log said only
"CSRF cookie not set". The log now names the cause and the two ways out.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.views.csrf import csrf_failure as django_csrf_failure

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if reason == REASON_NO_CSRF_COOKIE and settings.CSRF_COOKIE_SECURE and not request.is_secure():
        logger.warning(
            "A form came over plain HTTP without its CSRF cookie (%s): the cookie is Secure, as "
            "SECURE_COOKIES is on with DEBUG off, and browsers send it over HTTPS only (or to "
            "localhost), so no log-in or form works this way. Serve the site over HTTPS (the "
            "proxy sending X-Forwarded-Proto: https) or, to try it over plain HTTP, set "
            "SECURE_COOKIES=0.",
            request.path,
        )
    return django_csrf_failure(request, reason)
