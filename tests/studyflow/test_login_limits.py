"""Failed log-ins per account and address: the counting (given/when/then), then every way in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from studyflow.login_limits import ADDRESS_FACTOR, Rate, parse_rate, record_failure, wait_seconds
from tests.pages_data import PASSWORD, make_student, make_user

T = 1_000_000.0  # a moment, in seconds


def test_rates_read_as_failures_per_period() -> None:
    assert parse_rate("10/min") == Rate(10, 60)
    assert parse_rate("5/m") == Rate(5, 60)
    assert parse_rate(" 100 / hour ") == Rate(100, 3600)
    assert parse_rate("3/d") == Rate(3, 86_400)
    for bad in ("10", "ten/min", "10/fortnight", "0/min", ""):
        with pytest.raises(ImproperlyConfigured, match="LOGIN_THROTTLE_RATE"):
            parse_rate(bad)


def test_an_account_is_held_back_after_its_failures_until_the_oldest_leaves_the_window(
    settings: Any,
) -> None:
    settings.LOGIN_THROTTLE_RATE = "3/min"
    # given three failures of one account from one address, ten seconds apart
    for i in range(3):
        assert wait_seconds("10.0.0.1", "Anna", now=T + 10 * i) == 0
        record_failure("10.0.0.1", "Anna", now=T + 10 * i)
    # then it waits until the first of them is a minute old (the name's case does not matter)
    assert wait_seconds("10.0.0.1", "anna", now=T + 25) == 35
    assert wait_seconds("10.0.0.1", "Anna", now=T + 60.5) == 0
    # and neither the same account elsewhere nor another account here is held back
    assert wait_seconds("10.0.0.2", "Anna", now=T + 25) == 0
    assert wait_seconds("10.0.0.1", "Bram", now=T + 25) == 0


def test_an_address_failing_for_many_accounts_is_held_back_for_all(settings: Any) -> None:
    settings.LOGIN_THROTTLE_RATE = "2/min"
    # given an address that failed once for each of many accounts
    for i in range(2 * ADDRESS_FACTOR):
        record_failure("10.0.0.9", f"pupil{i}", now=T)
    # then even an account it never tried waits, and other addresses do not
    assert wait_seconds("10.0.0.9", "someone-else", now=T + 1) == 59
    assert wait_seconds("10.0.0.8", "someone-else", now=T + 1) == 0


def fail(client: Client, url: str, username: str, times: int) -> list[int]:
    return [
        client.post(url, {"username": username, "password": "guess"}).status_code
        for _ in range(times)
    ]


@pytest.mark.django_db
def test_the_log_in_page_holds_back_an_account_after_ten_failures(client: Client) -> None:
    student, other = make_student(), make_student()
    assert fail(client, "/login/", student.username, 10) == [200] * 10
    page = client.post("/login/", {"username": student.username, "password": PASSWORD})
    html = page.content.decode()
    assert page.status_code == 200 and "Too many failed log-ins for this account." in html
    assert re.search(r"Wait (59|60) seconds, then try again\.", html)
    assert "_auth_user_id" not in client.session
    # another pupil at the same school logs in as usual
    response = client.post("/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_admin_log_in_holds_back_an_account_too(client: Client) -> None:
    make_user("office", staff=True)
    assert fail(client, "/admin/login/", "office", 10) == [200] * 10
    page = client.post("/admin/login/", {"username": "office", "password": PASSWORD})
    assert "Too many failed log-ins for this account." in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_processes_sharing_a_redis_cache_share_the_count(settings: Any) -> None:
    """With CACHE_URL every web process sees the failures recorded by the others."""
    import redis
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
        }
    }
    settings.LOGIN_THROTTLE_RATE = "2/min"
    caches["default"].clear()
    try:
        record_failure("10.0.0.3", "Anna", now=T)
        record_failure("10.0.0.3", "Anna", now=T + 1)
        # the counts are in Redis, where another process reads them
        stored = redis.Redis.from_url("redis://127.0.0.1:6379/13").keys("*login-failures:*")
        assert len(stored) == 2  # the account's and the address's
        caches["default"].close()
        assert wait_seconds("10.0.0.3", "Anna", now=T + 2) == 58
    finally:
        caches["default"].clear()
