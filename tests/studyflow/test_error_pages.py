"""The error pages with DEBUG off and no static files' manifest (`collectstatic` not run): they
name their files without it, so a visitor gets the site's page, not the server's bare "Internal
Server Error" (the 500 page itself needed the manifest, so any page's failure ended there)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.template import loader
from django.test import Client, override_settings

from tests.api.test_health import site_static_storage

pytestmark = pytest.mark.django_db

PLAIN_STYLE = '<link rel="stylesheet" href="/static/studyflow/site.css">'


@pytest.fixture(scope="module")
def storages() -> dict[str, Any]:
    return site_static_storage()


@pytest.fixture
def uncollected(storages: dict[str, Any], tmp_path: Path) -> Iterator[None]:
    """The site's DEBUG-off storage over a STATIC_ROOT `collectstatic` never wrote to."""
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        yield


def visitor() -> Client:
    return Client(raise_request_exception=False)


def test_a_page_that_fails_for_want_of_the_manifest_answers_with_the_500_page(
    uncollected: None,
) -> None:
    # when a page names its files by the manifest that is not there
    response = visitor().get("/login/")
    # then the visitor gets the site's 500 page, its style named plainly
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert PLAIN_STYLE in html


def test_the_404_403_and_out_of_date_pages_show_without_the_manifest(uncollected: None) -> None:
    # a page that is not there
    missing = visitor().get("/no-such-page/")
    assert missing.status_code == 404
    assert "We could not find that page" in missing.content.decode()
    assert PLAIN_STYLE in missing.content.decode()
    # a page not for the account (a student at the teachers' pages)
    student = User.objects.create_user("pupil", password="pw")
    client = visitor()
    client.force_login(student)
    refused = client.get("/api/reports/classes/1/progress/")  # the API's stays JSON
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    page = client.get("/teacher/")
    assert page.status_code == 403
    assert "This page is not for your account" in page.content.decode()
    assert PLAIN_STYLE in page.content.decode()
    # a form sent without its security token
    out_of_date = Client(enforce_csrf_checks=True, raise_request_exception=False).post(
        "/login/", {"username": "pupil", "password": "pw"}
    )
    assert out_of_date.status_code == 403
    assert "This page was out of date" in out_of_date.content.decode()
    assert PLAIN_STYLE in out_of_date.content.decode()


def test_a_bad_request_and_the_database_outage_page_need_no_manifest(uncollected: None) -> None:
    # Django's own 400 page names no file
    bad = visitor().get("/login/", HTTP_HOST="not-this-site.example")
    assert bad.status_code == 400
    # and the "back in a moment" page (the database down) stands alone like the 500 page
    assert PLAIN_STYLE in loader.render_to_string("503.html")


def test_with_the_manifest_the_error_pages_name_the_collected_files(
    storages: dict[str, Any], tmp_path: Path
) -> None:
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", verbosity=0)
        html = visitor().get("/no-such-page/").content.decode()
    assert re.search(r'href="/static/studyflow/site\.[0-9a-f]{12}\.css"', html)
