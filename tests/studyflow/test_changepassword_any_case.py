"""`manage.py changepassword` finds the account in any case, as logging in does
(studyflow/management/commands/changepassword.py)."""

from __future__ import annotations

import getpass
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def typing_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW_PASSWORD)


def test_a_username_in_another_case_changes_that_accounts_password(
    make_user: Any, typing_a_password: None
) -> None:
    # Given an account admin
    make_user("admin", role="staff")
    out = StringIO()

    # When staff change the password of "Admin"
    call_command("changepassword", "Admin", stdout=out)

    # Then admin's password is changed, and the command names the account as stored
    assert get_user_model().objects.get(username="admin").check_password(NEW_PASSWORD)
    assert "Changing password for user 'admin'" in out.getvalue()


def test_the_exact_spelling_works_as_before(make_user: Any, typing_a_password: None) -> None:
    make_user("Office", role="staff")

    call_command("changepassword", "Office", stdout=StringIO())

    assert get_user_model().objects.get(username="Office").check_password(NEW_PASSWORD)


def test_a_username_no_account_has_in_any_case_is_still_refused(typing_a_password: None) -> None:
    with pytest.raises(CommandError, match="user 'nobody' does not exist"):
        call_command("changepassword", "nobody", stdout=StringIO())
