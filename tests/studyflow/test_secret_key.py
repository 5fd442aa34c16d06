"""Which SECRET_KEY a site with DEBUG off refuses: the rule of Django's deploy check (W009)."""

from __future__ import annotations

import secrets

import pytest
from django.core.checks.security.base import check_secret_key
from django.test import override_settings

from studyflow.secret_key import is_empty, weakness


@pytest.mark.parametrize("key", ["", " ", "\t\n"])
def test_a_key_of_nothing_or_spaces_is_empty(key: str) -> None:
    assert is_empty(key)


def test_a_key_of_one_character_is_not_empty() -> None:
    assert not is_empty("x")


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("x", "it has 1 character, fewer than 50"),
        ("abcde" * 9, "it has 45 characters, fewer than 50"),
        ("abab" * 20, "it has 2 different characters, fewer than 5"),
        (
            "django-insecure-" + "q7Zp" * 20,
            "it starts with 'django-insecure-', as Django's generated ones do",
        ),
    ],
)
def test_a_weak_key_is_named_with_the_reason(key: str, why: str) -> None:
    # given a key Django's deploy check calls weak, then the reason is said in a few words
    assert weakness(key) == why
    assert djangos_check_warns(key)  # and Django's own deploy check agrees


def test_the_readmes_way_of_making_a_key_makes_a_strong_one() -> None:
    # python -c "import secrets; print(secrets.token_urlsafe(50))"
    for _ in range(20):
        key = secrets.token_urlsafe(50)
        assert weakness(key) is None and not djangos_check_warns(key)


def djangos_check_warns(key: str) -> bool:
    """Whether `manage.py check --deploy` warns of the key (security.W009)."""
    with override_settings(SECRET_KEY=key):
        return [warning.id for warning in check_secret_key(None)] == ["security.W009"]
