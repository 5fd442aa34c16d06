"""An export's file name in its Content-Disposition, whatever the class is called."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.reporting.world import make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "plain", "named"),
    [
        ("2A", "progress-2A-", None),
        ("Klasse 2ä", "progress-Klasse-2a-", "progress-Klasse-2ä-"),
        ("Klasa 2ł", "progress-Klasa-2-", "progress-Klasa-2ł-"),
        ("二年", "progress-{pk}-", "progress-二年-"),
    ],
)
@pytest.mark.parametrize("path", ["/api/reports/classes/{pk}/", "/teacher/classes/{pk}/"])
def test_an_export_is_an_attachment_named_for_its_class(
    name: str, plain: str, named: str | None, path: str
) -> None:
    # given a class whose name may hold letters beyond ASCII (a header value beyond Latin-1 was
    # sent MIME-encoded whole, "=?utf-8?b?...?=", which no client reads as an attachment)
    world = make_world(students_a=1, students_b=1, chapters=1)
    world.class_a.name = name
    world.class_a.save()
    pk = world.class_a.pk
    client: Client = APIClient() if path.startswith("/api/") else Client()
    client.force_login(world.teacher_a)
    for extension in ("csv", "xlsx"):
        # when its teacher downloads the grid
        response = client.get(path.format(pk=pk) + f"export.{extension}")
        assert response.status_code == 200
        # then it is an attachment with an ASCII file name for every client, and RFC 6266's
        # filename* with the class's own name where that differs
        header = response["Content-Disposition"]
        parts = [part.strip() for part in header.split(";")]
        assert parts[0] == "attachment", header
        assert parts[1].startswith(f'filename="{plain.format(pk=pk)}'), header
        assert parts[1].endswith(f'.{extension}"') and parts[1].isascii(), header
        if named is None:
            assert len(parts) == 2, header
        else:
            prefix = "filename*=UTF-8''"
            assert parts[2].startswith(prefix) and parts[2].isascii(), header
            assert unquote(parts[2][len(prefix) :]).startswith(named), header
