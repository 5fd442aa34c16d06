"""Failed log-ins per account and address: the rules (pure, given/when/then), the counting in the
cache, then every way in (the log-in page, the admin's; the token API is in tests/api)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client

from studyflow import login_guard
from studyflow.login_limits import (
    Rate,
    address_group,
    client_address,
    held_back,
    parse_rate,
    wait_text,
    wait_then_try_again,
    window,
)
from tests.pages_data import PASSWORD, make_student, make_user

T = 1_000_040.0  # 20 s into a minute (1,000,020 is a whole number of minutes)


# --- the rules ------------------------------------------------------------------------------------


def test_rates_read_as_failures_per_period_as_drf_reads_them() -> None:
    assert parse_rate("10/min") == Rate(10, 60)
    assert parse_rate("5/m") == parse_rate("5/minutes") == Rate(5, 60)
    assert parse_rate(" 100 / hour ") == parse_rate("100/hr") == Rate(100, 3600)
    assert parse_rate("3/d") == Rate(3, 86_400)
    for bad in ("10", "ten/min", "10/fortnight", "0/min", ""):
        with pytest.raises(ValueError, match="10/min"):
            parse_rate(bad)


def test_the_client_is_the_address_the_outermost_trusted_proxy_saw() -> None:
    # given no proxy: the peer, whatever the header says (a client may write anything there)
    assert client_address("203.0.113.7", "1.2.3.4", proxies=0) == "203.0.113.7"
    # given one proxy: the last entry, which it appended; the client's own entries come first
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.7", proxies=1) == "203.0.113.7"
    # given two proxies: the entry the outer one appended
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.9", proxies=2) == (
        "203.0.113.7"
    )
    # and a header shorter than the proxies claimed, or none: the peer
    assert client_address("10.0.0.2", "", proxies=1) == "10.0.0.2"
    assert client_address(None, None, proxies=0) == "unknown"


def test_an_ipv6_address_counts_by_its_64_network() -> None:
    assert address_group("2001:db8:1:2:aaaa::1") == address_group("2001:db8:1:2:bbbb::9")
    assert address_group("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_group("2001:db8:1:3::1") != address_group("2001:db8:1:2::1")
    assert address_group("::ffff:192.0.2.1") == address_group("192.0.2.1") == "192.0.2.1"
    assert address_group("::1") == "::1"
    assert address_group("not an address") == "not an address"


def test_a_window_is_fixed_and_the_try_after_the_allowance_is_held_back() -> None:
    rate = Rate(3, 60)
    # given a moment 20 s into a minute
    index, left = window(T, rate)
    # then the window ends in 40 s, and the next moment starts the next window
    assert left == 40 and window(T + 40, rate)[0] == index + 1
    # and of the counted tries, the fourth is held back
    assert [held_back(n, rate) for n in (1, 2, 3, 4)] == [False, False, False, True]
    assert (wait_text(1), wait_text(40), wait_text(600)) == ("1 second", "40 seconds", "10 minutes")


def test_how_long_to_wait_is_one_sentence_and_without_a_time_just_later() -> None:
    assert wait_then_try_again(40) == "Wait 40 seconds, then try again."
    assert wait_then_try_again(None) == wait_then_try_again(0) == "Try again later."


# --- the counting ---------------------------------------------------------------------------------


def test_failures_are_counted_per_account_and_address_and_a_right_password_is_forgiven(
    settings: Any,
) -> None:
    settings.LOGIN_THROTTLE_RATE = "3/min"
    # given three failed tries of one account from one address
    for _ in range(3):
        assert login_guard.begin("10.0.0.1", "Anna", now=T) == 0
    # then the fourth waits for the window's end, in any case of the name
    assert login_guard.begin("10.0.0.1", "ANNA", now=T + 5) == 35
    # and neither the account from elsewhere nor another account from here is held back
    assert login_guard.begin("10.0.0.2", "Anna", now=T + 5) == 0
    assert login_guard.begin("10.0.0.1", "Bram", now=T + 5) == 0
    # and in the next window the account may try again
    assert login_guard.begin("10.0.0.1", "Anna", now=T + 41) == 0
    # a try whose password was right uses up nothing
    for _ in range(10):
        assert login_guard.begin("10.0.0.3", "Cas", now=T) == 0
        login_guard.forgive("10.0.0.3", "Cas", now=T)


def test_processes_sharing_a_redis_cache_share_the_count(settings: Any, redis_server: Any) -> None:
    """With CACHE_URL every web process sees the tries the others counted."""
    from django.core.cache import caches

    settings.LOGIN_THROTTLE_RATE = "2/min"
    login_guard.begin("10.0.0.3", "Anna", now=T)
    login_guard.begin("10.0.0.3", "Anna", now=T + 1)
    # the count is in Redis, where another process reads it
    assert len(redis_server.keys(caches["default"].make_key("*login-failures:*"))) == 1
    caches["default"].close()
    assert login_guard.begin("10.0.0.3", "Anna", now=T + 2) == 38


def test_with_the_cache_down_log_ins_go_on(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    # a class logging in at the start of a lesson
    for _ in range(5):
        assert login_guard.begin("10.0.0.4", "Anna") == 0
        login_guard.forgive("10.0.0.4", "Anna")
    # the log says the cache is down once, not twice a log-in
    said = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(said) == 1
    assert "failed log-ins and quiz commands is not possible" in said[0].getMessage()


# --- every way in ---------------------------------------------------------------------------------


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
    assert re.search(r"Wait \d+ seconds?, then try again\.", html)
    assert "_auth_user_id" not in client.session
    # another pupil at the same school logs in as usual
    response = client.post("/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_class_logs_in_from_one_address_however_many_log_ins(client: Client) -> None:
    pupils = [make_student() for _ in range(12)]
    for pupil in pupils:  # more log-ins from one address than an account's allowance of failures
        response = Client().post("/login/", {"username": pupil.username, "password": PASSWORD})
        assert response.status_code == 302


@pytest.mark.django_db
def test_the_admin_log_in_holds_back_an_account_too(client: Client) -> None:
    make_user("office", staff=True)
    assert fail(client, "/admin/login/", "office", 10) == [200] * 10
    page = client.post("/admin/login/", {"username": "office", "password": PASSWORD})
    assert "Too many failed log-ins for this account." in page.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_pupil_at_the_admin_log_in_is_told_it_is_for_staff_and_uses_up_nothing(
    client: Client,
) -> None:
    pupil = make_student()
    for _ in range(12):
        page = client.post("/admin/login/", {"username": pupil.username, "password": PASSWORD})
        assert "staff account" in page.content.decode()  # the admin's own message
    assert client.post(
        "/login/", {"username": pupil.username, "password": PASSWORD}
    ).status_code == (302)


# --- the log: who was tried, from where -----------------------------------------------------------


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.django_db
def test_each_failed_log_in_and_each_try_held_back_is_a_line_naming_the_account_and_address(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.LOGIN_THROTTLE_RATE = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1  # the address the limits count by: what the proxy appended
    student = make_student()
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    with caplog.at_level(logging.INFO):
        # given two wrong passwords, then a third try
        assert fail(client, "/login/", student.username, 3) == [200] * 3
    # then each is one WARNING, with the username as typed and the client's address
    failed = f"Failed log-in as '{student.username}' from 203.0.113.7 (POST /login/)"
    said = warnings_of(caplog)
    assert said[:2] == [("studyflow.login_guard", failed)] * 2
    assert len(said) == 3 and said[2][0] == "studyflow.login_guard"
    assert re.fullmatch(
        f"Too many failed log-ins as '{student.username}' from 203.0.113.7: "
        r"refused for \d+ s \(POST /login/\)",
        said[2][1],
    )
    assert "guess" not in caplog.text  # never the password


@pytest.mark.django_db
def test_a_username_typed_to_forge_a_log_line_is_escaped_and_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    forged = "anna\n2026-11-28T09:15:03.120Z INFO studyflow: all is well" + "x" * 200
    with caplog.at_level(logging.WARNING, logger="studyflow.login_guard"):
        Client(REMOTE_ADDR="10.0.0.3").post("/login/", {"username": forged, "password": "guess"})
    [line] = [r.getMessage() for r in caplog.records if r.name == "studyflow.login_guard"]
    assert "\n" not in line
    assert line.startswith(r"Failed log-in as 'anna\n2026-11-28T09:15:03.120Z INFO studyflow: ")
    assert "xxx'... from 10.0.0.3 (POST /login/)" in line and "x" * 100 not in line


@pytest.mark.django_db
def test_the_admin_log_in_and_the_password_change_name_the_account_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user("office", staff=True)
    student = make_student()
    client = Client(REMOTE_ADDR="10.0.0.4")
    client.force_login(student)
    with caplog.at_level(logging.WARNING):
        fail(Client(REMOTE_ADDR="10.0.0.4"), "/admin/login/", "office", 1)
        client.post(
            "/password/",
            {"old_password": "guess", "new_password1": "x7!Tq9#mZ", "new_password2": "x7!Tq9#mZ"},
        )
    assert warnings_of(caplog) == [
        ("studyflow.login_guard", "Failed log-in as 'office' from 10.0.0.4 (POST /admin/login/)"),
        (
            "studyflow.login_guard",
            f"Failed log-in as '{student.username}' from 10.0.0.4 (POST /password/)",
        ),
    ]
    assert "guess" not in caplog.text and "x7!Tq9#mZ" not in caplog.text


@pytest.mark.django_db
def test_the_token_api_logs_one_line_a_refusal_naming_the_account_and_address(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.LOGIN_THROTTLE_RATE = "1/min"
    make_student("anna")
    client = Client(REMOTE_ADDR="10.0.0.5")
    with caplog.at_level(logging.INFO):
        codes = [
            client.post(
                "/api/auth/token/",
                {"username": "Anna", "password": "guess"},
                content_type="application/json",
            ).status_code
            for _ in range(2)
        ]
    assert codes == [400, 429]
    # Django's own "Bad Request: /api/auth/token/" and "Too Many Requests: ..." would say it again,
    # without the account and address: left out
    said = warnings_of(caplog)
    assert said[0] == (
        "studyflow.login_guard",
        "Failed log-in as 'Anna' from 10.0.0.5 (POST /api/auth/token/)",
    )
    assert said[1][0] == "studyflow.login_guard" and said[1][1].startswith(
        "Too many failed log-ins as 'Anna' from 10.0.0.5: refused for "
    )
    assert len(said) == 2 and "guess" not in caplog.text
