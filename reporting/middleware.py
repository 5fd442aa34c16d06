"""A teacher's new password not shown in time is dropped from their session at their next request,
whatever it asks for (studyflow.pages_of_passwords, reporting.new_passwords)."""

from __future__ import annotations

from reporting import new_passwords
from studyflow.pages_of_passwords import DropPasswordsNotShownMiddleware


class DropNewPasswordsNotShownMiddleware(DropPasswordsNotShownMiddleware):
    session_key = new_passwords.SESSION_KEY
