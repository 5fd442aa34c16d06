"""The admin's user forms and usernames that differ only in case (studyflow/admin_users.py): said
beside the username, never a server error, also when another staff member saved it meanwhile.

The database's index itself is tested in tests/studyflow/test_migrations.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.saved_meanwhile import saved_meanwhile

pytestmark = pytest.mark.django_db

IN_ANOTHER_CASE = "A user with that username already exists in another case: “{}”."


@pytest.fixture
def boss(make_user: Any) -> Any:
    return make_user("boss", role="staff", is_superuser=True)


@pytest.fixture
def staff_client(client: Client, boss: Any) -> Client:
    client.force_login(boss)
    return client


def rename(client: Client, user: Any, username: str) -> Any:
    """The user's change form sent with a new username, the rest as it was."""
    return client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            **({"is_staff": "on", "is_superuser": "on"} if user.is_staff else {}),
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        },
    )


def username_errors(response: Any) -> list[str]:
    assert response.status_code == 200, response.status_code
    return list(response.context["adminform"].form.errors.get("username", []))


def test_an_account_is_not_renamed_to_anothers_username_in_another_case(
    staff_client: Client, make_user: Any
) -> None:
    make_user("student1")
    bram = make_user("bram", first_name="Bram")
    for username in ("Student1", "STUDENT1"):
        # when staff rename an account to another's username in another case
        response = rename(staff_client, bram, username)
        # then the form says so beside the username, naming the other's spelling
        assert username_errors(response) == [IN_ANOTHER_CASE.format("student1")]
    bram.refresh_from_db()
    assert bram.username == "bram"
    # the exact spelling gets Django's own message, once
    assert username_errors(rename(staff_client, bram, "student1")) == [
        "A user with that username already exists."
    ]


def test_an_account_is_renamed_in_another_case_of_its_own_and_to_a_free_name(
    staff_client: Client, make_user: Any
) -> None:
    bram = make_user("bram")
    make_user("bram.b")
    assert rename(staff_client, bram, "Bram").status_code == 302
    bram.refresh_from_db()
    assert bram.username == "Bram"
    assert rename(staff_client, bram, "bram.de.vries").status_code == 302
    assert get_user_model().objects.filter(username="bram.de.vries").exists()


def test_ones_own_account_is_not_renamed_to_anothers_in_another_case(
    staff_client: Client, boss: Any, make_user: Any
) -> None:
    # one's own page has a form of its own (its password button): it checks the same
    make_user("office")
    assert username_errors(rename(staff_client, boss, "Office")) == [
        IN_ANOTHER_CASE.format("office")
    ]


def test_a_new_account_in_another_case_of_anothers_is_refused(
    staff_client: Client, make_user: Any
) -> None:
    # Django's add form checked this already; kept so
    make_user("student1")
    response = staff_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "Student1",
            "usable_password": "false",
        },
    )
    assert username_errors(response) == ["A user with that username already exists."]
    assert get_user_model().objects.count() == 2


# Another staff member's save of the name in another case, committed after this form was checked
# (tests.saved_meanwhile): the database's index refuses the second, and the form comes back.


@pytest.mark.django_db(transaction=True)
def test_a_rename_to_a_name_saved_meanwhile_in_another_case_is_a_form_error(
    staff_client: Client, make_user: Any
) -> None:
    users = get_user_model()
    bram = make_user("bram")
    with saved_meanwhile(users, lambda: users.objects.create_user("ANNA", password="pw")):
        response = rename(staff_client, bram, "anna")
    assert username_errors(response) == [IN_ANOTHER_CASE.format("ANNA")]
    bram.refresh_from_db()
    assert bram.username == "bram"


@pytest.mark.django_db(transaction=True)
def test_an_account_added_in_another_case_of_one_saved_meanwhile_is_a_form_error(
    staff_client: Client,
) -> None:
    users = get_user_model()
    with saved_meanwhile(users, lambda: users.objects.create_user("ANNA", password="pw")):
        response = staff_client.post(
            reverse("admin:auth_user_add"),
            {
                "username": "anna",
                "usable_password": "true",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
            },
        )
    assert username_errors(response) == ["A user with that username already exists."]
    assert list(users.objects.filter(username__iexact="anna").values_list("username")) == [
        ("ANNA",)
    ]
