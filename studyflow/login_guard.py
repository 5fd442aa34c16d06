"""Failed log-ins counted in Django's cache, on every way in: the log-in page, the admin's and
`POST /api/auth/token/` (the rules: studyflow.login_limits); and the old password asked for by the
password change page, which a borrowed session could otherwise guess at without limit (the admin's
own "Change password" leads there too: studyflow/urls.py).

A try is counted before the password is checked and taken back when it was right, so a burst of
parallel guesses cannot all pass the check before any of them is counted. The counters are the
cache's atomic increments, one key per account, address and window. If the cache is down, log-ins
go on unlimited (and it is logged): refusing everybody would be worse (studyflow.window_counts).

Every failed log-in and every try held back is a WARNING naming the username as typed and the
client's address (the one the limit counts by), so that an operator sees who is attacked and from
where; never the password.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from studyflow import window_counts
from studyflow.login_limits import (
    Rate,
    address_group,
    client_address,
    parse_rate,
    wait_then_try_again,
)
from studyflow.logs import escaped, refusal_logged, request_line, typed

logger = logging.getLogger(__name__)

# Why a log-in is refused, on the pages and in the API's 429 (studyflow.api); how long to wait
# follows, in wait_then_try_again's words, as every refusal for a while says it.
TOO_MANY_FAILURES = "Too many failed log-ins for this account."
TOO_MANY = f"{TOO_MANY_FAILURES} %(wait_then_try_again)s"


def rate() -> Rate:
    return parse_rate(settings.LOGIN_THROTTLE_RATE)


def address_of(request: Any) -> str:
    meta = getattr(request, "META", {})
    return client_address(
        meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), settings.TRUSTED_PROXY_COUNT
    )


def _name(address: str, username: str) -> str:
    # Every spelling that logs in to one account must share its count. The database finds the
    # account by upper() (studyflow.auth_backends), which makes more letters one than casefold()
    # alone does: a dotless i (U+0131) is an I to it, so "m\u0131la" is mila's, and counted
    # apart each such spelling would add a period's tries at mila's password. So upper() first.
    folded = username.upper().casefold()
    account = f"{address_group(address)}\0{folded}"  # hashed: any name is a valid key
    return f"login-failures:{hashlib.sha256(account.encode()).hexdigest()}"


def begin(address: str, username: str, now: float | None = None) -> int:
    """Count a try of `username` from `address`: 0 when it may go ahead, else the seconds until
    its account may be tried from there again. A try that goes ahead and succeeds is forgiven."""
    return window_counts.count(_name(address, username), rate(), now=now, what="failed log-ins")


def forgive(address: str, username: str, now: float | None = None) -> None:
    """Take back a counted try whose password was right."""
    window_counts.take_back(_name(address, username), rate(), now=now, what="failed log-ins")


def log_failure(request: Any, address: str, username: str) -> None:
    """A wrong password (or no such account) for `username` from `address`."""
    logger.warning(
        "Failed log-in as %s from %s (%s)", typed(username), escaped(address), request_line(request)
    )
    refusal_logged(request)


def log_held_back(request: Any, address: str, username: str, wait: int) -> None:
    """A try refused unchecked: the account failed too often from this address (begin())."""
    logger.warning(
        "Too many failed log-ins as %s from %s: refused for %d s (%s)",
        typed(username),
        escaped(address),
        wait,
        request_line(request),
    )
    refusal_logged(request)


def count_try(request: Any, address: str, username: str) -> None:
    """begin() for a form: the form's error when the account is held back from this address."""
    wait = begin(address, username)
    if wait:
        log_held_back(request, address, username, wait)
        raise ValidationError(
            TOO_MANY,
            code="too_many_attempts",
            params={"wait_then_try_again": wait_then_try_again(wait)},
        )


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing an account that failed too often from this address."""

    error_messages = {**AuthenticationForm.error_messages, "too_many_attempts": TOO_MANY}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # nothing is tried without both
        address = address_of(self.request)
        count_try(self.request, address, username)
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is not None:  # the right password (an inactive or no-staff user)
                forgive(address, username)
            else:
                log_failure(self.request, address, username)
            raise
        forgive(address, username)
        return cleaned


class LimitedAdminAuthenticationForm(LimitedAuthenticationForm, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "too_many_attempts": TOO_MANY}


class LimitedPasswordChangeForm(PasswordChangeForm):
    """Django's password change form; a wrong old password counts as a failed log-in of the
    account from this address (the same limit), so the form cannot be used to guess it."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": (
            "Your current password was entered incorrectly. Please enter it again."
        ),
        "too_many_attempts": TOO_MANY,
    }

    def __init__(self, user: Any, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.fields["old_password"].label = "Current password"

    def validate_password_for_user(self, user: Any, password_field_name: str = "") -> None:
        # The rules judge the new password: their messages go beside it, not its confirmation.
        super().validate_password_for_user(user, "new_password1")

    def clean_old_password(self) -> str:
        address = address_of(self.request)
        username = self.user.get_username()
        count_try(self.request, address, username)
        try:
            old_password: str = super().clean_old_password()
        except ValidationError:
            log_failure(self.request, address, username)
            raise
        forgive(address, username)
        return old_password
