"""Every admin list, with every optional view the admin offers, answers without a server error."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from tests.pages_data import make_chapter, make_student, make_user

pytestmark = pytest.mark.django_db


def log_in_a_superuser(client: Client) -> None:
    boss = make_user("boss", staff=True)
    boss.is_superuser = True
    boss.save()
    client.force_login(boss)


@pytest.mark.parametrize("query", ["", "?_facets=True", "?q=1", "?o=1", "?all="])
def test_every_admin_list_answers(client: Client, query: str) -> None:
    make_chapter()  # the chapter and class filters list these
    make_student()
    log_in_a_superuser(client)
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{query}"
        response = client.get(url)
        assert response.status_code in (200, 302), url


def test_the_site_has_an_icon(client: Client) -> None:
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_the_admin_is_named_studyflow(client: Client) -> None:
    log_in_a_superuser(client)
    page = client.get("/admin/").content.decode()
    assert "Studyflow administration" in page
    assert "<title>Content, classes and operations | Studyflow admin</title>" in page
    assert "Django" not in page


def test_the_api_tokens_are_named_for_staff(client: Client) -> None:
    log_in_a_superuser(client)
    page = client.get("/admin/").content.decode()
    assert "API tokens" in page
    assert "Auth Token" not in page
    tokens = client.get("/admin/authtoken/tokenproxy/")  # still where it was: same app label
    assert tokens.status_code == 200 and "API tokens" in tokens.content.decode()
