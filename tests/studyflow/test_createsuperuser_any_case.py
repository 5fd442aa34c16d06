"""`manage.py createsuperuser` and a username that is another account's in another case
(studyflow/management/commands/createsuperuser.py): refused as Django refuses the exact one, never
the username index's IntegrityError.

The admin's forms are tested in tests/studyflow/test_user_admin_any_case.py.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

TAKEN = "Error: That username is already taken."


class Terminal(StringIO):
    """stdin as a terminal: the command prompts only then (answers come from `answering`)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", role="staff", is_superuser=True)


@pytest.fixture
def answering(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The answers typed at the command's prompts, in order (Django's own tests answer so too);
    the password prompts answer a passphrase. Every answer must have been asked for."""
    answers: list[str] = []

    def typed(prompt: str = "") -> str:
        return answers.pop(0)

    monkeypatch.setattr(createsuperuser, "input", typed, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "a long enough passphrase")
    yield answers
    assert answers == []


def usernames() -> list[str]:
    return sorted(get_user_model().objects.values_list("username", flat=True))


@pytest.mark.parametrize("username", ["Admin", "ADMIN", "admin"])
def test_without_prompts_a_username_taken_in_any_case_is_refused(admin: Any, username: str) -> None:
    # when the operator names another account's username, in another case or the same
    with pytest.raises(CommandError) as refused:
        call_command(
            "createsuperuser",
            "--noinput",
            username=username,
            email="it@example.org",
            stdout=StringIO(),
        )
    # then the command stops with Django's message for a taken username, adding nobody
    assert str(refused.value) == TAKEN
    assert usernames() == ["admin"]


def test_without_prompts_a_free_username_is_added(admin: Any) -> None:
    call_command(
        "createsuperuser", "--noinput", username="office", email="it@example.org", stdout=StringIO()
    )
    assert get_user_model().objects.get(username="office").is_superuser


def test_at_the_prompt_a_username_taken_in_any_case_is_asked_again(
    admin: Any, answering: list[str]
) -> None:
    # given an operator who types another account's username in another case, twice, then a free one
    answering.extend(["ADMIN", "admin", "office"])
    stderr = StringIO()
    # when they start the command with another case of it too
    call_command(
        "createsuperuser",
        username="Admin",
        email="it@example.org",
        stdin=Terminal(),
        stdout=StringIO(),
        stderr=stderr,
    )
    # then each taken one is refused with Django's message and asked again; the free one is added
    assert stderr.getvalue().splitlines() == [TAKEN] * 3
    assert usernames() == ["admin", "office"]
    assert (
        get_user_model().objects.get(username="office").check_password("a long enough passphrase")
    )
